import {
  alertAudioPath,
  alertExportPath,
  type Alert,
  type AlertDetail,
  type AlsaDeviceInfo,
  type CommandArgs,
  type ConsoleApi,
  type ExportFormat,
  type HistoryFilter,
  type HistoryStorage,
  type LocationInfo,
  type RetentionReport,
  type IcecastAction,
  type IcecastListener,
  type IcecastTestResult,
  type ListenerHistoryResult,
  type Settings,
  type StreamConfig,
} from '@contract';
// Type only: the session (and xterm.js with it) loads when a terminal is first opened.
import type { TerminalChannel } from '../lib/terminal-session';
import { toContractError } from '../lib/contract-error';
import { useConsole } from './console-store';

/**
 * Every command the console sends to the engine. Components read the store and call these;
 * nothing else in the renderer but the event wiring (sync.ts) holds the ConsoleApi, so there
 * is one place to see what the UI can ask the engine and how each answer lands in the store.
 */

let bound: ConsoleApi | null = null;
/** Bumped on every (un)bind and reload, so a slow answer for an older one is dropped. */
let reloadGeneration = 0;
// One device scan (arecord -L on the engine) serves every row of the source table.
let alsaScan: { at: number; result: Promise<AlsaDeviceInfo[]> } | null = null;
const ALSA_SCAN_MAX_AGE_MS = 30_000;

/** Points the actions at the (validated) transport; returns the undo. */
export function bindActions(api: ConsoleApi): () => void {
  bound = api;
  alsaScan = null;
  reloadGeneration++;
  return () => {
    if (bound === api) bound = null;
    alsaScan = null;
    reloadGeneration++;
  };
}

function engine(): ConsoleApi {
  if (!bound) throw new Error('store/actions used before bindActions(api)');
  return bound;
}

// ---- state the store holds -------------------------------------------------------------

/**
 * Reloads the whole state: after a reconnect the events missed while down are gone, so the
 * snapshot is the only truth.
 */
export async function reloadState(): Promise<void> {
  const mine = ++reloadGeneration;
  const store = useConsole.getState;
  try {
    const api = engine();
    const [snapshot, settings] = await Promise.all([
      api.call('status.snapshot', {}),
      // The station name lives in settings; the console still works without it.
      api.call('settings.get', {}).catch(() => null),
    ]);
    if (mine !== reloadGeneration) return;
    store().applySnapshot(snapshot);
    if (settings) applySettings(settings);
    void refreshIcecast();
    // Alerts that changed while the connection was down reached nobody: ask again.
    if (store().history.generation > 0) void queryHistory(store().history.filter);
    const open = store().detail;
    if (open) void openDetail(open.id);
  } catch (err) {
    if (mine !== reloadGeneration) return;
    const e = toContractError(err);
    store().setLoadError(e.message);
    store().addActivity('error', 'console', `could not load the engine's state: ${e.message}`);
  }
}

/** streams.toggle for one source, with the pending/error state the card shows. */
export async function toggleStreams(sourceId: string, enabled: boolean): Promise<void> {
  const { setToggle, mergeStreams } = useConsole.getState();
  setToggle(sourceId, { pending: true, error: null });
  try {
    const streams = await engine().call('streams.toggle', { sourceId, enabled });
    mergeStreams(streams, sourceId);
    setToggle(sourceId, { pending: false, error: null });
  } catch (err) {
    setToggle(sourceId, { pending: false, error: toContractError(err).message });
  }
}

/** Icecast view and latest stats; an engine without an Icecast service leaves them empty. */
export async function refreshIcecast(): Promise<void> {
  const store = useConsole.getState;
  try {
    const api = engine();
    const [view, stats] = await Promise.all([api.call('icecast.get', {}), api.call('icecast.stats', {})]);
    store().setIcecast(view);
    store().setIcecastStats(stats);
  } catch (err) {
    store().setIcecast(null, toContractError(err).message);
  }
}

/** Server address, admin login, polling or the managed server; the store gets the new view. */
export async function configureIcecast(args: CommandArgs<'icecast.configure'>): Promise<void> {
  useConsole.getState().setIcecast(await engine().call('icecast.configure', args));
}

/** The parts of settings the whole console uses: station name, alert settings, time zone. */
function applySettings(s: Settings): void {
  const store = useConsole.getState();
  store.setStationName(s.stationName);
  store.setAlertSettings({ alerts: s.alerts, timeZone: s.timeZone });
}

