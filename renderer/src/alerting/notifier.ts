import { areas, isActiveAt, bannerCategory } from '../lib/alerts';
import { formatTime } from '../lib/time';
import { useConsole, type ConsoleState } from '../store/console-store';

/** Where the browser's answer to "may this page notify?" is, in words the prompt can show. */
export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported' | 'insecure';

const ASKED_KEY = 'eas.notifications.asked';

export function notifyPermission(): NotifyPermission {
  if (typeof Notification === 'undefined') {
    // Chromium and Firefox hide the API on http:// pages other than localhost.
    return window.isSecureContext ? 'unsupported' : 'insecure';
  }
  return Notification.permission;
}

/** Whether the console already asked (the prompt is offered once; settings can ask again). */
export function alreadyAsked(): boolean {
  try {
    return localStorage.getItem(ASKED_KEY) === '1';
  } catch {
    return false;
  }
}

export function rememberAsked(): void {
  try {
    localStorage.setItem(ASKED_KEY, '1');
  } catch {
    // Storage off: the prompt comes back on the next load, which is harmless.
  }
}

/** Must run from a click: browsers refuse a permission request without a user gesture. */
export async function askNotificationPermission(): Promise<NotifyPermission> {
  rememberAsked();
  if (typeof Notification === 'undefined') return notifyPermission();
  try {
    await Notification.requestPermission();
  } catch {
    // Old Safari takes a callback instead; the permission below says what happened.
  }
  const p = notifyPermission();
  listeners.forEach((l) => l(p));
  return p;
}

const listeners = new Set<(p: NotifyPermission) => void>();
export function onPermissionChange(listener: (p: NotifyPermission) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Browser notifications for relevant alerts (serve mode; in Electron the main process shows
 * desktop notifications itself). One per alert while it is active and unacknowledged, closed
 * when it is acknowledged or expires; a click brings the console forward.
 */
export function startNotifier(): () => void {
  const shown = new Map<string, Notification>();
  const done = new Set<string>();

  const onChange = (st: ConsoleState): void => {
    if (st.alertSettings?.notify === false || notifyPermission() !== 'granted') return;
    const live = new Set<string>();
    for (const a of st.activeAlerts) {
      if (!a.relevance.relevant || a.acknowledgement || !isActiveAt(a, st.now)) continue;
      live.add(a.id);
      if (done.has(a.id)) continue;
      done.add(a.id);
      try {
        const n = new Notification(a.eventName, {
          body: `${areas(a, 4)}\nUntil ${formatTime(a.expiresAt, st.timeZone)} · ${a.originatorName}`,
          // The same tag replaces rather than stacks (a reload, a second tab).
          tag: `eas-${a.id}`,
          requireInteraction: bannerCategory(a.category) === 'warning',
        });
        n.onclick = () => {
          window.focus();
          window.location.hash = '#console';
          n.close();
        };
        shown.set(a.id, n);
      } catch {
        // Some platforms only notify from a service worker; the banner and chime still work.
      }
    }
    for (const [id, n] of shown) {
      if (live.has(id)) continue;
      n.close();
      shown.delete(id);
    }
  };

  const unsubscribe = useConsole.subscribe(onChange);
  onChange(useConsole.getState());
  const offPermission = onPermissionChange(() => onChange(useConsole.getState()));
  return () => {
    unsubscribe();
    offPermission();
    for (const n of shown.values()) n.close();
  };
}
