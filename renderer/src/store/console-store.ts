import { create } from 'zustand';
import type {
  Alert,
  AlertDetail,
  AlertSettings,
  AppInfo,
  DecoderEvent,
  EngineProblem,
  HistoryFilter,
  IcecastStatsView,
  IcecastView,
  ProgramChange,
  SourceStatus,
  StatusSnapshot,
  StreamStatus,
} from '@contract';
import type { ConnectionState } from '../api/connection';
import { systemTimeZone } from '../lib/time';

const MAX_DECODER_EVENTS = 300;
const MAX_ACTIVITY = 500;

export type ActivityKind = 'log' | 'program' | 'console';

/** One line of the activity panel: engine log, program change, or the console's own notes. */
export interface ActivityEntry {
  id: number;
  at: string;
  level: 'info' | 'warn' | 'error';
  kind: ActivityKind;
  text: string;
}

export interface ToggleState {
  pending: boolean;
  error: string | null;
}

/** The history page's query and what it has loaded so far (pages of alerts.history). */
export interface HistoryView {
  filter: HistoryFilter;
  alerts: Alert[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** Bumped per query, so an answer for an older filter is dropped. */
  generation: number;
}

/** The history's detail view: one alert with its receptions, log and decoder events. */
export interface DetailView {
  id: string;
  detail: AlertDetail | null;
  error: string | null;
}

/** What the chime is doing, for the banner (a browser that blocks sound must be told so). */
export interface ChimeStatus {
  ringing: 'warning' | 'watch' | 'advisory' | 'test' | null;
  /** The AudioContext's state ('none' before one was needed). */
  contextState: string;
}

export interface ConsoleState {
  connection: ConnectionState;
  app: AppInfo | null;
  stationName: string | null;
  /** Set when the first snapshot fails, so the UI can say why it is empty. */
  loadError: string | null;
  loaded: boolean;
  sources: SourceStatus[];
  streams: StreamStatus[];
  decoderEvents: DecoderEvent[];
  activeAlerts: Alert[];
  activity: ActivityEntry[];
  toggles: Record<string, ToggleState>;
  /** Icecast server settings and managed-server state; null until loaded or when the engine has none. */
  icecast: IcecastView | null;
  icecastStats: IcecastStatsView | null;
  /** Why the Icecast view could not be loaded (e.g. an engine without the commands). */
  icecastError: string | null;
  /** Wall clock, ticked once a second by sync.ts: every countdown and ACTIVE badge reads it. */
  now: number;
  /** What the engine says the operator must fix (history not writable, ...). */
  problems: EngineProblem[];
  /** The alert settings in force (chime, notifications); null until settings load. */
  alertSettings: AlertSettings | null;
  /** The zone every time is shown in: the station's setting, else this computer's. */
  timeZone: string;
  history: HistoryView;
  detail: DetailView | null;
  /** Acknowledgements being sent, and why one failed. */
  acks: Record<string, ToggleState>;
  /** Alerts the operator silenced without acknowledging; a new alert chimes again. */
  mutedAlertIds: string[];
  chime: ChimeStatus;

