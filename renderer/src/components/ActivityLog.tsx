import { formatTime } from '../lib/time';
import { useConsole } from '../store/console-store';

/** Program changes, engine log lines and the console's own notes, newest first. */
export function ActivityLog() {
  const activity = useConsole((s) => s.activity);
  const tz = useConsole((s) => s.timeZone);
  return (
    <section className="panel activity-panel" data-testid="activity-log">
      <h3>Program changes &amp; log</h3>
      {activity.length === 0 ? (
        <div className="empty small">Nothing logged yet.</div>
      ) : (
        <ol className="activity">
          {activity.map((a) => (
            <li key={a.id} className={`lvl-${a.level} kind-${a.kind}`}>
              <span className="nowrap muted" title={a.at}>
                {formatTime(a.at, tz)}
              </span>
              <span className={`tag tag-${a.kind}`}>{a.kind === 'program' ? 'PROGRAM' : a.level.toUpperCase()}</span>
              <span className="activity-text">{a.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
