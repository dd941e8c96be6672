import { useConsole } from '../store/console-store';

/** Loud on purpose: a console that silently shows stale meters is worse than none. */
export function ConnectionBanner() {
  const c = useConsole((s) => s.connection);
  const now = useConsole((s) => s.now);
  if (c.kind === 'connected') return null;
  if (c.kind === 'connecting') {
    return (
      <div className="conn-banner connecting" role="status">
        Connecting to the engine…
      </div>
    );
  }
  const secs = Math.max(0, Math.ceil((c.retryAt - now) / 1000));
  return (
    <div className="conn-banner" role="alert" data-testid="disconnected-banner">
      <strong>Disconnected — reconnecting.</strong> {c.reason}. {secs > 0 ? `Next try in ${secs} s` : 'Trying now'} (attempt{' '}
      {c.attempt}). Everything below is the last state received and may be out of date; check that eas-console is
      still running.
    </div>
  );
}