/** Saves settings; the station name, chime and time zone follow what the engine kept. */
export async function saveSettings(draft: CommandArgs<'settings.update'>): Promise<Settings> {
  const next = await engine().call('settings.update', draft);
  applySettings(next);
  // Relevance may have changed: the engine re-judges the stored alerts and pushes them.
  return next;
}

// ---- the alert desk ----------------------------------------------------------------------

const HISTORY_PAGE = 100;
let historyGeneration = 0;

/** Runs the history query for `filter` from its newest page; the store holds the rows. */
export async function queryHistory(filter: HistoryFilter, limit = HISTORY_PAGE): Promise<void> {
  const store = useConsole.getState;
  const generation = ++historyGeneration;
  store().setHistory({ filter, loading: true, generation });
  try {
    const page = await engine().call('alerts.history', { filter, limit: Math.min(1000, Math.max(1, limit)) });
    if (store().history.generation !== generation) return;
    store().setHistory({ alerts: page.alerts, nextCursor: page.nextCursor, loading: false, error: null });
  } catch (err) {
    if (store().history.generation !== generation) return;
    store().setHistory({ loading: false, error: toContractError(err).message });
  }
}

/** The next (older) page of the current query. */
export async function loadOlderHistory(): Promise<void> {
  const store = useConsole.getState;
  const { filter, nextCursor, generation } = store().history;
  if (!nextCursor) return;
  store().setHistory({ loading: true });
  try {
    const page = await engine().call('alerts.history', { filter, cursor: nextCursor, limit: HISTORY_PAGE });
    if (store().history.generation !== generation) return;
    const have = new Set(store().history.alerts.map((a) => a.id));
    store().setHistory({
      alerts: [...store().history.alerts, ...page.alerts.filter((a) => !have.has(a.id))],
      nextCursor: page.nextCursor,
      loading: false,
      error: null,
    });
  } catch (err) {
    if (store().history.generation !== generation) return;
    store().setHistory({ loading: false, error: toContractError(err).message });
  }
}

let historyRefresh: ReturnType<typeof setTimeout> | null = null;

/**
 * alerts.updated: rows already listed are replaced in the store at once (sync.ts); an alert the
 * list does not have yet may or may not match the filter (text search runs in the engine), so
 * the loaded rows are queried again, once for a burst of updates.
 */
export function historyAlertsUpdated(alerts: Alert[]): void {
  const store = useConsole.getState;
  store().upsertAlerts(alerts);
  const h = store().history;
  if (h.generation === 0) return; // the history page was never opened
  const listed = new Set(h.alerts.map((a) => a.id));
  if (alerts.every((a) => listed.has(a.id))) return;
  if (historyRefresh) return;
  historyRefresh = setTimeout(() => {
    historyRefresh = null;
    const cur = store().history;
    void queryHistory(cur.filter, Math.max(HISTORY_PAGE, cur.alerts.length + alerts.length));
  }, 250);
}

/** Opens the detail view of one alert (receptions, log, decoder events). */
export async function openDetail(id: string): Promise<void> {
  const store = useConsole.getState;
  const current = store().detail;
  store().setDetail({ id, detail: current?.id === id ? current.detail : null, error: null });
  try {
    const detail: AlertDetail = await engine().call('alerts.detail', { id });
    if (store().detail?.id !== id) return;
    store().setDetail({ id, detail, error: null });
  } catch (err) {
    if (store().detail?.id !== id) return;
    store().setDetail({ id, detail: null, error: toContractError(err).message });
  }
}

export function closeDetail(): void {
  useConsole.getState().setDetail(null);
}

/** Acknowledges an alert (optionally with a note); the engine pushes the change to every console. */
export async function acknowledgeAlert(id: string, note?: string): Promise<boolean> {
  const store = useConsole.getState;
  store().setAck(id, { pending: true, error: null });
  try {
    const text = note?.trim();
    const alert = await engine().call('alerts.acknowledge', text ? { id, note: text } : { id });
    // Shown at once, without waiting for the event that every other console gets.
    store().upsertAlerts([alert]);
    store().setAck(id, null);
    return true;
  } catch (err) {
    store().setAck(id, { pending: false, error: toContractError(err).message });
    return false;
  }
}

/** Silences the chime for these alerts without acknowledging them. */
export function muteChime(alertIds: string[]): void {
  useConsole.getState().muteAlerts(alertIds);
}

