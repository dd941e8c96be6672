// The renderer's fences, one place for each item of Electron's security checklist that is
// not a webPreferences flag: the CSP header, permissions, navigation, new windows, webviews,
// and who may call the engine over IPC.
import type { BrowserWindow, IpcMainInvokeEvent, Session, WebContents } from 'electron';

/**
 * What the page may be granted: desktop notifications for alerts, and picking the audio
 * output device (speaker-selection) for listening. Everything else, the microphone and camera
 * included (capture is the engine's job, never the page's), is refused.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'speaker-selection']);

/** Only our own page is file://; the media scheme and devtools never ask for permissions. */
function fromOurPage(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith('file://');
}

/** Permissions, and the CSP as a response header on everything the session loads. */
export function hardenSession(ses: Session, csp: string): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(GRANTED_PERMISSIONS.has(permission) && fromOurPage(details?.requestingUrl));
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => GRANTED_PERMISSIONS.has(permission) && fromOurPage(requestingOrigin));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
  });
}

/**
 * The response's headers with ours as the only Content-Security-Policy: a header of the same
 * name in another case would otherwise add a second, looser policy next to ours.
 */
export function withCsp(headers: Record<string, string[] | string> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** No navigation away from the page it loaded, no new windows, no <webview>: for every webContents. */
export function guardWebContents(wc: WebContents): void {
  wc.on('will-navigate', (e) => e.preventDefault());
  wc.on('will-frame-navigate', (e) => e.preventDefault());
  wc.on('will-redirect', (e) => e.preventDefault());
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Only our own window's main frame, showing our own page, may call the engine. */
export function isTrustedSender(e: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, win: BrowserWindow | null, pageUrl: string): boolean {
  if (!win || win.isDestroyed()) return false;
  const frame = e.senderFrame;
  if (!frame || e.sender.id !== win.webContents.id) return false;
  if (frame !== e.sender.mainFrame || frame.parent !== null) return false;
  return frame.url.split('#')[0] === pageUrl;
}