  setConnection(c: ConnectionState): void;
  applySnapshot(s: StatusSnapshot): void;
  setLoadError(message: string | null): void;
  setStationName(name: string): void;
  setSources(sources: SourceStatus[]): void;
  mergeStreams(updated: StreamStatus[], forSource?: string): void;
  setStreams(streams: StreamStatus[]): void;
  addDecoderEvent(e: DecoderEvent): void;
  setDecoderEvents(events: DecoderEvent[]): void;
  setActiveAlerts(alerts: Alert[]): void;
  addProgramChange(c: ProgramChange): void;
  addActivity(level: ActivityEntry['level'], kind: ActivityKind, text: string, at?: string): void;
  setToggle(sourceId: string, t: ToggleState): void;
  setIcecast(view: IcecastView | null, error?: string | null): void;
  setIcecastStats(stats: IcecastStatsView | null): void;
  tick(now: number): void;
  setProblems(problems: EngineProblem[]): void;
  setAlertSettings(settings: { alerts: AlertSettings; timeZone: string | null }): void;
  setHistory(patch: Partial<HistoryView>): void;
  setDetail(detail: DetailView | null): void;
  /** alerts.updated: changed alerts replace their rows in the history, the detail and the active set. */
  upsertAlerts(alerts: Alert[]): void;
  setAck(id: string, t: ToggleState | null): void;
  muteAlerts(ids: string[]): void;
  setChime(status: ChimeStatus): void;
}

let activitySeq = 0;

function programText(c: ProgramChange, sources: SourceStatus[]): string {
  const name = (id: string | null) => (id === null ? 'nothing' : (sources.find((s) => s.id === id)?.name ?? id));
  return `Program: ${name(c.previous)} → ${name(c.sourceId)}${c.reason ? ` (${c.reason})` : ''}`;
}

function newestFirst(events: DecoderEvent[]): DecoderEvent[] {
  return [...events].sort((a, b) => time(b.receivedAt) - time(a.receivedAt)).slice(0, MAX_DECODER_EVENTS);
}

export const useConsole = create<ConsoleState>()((set, get) => ({
  connection: { kind: 'connecting', attempt: 1 },
  app: null,
  stationName: null,
  loadError: null,
  loaded: false,
  sources: [],
  streams: [],
  decoderEvents: [],
  activeAlerts: [],
  activity: [],
  toggles: {},
  icecast: null,
  icecastStats: null,
  icecastError: null,
  now: Date.now(),
  problems: [],
  alertSettings: null,
  timeZone: systemTimeZone(),
  history: { filter: {}, alerts: [], nextCursor: null, loading: false, error: null, generation: 0 },
  detail: null,
  acks: {},
  mutedAlertIds: [],
  chime: { ringing: null, contextState: 'none' },

  setConnection: (connection) => set({ connection }),

  applySnapshot: (s) => {
    const seen = new Set(get().activity.filter((a) => a.kind === 'program').map((a) => a.at));
    const programEntries: ActivityEntry[] = s.programChanges
      .filter((c) => !seen.has(c.at))
      .map((c) => ({ id: ++activitySeq, at: c.at, level: 'info', kind: 'program', text: programText(c, s.sources) }));
    set((st) => ({
      app: s.app,
      loaded: true,
      loadError: null,
      sources: s.sources,
      streams: s.streams,
      decoderEvents: newestFirst(mergeById(st.decoderEvents, s.recentEvents)),
      activeAlerts: s.activeAlerts,
      problems: s.problems,
      activity: sortActivity([...st.activity, ...programEntries]),
    }));
  },

  setLoadError: (loadError) => set({ loadError }),
  setStationName: (stationName) => set({ stationName }),

  setSources: (sources) => set({ sources }),

  setStreams: (streams) => set({ streams }),

  mergeStreams: (updated, forSource) =>
    set((st) => {
      const byId = new Map(updated.map((u) => [u.streamId, u]));
      // A toggle answers with its source's streams: ones missing from the answer are gone.
      const kept = st.streams.filter((s) => !byId.has(s.streamId) && (forSource === undefined || s.sourceId !== forSource));
      return { streams: [...kept, ...updated] };
    }),

  addDecoderEvent: (e) => set((st) => ({ decoderEvents: newestFirst(mergeById(st.decoderEvents, [e])) })),
  setDecoderEvents: (events) => set({ decoderEvents: newestFirst(events) }),
  setActiveAlerts: (activeAlerts) => set({ activeAlerts }),

  addProgramChange: (c) =>
    set((st) => ({
      sources: st.sources.map((s) => (s.program === (s.id === c.sourceId) ? s : { ...s, program: s.id === c.sourceId })),
      activity: sortActivity([
        ...st.activity,
        { id: ++activitySeq, at: c.at, level: 'info', kind: 'program', text: programText(c, st.sources) },
      ]),
    })),

  addActivity: (level, kind, text, at = new Date().toISOString()) =>
    set((st) => ({ activity: sortActivity([...st.activity, { id: ++activitySeq, at, level, kind, text }]) })),

  setToggle: (sourceId, t) => set((st) => ({ toggles: { ...st.toggles, [sourceId]: t } })),
  setIcecast: (icecast, error = null) => set({ icecast, icecastError: error }),
  setIcecastStats: (icecastStats) => set({ icecastStats }),

  tick: (now) => set({ now }),
  setProblems: (problems) => set({ problems }),
  setAlertSettings: ({ alerts, timeZone }) => set({ alertSettings: alerts, timeZone: timeZone ?? systemTimeZone() }),
  setHistory: (patch) => set((st) => ({ history: { ...st.history, ...patch } })),
  setDetail: (detail) => set({ detail }),

  upsertAlerts: (updated) =>
    set((st) => {
      const byId = new Map(updated.map((a) => [a.id, a]));
      const replace = (list: Alert[]) => (list.some((a) => byId.has(a.id)) ? list.map((a) => byId.get(a.id) ?? a) : list);
      const d = st.detail?.detail;
      const fresh = d ? byId.get(d.alert.id) : undefined;
      const active = replace(st.activeAlerts);
      const listed = replace(st.history.alerts);
      return {
        history: listed === st.history.alerts ? st.history : { ...st.history, alerts: listed },
        // An alert that expired or was acknowledged elsewhere changes here at once; new ones
        // arrive through alerts.changed, which carries the whole active set.
        activeAlerts: active === st.activeAlerts ? active : active.filter((a) => a.state === 'active'),
        detail: fresh && st.detail ? { ...st.detail, detail: { ...d!, alert: fresh } } : st.detail,
      };
    }),

  setAck: (id, t) =>
    set((st) => {
      const acks = { ...st.acks };
      if (t) acks[id] = t;
      else delete acks[id];
      return { acks };
    }),
  muteAlerts: (ids) => set((st) => ({ mutedAlertIds: [...new Set([...st.mutedAlertIds, ...ids])] })),
  // Returning the same state object tells zustand nothing changed (no listener runs).
  setChime: (chime) =>
    set((st) => (st.chime.ringing === chime.ringing && st.chime.contextState === chime.contextState ? st : { chime })),
}));

function mergeById(existing: DecoderEvent[], incoming: DecoderEvent[]): DecoderEvent[] {
  const ids = new Set(existing.map((e) => e.id));
  return [...existing, ...incoming.filter((e) => !ids.has(e.id))];
}

/** Newest first, bounded. */
function sortActivity(entries: ActivityEntry[]): ActivityEntry[] {
  return entries.sort((a, b) => time(b.at) - time(a.at) || b.id - a.id).slice(0, MAX_ACTIVITY);
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}