export function searchLocations(query: string, limit = 20): Promise<LocationInfo[]> {
  return engine().call('locations.search', { query, limit });
}

export function pruneHistory(): Promise<RetentionReport> {
  return engine().call('alerts.prune', {});
}

export function historyStorage(): Promise<HistoryStorage> {
  return engine().call('alerts.storage', {});
}

/**
 * Where the browser downloads a filtered export. The transport knows its media base (`/api/`
 * in serve mode, `eas-media://` in Electron) only through alertAudioUrl, so the base is read
 * off that URL rather than guessed here.
 */
export function alertExportUrl(filter: HistoryFilter, format: ExportFormat): string {
  const probe = engine().alertAudioUrl('probe');
  const base = probe.slice(0, probe.length - alertAudioPath('probe').length);
  return `${base}${alertExportPath(filter, format)}`;
}

/** Adds or edits a stream; the password (write-only) goes to the engine's secret store. */
export async function configureStream(stream: StreamConfig, password: string): Promise<void> {
  const statuses = await engine().call('streams.configure', password ? { stream, password } : { stream });
  // The answer is every stream of that source: it replaces the source's rows, including
  // the "not configured" placeholder of a source that had none.
  useConsole.getState().mergeStreams(statuses, stream.sourceId);
}

export async function removeStream(streamId: string): Promise<void> {
  useConsole.getState().setStreams(await engine().call('streams.remove', { streamId }));
}

// ---- answers a single view keeps to itself -----------------------------------------------

export function loadSettings(): Promise<Settings> {
  return engine().call('settings.get', {});
}

export function alsaDevices(): Promise<AlsaDeviceInfo[]> {
  if (!alsaScan || Date.now() - alsaScan.at > ALSA_SCAN_MAX_AGE_MS) {
    alsaScan = { at: Date.now(), result: engine().call('devices.alsa', {}) };
  }
  return alsaScan.result;
}

export function testIcecast(): Promise<IcecastTestResult> {
  return engine().call('icecast.test', {});
}

export async function icecastLog(): Promise<string> {
  return (await engine().call('icecast.log', {})).text;
}

export function icecastListeners(mount: string): Promise<IcecastListener[]> {
  return engine().call('icecast.listeners', { mount });
}

export function icecastAction(action: IcecastAction): Promise<{ ok: boolean; message: string }> {
  return engine().call('icecast.action', action);
}

/** Listener counts per mount over the last 24 h, a sample a minute. */
export function listenerHistory(): Promise<ListenerHistoryResult> {
  return engine().call('icecast.listenerHistory', {});
}

/** Where the browser fetches an alert's recording (not a command: a URL the transport knows). */
export function alertAudioUrl(alertId: string): string {
  return engine().alertAudioUrl(alertId);
}

/** The terminal commands and events, for a session that outlives the panel showing it. */
export function terminalChannel(): TerminalChannel {
  const api = engine();
  return {
    open: (size) => api.call('terminal.open', size),
    input: (id, data) => api.call('terminal.input', { id, data }),
    resize: (id, size) => api.call('terminal.resize', { id, ...size }),
    close: (id) => api.call('terminal.close', { id }),
    onOutput: (listener) => api.on('terminal.output', listener),
    onExit: (listener) => api.on('terminal.exit', listener),
  };
}

// ---- continuous archive ----------------------------------------------------------------

/** A source's archived segments, gaps and level overview over [fromMs, toMs). */
export function archiveTimeline(sourceId: string, fromMs: number, toMs: number, buckets: number) {
  return engine().call('archive.timeline', { sourceId, fromMs, toMs, buckets });
}

/**
 * The base archive URLs are relative to: the console's own ".../api/" in serve mode,
 * "eas-media://" in the desktop app (the same routes on its media protocol).
 */
export function archiveBase(): string | null {
  const probe = engine().alertAudioUrl('probe');
  return probe.slice(0, probe.length - alertAudioPath('probe').length);
}

/** The direct listening path's transport (WebSocket or the desktop app's port), for the player. */
export { openListen, type ListenTransport, type OpenListen } from '../api/listen-transport';

/** Alerts heard on a source in [fromMs, toMs) (newest 500), for the archive timeline's markers. */
export async function archiveAlerts(sourceId: string, fromMs: number, toMs: number): Promise<Alert[]> {
  const page = await engine().call('alerts.history', { filter: { sourceId, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() }, limit: 500 });
  return page.alerts;
}
