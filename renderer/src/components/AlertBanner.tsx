import type { Alert } from '@contract';
import { clock, relative } from '../lib/format';
import { useNow } from '../lib/use-now';
import { useConsole } from '../store/console-store';

/** Category -> banner colour class: warnings red, watches orange, advisories/statements yellow, tests blue. */
export function categoryClass(category: string): string {
  switch (category.toLowerCase()) {
    case 'warning':
    case 'emergency':
      return 'cat-warning';
    case 'watch':
      return 'cat-watch';
    case 'advisory':
    case 'statement':
      return 'cat-advisory';
    case 'test':
      return 'cat-test';
    default:
      return 'cat-other';
  }
}

export function areas(alert: Alert): string {
  if (alert.locations.length === 0) return 'no area given';
  const names = alert.locations.map((l) => l.name || l.code);
  return names.length > 6 ? `${names.slice(0, 6).join('; ')}; and ${names.length - 6} more` : names.join('; ');
}

export function AlertBanner() {
  const alerts = useConsole((s) => s.activeAlerts);
  const sources = useConsole((s) => s.sources);
  const now = useNow(15_000);

  if (alerts.length === 0) {
    return (
      <section className="alert-banner none" data-testid="alert-banner" data-count={0} aria-live="polite">
        No active alerts
      </section>
    );
  }
  const sorted = [...alerts].sort((a, b) => severity(a) - severity(b) || b.receivedAt.localeCompare(a.receivedAt));
  return (
    <section className="alert-banner" data-testid="alert-banner" data-count={alerts.length} aria-live="assertive">
      {sorted.map((a) => (
        <div key={a.id} className={`alert ${categoryClass(a.category)}`} data-testid={`alert-${a.id}`}>
          <div className="alert-main">
            <span className="alert-category">{a.category.toUpperCase()}</span>
            <span className="alert-event">{a.eventName}</span>
            <span className="alert-from">
              {a.originatorName} · {a.callsign}
            </span>
          </div>
          <div className="alert-areas">{areas(a)}</div>
          <div className="alert-times">
            Issued {clock(a.issuedAt)} · expires {clock(a.expiresAt)} ({relative(a.expiresAt, now)}) · heard on{' '}
            {sources.find((s) => s.id === a.sourceId)?.name ?? a.sourceId} at {clock(a.receivedAt)}
          </div>
          <div className="alert-raw mono">{a.raw}</div>
        </div>
      ))}
    </section>
  );
}

function severity(a: Alert): number {
  return ['cat-warning', 'cat-watch', 'cat-advisory', 'cat-other', 'cat-test'].indexOf(categoryClass(a.category));
}
