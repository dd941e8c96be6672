// The security checklist item by item, on the shell's own modules with the fake electron.
// test/main/shell.test.ts checks the same through electron/main/index.ts as a whole.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, IpcMainInvokeEvent, Session } from 'electron';
import { CSP } from '../../electron/contract/csp';
import { mediaHandler } from '../../electron/main/media-protocol';
import { GRANTED_PERMISSIONS, hardenSession, isTrustedSender } from '../../electron/main/web-guards';
import { createMainWindow } from '../../electron/main/window';
import type { FakeElectron } from './fake-electron';

const fake = vi.hoisted(() => ({ current: null as null | FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./fake-electron');
  fake.current = createFakeElectron();
  return fake.current.electron;
});

const dir = mkdtempSync(join(tmpdir(), 'eas-winsec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const page = join(dir, 'index.html');
writeFileSync(page, '<!doctype html>');
const pageUrl = pathToFileURL(page).href;

function newWindow() {
  const w = createMainWindow({ preload: '/p/index.cjs', rendererIndex: page, icon: '/i.png', show: true });
  return { w, fw: fake.current!.control.windows.at(-1)! };
}

describe('the console window', () => {
  it('is sandboxed and context-isolated with no Node in the page', () => {
    const { fw } = newWindow();
    const prefs = fw.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/p/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(fw.loadedFile).toBe(page);
  });

  it('refuses navigation, new windows and <webview>', () => {
    const { fw } = newWindow();
    const wc = fw.webContents;
    expect(wc.tryNavigate('https://example.com/')).toBe(false);
    expect(wc.tryNavigate(pathToFileURL('/etc/passwd').href)).toBe(false);
    expect(wc.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    for (const event of ['will-redirect', 'will-attach-webview']) {
      const e = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      wc.emit(event, e, {});
      expect(e.defaultPrevented, event).toBe(true);
    }
  });

  it('stays hidden until painted, and when started at login it stays hidden', async () => {
    createMainWindow({ preload: '/p', rendererIndex: page, icon: '/i.png', show: false });
    const hidden = fake.current!.control.windows.at(-1)!;
    const { fw: shown } = newWindow();
    expect(shown.options.show).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(shown.isVisible()).toBe(true);
    expect(hidden.isVisible()).toBe(false);
  });
});

describe('the session', () => {
  it('grants notifications and audio output to our page only, nothing else', () => {
    hardenSession(fake.current!.electron.session.defaultSession as unknown as Session, CSP);
    const { permissionRequest, permissionCheck } = fake.current!.control.sessionHandlers;
    const ask = (permission: string, requestingUrl: string): boolean => {
      let granted: boolean | null = null;
      permissionRequest!(null, permission, (ok) => (granted = ok), { requestingUrl });
      if (granted === null) throw new Error(`no answer for ${permission}`);
      return granted;
    };
    expect([...GRANTED_PERMISSIONS].sort()).toEqual(['notifications', 'speaker-selection']);
    expect(ask('notifications', pageUrl)).toBe(true);
    expect(ask('speaker-selection', pageUrl)).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'display-capture', 'openExternal', 'midi', 'hid', 'serial', 'usb', 'fullscreen', 'unknown']) {
      expect(ask(p, pageUrl), p).toBe(false);
    }
    expect(ask('notifications', 'https://evil.example/')).toBe(false);
    expect(permissionCheck!(null, 'notifications', 'file:///', {})).toBe(true);
    expect(permissionCheck!(null, 'media', 'file:///', {})).toBe(false);
    expect(permissionCheck!(null, 'notifications', 'https://evil.example', {})).toBe(false);
  });

  it('puts our CSP, and only ours, on every response', () => {
    const { headersReceived } = fake.current!.control.sessionHandlers;
    const cases: Array<Record<string, string[]> | undefined> = [
      undefined,
      {},
      { 'content-type': ['text/html'] },
      { 'Content-Security-Policy': ["default-src *"], 'content-security-policy': ["script-src 'unsafe-inline'"], 'x-other': ['1'] },
    ];
    for (const responseHeaders of cases) {
      let out: Record<string, string[]> | undefined;
      headersReceived!({ url: pageUrl, responseHeaders }, (r) => (out = r.responseHeaders));
      const csp = Object.entries(out ?? {}).filter(([k]) => k.toLowerCase() === 'content-security-policy');
      expect(csp).toEqual([['Content-Security-Policy', [CSP]]]);
      for (const [k, v] of Object.entries(responseHeaders ?? {})) {
        if (k.toLowerCase() !== 'content-security-policy') expect(out![k]).toEqual(v);
      }
    }
    expect(CSP).toContain("frame-ancestors 'none'");
    expect(CSP).toContain("script-src 'self'");
  });
});

describe('IPC sender check', () => {
  it('accepts only the main frame of our window on our page', () => {
    const { fw } = newWindow();
    const win = fw as unknown as BrowserWindow;
    const wc = fw.webContents;
    const ev = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;
    expect(isTrustedSender(ev(wc, wc.mainFrame), win, pageUrl)).toBe(true);
    wc.mainFrame.url = `${pageUrl}#/history`;
    expect(isTrustedSender(ev(wc, wc.mainFrame), win, pageUrl)).toBe(true);

    const sub = fake.current!.control.newFrame(pageUrl, wc.mainFrame);
    expect(isTrustedSender(ev(wc, sub), win, pageUrl), 'a subframe, even on our page').toBe(false);
    const other = fake.current!.control.newWebContents();
    other.mainFrame.url = pageUrl;
    expect(isTrustedSender(ev(other, other.mainFrame), win, pageUrl), 'another webContents').toBe(false);
    expect(isTrustedSender(ev(wc, null), win, pageUrl), 'a frame already gone').toBe(false);
    wc.mainFrame.url = 'https://evil.example/';
    expect(isTrustedSender(ev(wc, wc.mainFrame), win, pageUrl), 'our window on another page').toBe(false);
    wc.mainFrame.url = pageUrl;
    expect(isTrustedSender(ev(wc, wc.mainFrame), null, pageUrl), 'no window').toBe(false);
    fw.destroy();
    expect(isTrustedSender(ev(wc, wc.mainFrame), win, pageUrl), 'a destroyed window').toBe(false);
  });
});

describe('the media protocol', () => {
  const wav = join(dir, 'alert.wav');
  writeFileSync(wav, Buffer.from('RIFF....WAVEfmt data-0123456789'));
  const files: Record<string, string> = { 'alert-1': wav };
  const seen: string[] = [];
  const handler = mediaHandler(
    (id) => {
      seen.push(id);
      return files[id] ?? null;
    },
    (url, init) => fake.current!.electron.net.fetch(url, init),
    CSP,
  );

  it('serves the file the engine names for an alert, with ranges', async () => {
    const res = await handler(new Request('eas-media://alerts/alert-1/audio'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('RIFF....WAVEfmt data-0123456789');
    const part = await handler(new Request('eas-media://alerts/alert-1/audio', { headers: { range: 'bytes=0-3' } }));
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('RIFF');
  });

  it('serves nothing else: no paths, no other hosts, no writes', async () => {
    seen.length = 0;
    const urls = [
      'eas-media://alerts/nope/audio',
      'eas-media://alerts/..%2F..%2Fetc%2Fpasswd/audio',
      'eas-media://alerts/alert-1/../../etc/passwd',
      `eas-media://alerts/${encodeURIComponent(wav)}/audio`,
      'eas-media://files/alert-1/audio',
      'eas-media://alerts/alert-1/audio?file=/etc/passwd',
      'eas-media://alerts/alert-1/audio/extra',
      'eas-media://alerts/%E0%A4%A/audio',
    ];
    for (const url of urls) {
      const res = await handler(new Request(url));
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-security-policy'), url).toBe(CSP);
    }
    // Every id the engine was asked about came from the URL's one path segment; none was a path it served.
    expect(seen.every((id) => !(id in files))).toBe(true);
    const post = await handler(new Request('eas-media://alerts/alert-1/audio', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });
});
