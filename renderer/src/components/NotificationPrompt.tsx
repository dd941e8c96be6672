import { useEffect, useState } from 'react';
import {
  alreadyAsked,
  askNotificationPermission,
  notifyPermission,
  onPermissionChange,
  rememberAsked,
  type NotifyPermission,
} from '../alerting/notifier';
import { useConsole } from '../store/console-store';

/** The browser's notification permission, kept current for whoever shows it. */
export function useNotifyPermission(): NotifyPermission {
  const [p, setP] = useState<NotifyPermission>(notifyPermission);
  useEffect(() => onPermissionChange(setP), []);
  return p;
}

/**
 * Serve mode asks once, from a button (browsers refuse a request without a click), and says
 * why first. "Not now" is remembered; the Settings page can still turn them on.
 */
export function NotificationPrompt() {
  const permission = useNotifyPermission();
  const notify = useConsole((s) => s.alertSettings?.notify ?? false);
  const [dismissed, setDismissed] = useState(alreadyAsked);
  if (!notify || dismissed || permission !== 'default') return null;
  return (
    <div className="notify-prompt" data-testid="notify-prompt">
      <span>
        Turn on browser notifications, so an alert for this station reaches you while this tab is hidden or minimised.
      </span>
      <button type="button" className="primary small" onClick={() => void askNotificationPermission().then(() => setDismissed(true))}>
        Turn on notifications
      </button>
      <button
        type="button"
        className="small"
        onClick={() => {
          rememberAsked();
          setDismissed(true);
        }}
      >
        Not now
      </button>
    </div>
  );
}
