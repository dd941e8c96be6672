import type { ConnectionState } from '../api/connection';
import { useConsole } from '../store/console-store';

export function connectionLabel(c: ConnectionState): string {
  switch (c.kind) {
    case 'connected':
      return 'connected';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
      return 'disconnected';
  }
}

export function Header({ fallbackMode }: { fallbackMode: 'electron' | 'serve' }) {
  const app = useConsole((s) => s.app);
  const stationName = useConsole((s) => s.stationName);
  const connection = useConsole((s) => s.connection);
  const program = useConsole((s) => s.sources.find((x) => x.program) ?? null);
  const mode = app?.mode ?? fallbackMode;

  return (
    <header className="top">
      <div className="station">
        <div className="station-name">{stationName ?? 'EAS Monitor Console'}</div>
        <div className="app-line">
          {stationName ? 'EAS Monitor Console' : 'version'}
          {app ? ` ${app.version}` : ''} <span className="mode-badge">{mode}</span>
        </div>
      </div>
      <div className="program-box" data-testid="program-source">
        <div className="label">PROGRAM</div>
        <div className={`program-name ${program ? `state-${program.state}` : 'none'}`}>
          {program ? program.name : 'no program source'}
        </div>
      </div>
      <div className={`connection conn-${connection.kind}`} data-testid="connection-state" data-state={connection.kind}>
        <span className="dot" aria-hidden="true" />
        {connectionLabel(connection)}
      </div>
    </header>
  );
}
