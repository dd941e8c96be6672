import { askNotificationPermission } from '../alerting/notifier';
import { useConsole } from '../store/console-store';
import { useNotifyPermission } from './NotificationPrompt';

/** Where this browser stands on notifications, and the button that asks (a click is required). */
export function NotificationSetting() {
  const mode = useConsole((s) => s.app?.mode ?? null);
  const permission = useNotifyPermission();
  if (mode !== 'serve') return null;
  return (
    <div className="muted small field-note" data-testid="notify-permission" data-permission={permission}>
      {permission === 'granted' && 'This browser shows the notifications.'}
      {permission === 'denied' && 'This browser blocks notifications from the console: allow them in the site settings (the icon left of the address).'}
      {permission === 'insecure' &&
        'Browsers offer notifications only on https:// pages or on this computer (localhost); this page is plain http from another machine, so only the banner and the chime work here.'}
      {permission === 'unsupported' && 'This browser cannot show notifications.'}
      {permission === 'default' && (
        <>
          This browser has not been asked yet.{' '}
          <button type="button" className="small" onClick={() => void askNotificationPermission()}>
            Allow browser notifications
          </button>
        </>
      )}
    </div>
  );
}
