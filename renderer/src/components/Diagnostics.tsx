import { formatTime } from '../lib/time';
import { useConsole } from '../store/console-store';
import { connectionLabel } from './Header';
import { TerminalPanel } from './TerminalPanel';

/** What support asks for first, and a shell on the station machine to look further. */
export function Diagnostics() {
  const app = useConsole((s) => s.app);
  const connection = useConsole((s) => s.connection);
  const sources = useConsole((s) => s.sources);
  const tz = useConsole((s) => s.timeZone);
  return (
    <>
      <section className="panel" data-testid="diagnostics">
        <h3>Diagnostics</h3>
        <dl className="kv">
          <dt>Connection</dt>
          <dd>{connectionLabel(connection)}</dd>
          {app && (
            <>
              <dt>Version</dt>
              <dd>
                {app.name} {app.version}
              </dd>
              <dt>Mode</dt>
              <dd>{app.mode}</dd>
              <dt>Platform</dt>
              <dd>
                {app.platform}, Node {app.node}
              </dd>
              <dt>Engine started</dt>
              <dd>{formatTime(app.startedAt, tz)}</dd>
              <dt>Data directory</dt>
              <dd className="mono">{app.dataDir}</dd>
            </>
          )}
        </dl>
        <h3>Sources</h3>
        <table className="events">
          <thead>
            <tr>
              <th>Source</th>
              <th>State</th>
              <th>Samples on bus</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.state}</td>
                <td className="mono">{s.samples.toLocaleString()}</td>
                <td>{s.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <TerminalPanel />
    </>
  );
}
