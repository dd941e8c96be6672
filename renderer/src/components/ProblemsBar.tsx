import { formatTime } from '../lib/time';
import { useConsole } from '../store/console-store';

/** What the engine says is broken and needs a person (history not writable, a failed recording). */
export function ProblemsBar() {
  const problems = useConsole((s) => s.problems);
  const tz = useConsole((s) => s.timeZone);
  if (problems.length === 0) return null;
  return (
    <div className="problems-bar" role="alert" data-testid="problems-bar" data-count={problems.length}>
      {problems.map((p) => (
        <div key={p.code} className="problem" data-code={p.code}>
          <strong>{p.message}</strong> <span className="problem-since">since {formatTime(p.since, tz)}</span>
        </div>
      ))}
    </div>
  );
}
