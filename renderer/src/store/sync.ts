import type { ConsoleApi } from '@contract';
import type { ConnectionMonitor, ConnectionState } from '../api/connection';
import { levelHistory } from '../lib/level-history';
import { bindActions, historyAlertsUpdated, reloadState } from './actions';
import { useConsole } from './console-store';

/**
 * Connects the store to the engine: binds the actions (every command) to `api`, wires the
 * engine's events into the store, and reloads the full state whenever the connection comes
 * up. Returns a function that undoes the wiring.
 */
export function syncStore(api: ConsoleApi, monitor: ConnectionMonitor): () => void {
  const store = useConsole.getState;
  const offs: Array<() => void> = [bindActions(api)];

  offs.push(
    api.on('levels', ({ frames }) => levelHistory.push(frames, performance.now())),
    api.on('sources.changed', (sources) => {
      store().setSources(sources);
      levelHistory.retain(new Set(sources.map((s) => s.id)));
    }),
    api.on('streams.changed', (streams) => store().setStreams(streams)),
    api.on('program.changed', (c) => store().addProgramChange(c)),
    api.on('decoder.event', (e) => store().addDecoderEvent(e)),
    api.on('alerts.changed', ({ active }) => store().setActiveAlerts(active)),
    api.on('alerts.updated', ({ alerts }) => historyAlertsUpdated(alerts)),
    api.on('problems.changed', ({ problems }) => store().setProblems(problems)),
    api.on('log', (l) => store().addActivity(l.level, 'log', l.message, l.at)),
    api.on('icecast.changed', (view) => store().setIcecast(view)),
    api.on('icecast.stats', (stats) => store().setIcecastStats(stats)),
  );

  let previous: ConnectionState['kind'] | null = null;
  const onConnection = (c: ConnectionState): void => {
    store().setConnection(c);
    if (c.kind === 'connected') {
      if (previous === 'reconnecting') store().addActivity('info', 'console', 'reconnected to the engine');
      void reloadState();
    } else if (c.kind === 'reconnecting' && previous === 'connected') {
      store().addActivity('warn', 'console', `lost the connection to the engine (${c.reason}); reconnecting`);
    }
    previous = c.kind;
  };
  offs.push(monitor.onConnection(onConnection));
  onConnection(monitor.connection());
  offs.push(startClock());

  return () => {
    for (const off of offs) off();
  };
}

/**
 * The console's one clock: the store's `now`, ticked on each whole second. Countdowns read it
 * rather than keeping intervals of their own, so every one changes in the same frame and none
 * drifts (each tick is scheduled from the wall clock, not from the last tick).
 */
function startClock(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = (): void => {
    // A few ms past the second, so the displayed second is the one just begun.
    timer = setTimeout(() => {
      useConsole.getState().tick(Date.now());
      schedule();
    }, 1000 - (Date.now() % 1000) + 5);
  };
  useConsole.getState().tick(Date.now());
  schedule();
  return () => {
    if (timer) clearTimeout(timer);
  };
}
