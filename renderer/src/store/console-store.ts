import { create } from 'zustand';
import type {
  Alert,
  AppInfo,
  DecoderEvent,
  IcecastStatsView,
  IcecastView,
  ProgramChange,
  SourceStatus,
  StatusSnapshot,
  StreamStatus,
} from '@contract';
import type { ConnectionState } from '../api/connection';

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

export interface ConsoleState {
  connection: ConnectionState;
  app: AppInfo | null;
  stationName: string | null;
  /** Set when the first snapshot fails, so the UI can say why it is empty. */
  loadError: string | null;
  loaded: boolean;
  program: string | null;
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
  program: null,
  sources: [],
  streams: [],
  decoderEvents: [],
  activeAlerts: [],
  activity: [],
  toggles: {},
  icecast: null,
  icecastStats: null,
  icecastError: null,

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
      program: s.program,
      sources: s.sources,
      streams: s.streams,
      decoderEvents: newestFirst(mergeById(st.decoderEvents, s.recentEvents)),
      activeAlerts: s.activeAlerts,
      activity: sortActivity([...st.activity, ...programEntries]),
    }));
  },

  setLoadError: (loadError) => set({ loadError }),
  setStationName: (stationName) => set({ stationName }),

  setSources: (sources) =>
    set({ sources, program: sources.find((s) => s.program)?.id ?? null }),

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
      program: c.sourceId,
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
