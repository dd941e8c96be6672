import type { ConsoleApi } from '@contract';
import type { ConnectionMonitor, ConnectionState } from '../api/connection';
import { toContractError } from '../api/validated-api';
import { levelHistory } from '../lib/level-history';
import { useConsole } from './console-store';

/**
 * Wires the engine's events into the store and (re)loads the full state whenever the
 * connection comes up: after a reconnect the events missed while down are gone, so the
 * snapshot is the only truth. Returns a function that undoes the wiring.
 */
export function syncStore(api: ConsoleApi, monitor: ConnectionMonitor): () => void {
  const store = useConsole.getState;
  const offs: Array<() => void> = [];

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
    api.on('log', (l) => store().addActivity(l.level, 'log', l.message, l.at)),
    api.on('icecast.changed', (view) => store().setIcecast(view)),
    api.on('icecast.stats', (stats) => store().setIcecastStats(stats)),
  );

  let generation = 0;
  const refresh = async (): Promise<void> => {
    const mine = ++generation;
    try {
      const [snapshot, settings] = await Promise.all([
        api.call('status.snapshot', {}),
        // The station name lives in settings; the console still works without it.
        api.call('settings.get', {}).catch(() => null),
      ]);
      if (mine !== generation) return;
      store().applySnapshot(snapshot);
      if (settings) store().setStationName(settings.stationName);
      void refreshIcecast(api);
    } catch (err) {
      if (mine !== generation) return;
      const e = toContractError(err);
      store().setLoadError(e.message);
      store().addActivity('error', 'console', `could not load the engine's state: ${e.message}`);
    }
  };

  let previous: ConnectionState['kind'] | null = null;
  const onConnection = (c: ConnectionState): void => {
    store().setConnection(c);
    if (c.kind === 'connected') {
      if (previous === 'reconnecting') store().addActivity('info', 'console', 'reconnected to the engine');
      void refresh();
    } else if (c.kind === 'reconnecting' && previous === 'connected') {
      store().addActivity('warn', 'console', `lost the connection to the engine (${c.reason}); reconnecting`);
    }
    previous = c.kind;
  };
  offs.push(monitor.onConnection(onConnection));
  onConnection(monitor.connection());

  return () => {
    generation++;
    for (const off of offs) off();
  };
}

/** streams.toggle for one source, with the pending/error state the card shows. */
export async function toggleStreams(api: ConsoleApi, sourceId: string, enabled: boolean): Promise<void> {
  const { setToggle, mergeStreams } = useConsole.getState();
  setToggle(sourceId, { pending: true, error: null });
  try {
    const streams = await api.call('streams.toggle', { sourceId, enabled });
    mergeStreams(streams, sourceId);
    setToggle(sourceId, { pending: false, error: null });
  } catch (err) {
    setToggle(sourceId, { pending: false, error: toContractError(err).message });
  }
}

/** Icecast view and latest stats; an engine without an Icecast service leaves them empty. */
export async function refreshIcecast(api: ConsoleApi): Promise<void> {
  const store = useConsole.getState;
  try {
    const [view, stats] = await Promise.all([api.call('icecast.get', {}), api.call('icecast.stats', {})]);
    store().setIcecast(view);
    store().setIcecastStats(stats);
  } catch (err) {
    store().setIcecast(null, toContractError(err).message);
  }
}
