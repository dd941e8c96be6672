import { create } from 'zustand';
import { BUS_RATE, type StreamStatus } from '@contract';
import { useConsole } from '../store/console-store';
import { DirectPlayer } from './direct-player';
import { IcecastPlayer } from './icecast-player';
import type { WorkletStats } from './listen-messages';
import { pickListenMount } from './pick-mount';

export type ListenPath = 'direct' | 'icecast';
export type ListenChoice = 'auto' | 'direct' | { streamId: string };

export interface ListenState {
  /** The one source being listened to, or null. */
  sourceId: string | null;
  path: ListenPath | null;
  /** The mount played on the Icecast path. */
  streamId: string | null;
  phase: 'idle' | 'starting' | 'buffering' | 'playing' | 'error';
  error: string | null;
  /** Why the player left the Icecast path, shown while it plays direct. */
  fallbackReason: string | null;
  /** The operator's choice: 'auto' (a live mount if any, else direct), 'direct', or a stream id. */
  choice: ListenChoice;
  volume: number;
  muted: boolean;
  /** The direct path's worklet report. */
  stats: WorkletStats | null;
  /** Peak of what plays, 0..1, whichever path. */
  peak: number;
}

/** What the e2e test reads as `window.__easTest.listen()`. */
export interface ListenProbe {
  sourceId: string | null;
  path: ListenPath | null;
  streamId: string | null;
  phase: ListenState['phase'];
  framesRendered: number;
  underruns: number;
  bufferedMs: number;
}

/** Both paths need serve (/ws/listen and the /api/listen relay); Electron's IPC path is not built yet. */
export const listenAvailable = (): boolean => typeof window !== 'undefined' && !window.eas;

const VOLUME_KEY = 'eas.listen.volume';

function savedVolume(): number {
  const v = Number(localStorage.getItem(VOLUME_KEY));
  return Number.isFinite(v) && v > 0 && v <= 1 ? v : 0.8;
}

const IDLE = { sourceId: null, path: null, streamId: null, phase: 'idle', error: null, fallbackReason: null, stats: null, peak: 0, choice: 'auto' } as const;

export const useListen = create<ListenState>()(() => ({ ...IDLE, volume: savedVolume(), muted: false }));

/** After the direct socket dropped (engine restart, network): try again this often while still selected. */
const RETRY_MS = 3000;

let player: DirectPlayer | IcecastPlayer | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
/** Bumped by every start and stop, so a slow start that lost the race cleans up after itself. */
let generation = 0;
/** A mount that failed in the player is not retried until Icecast reports it not live once. */
const failedMounts = new Set<string>();

const effectiveGain = (s: ListenState): number => (s.muted ? 0 : s.volume);

function stopPlayer(): void {
  generation++;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  player?.stop();
  player = null;
}

function startIcecast(sourceId: string, mount: StreamStatus): void {
  stopPlayer();
  const mine = generation;
  useListen.setState({ sourceId, path: 'icecast', streamId: mount.streamId, phase: 'starting', error: null, fallbackReason: null, stats: null, peak: 0 });
  const p = new IcecastPlayer(mount.streamId, {
    level: (peak) => {
      if (mine === generation) useListen.setState({ peak });
    },
    playing: () => {
      if (mine === generation) useListen.setState({ phase: 'playing' });
    },
    failed: (reason) => {
      if (mine !== generation) return;
      failedMounts.add(mount.streamId);
      void startDirect(sourceId, `Icecast: ${reason}`);
    },
  });
  player = p;
  p.setGain(effectiveGain(useListen.getState()));
}

async function startDirect(sourceId: string, fallbackReason: string | null): Promise<void> {
  stopPlayer();
  const mine = generation;
  useListen.setState({ sourceId, path: 'direct', streamId: null, phase: 'starting', error: null, fallbackReason, stats: null, peak: 0 });
  try {
    const p = await DirectPlayer.start(sourceId, BUS_RATE, {
      stats: (stats) => {
        if (mine === generation) useListen.setState({ stats, peak: stats.peak, phase: stats.playing ? 'playing' : 'buffering' });
      },
      ended: (reason, retry) => {
        if (mine !== generation) return;
        stopPlayer();
        useListen.setState({ phase: 'error', error: retry ? `${reason}; trying again` : reason });
        if (retry) retryTimer = setTimeout(() => void listenTo(sourceId), RETRY_MS);
      },
    });
    if (mine !== generation) {
      p.stop();
      return;
    }
    player = p;
    p.setGain(effectiveGain(useListen.getState()));
  } catch (err) {
    if (mine === generation) useListen.setState({ phase: 'error', error: `could not start the player: ${(err as Error).message}` });
  }
}

/** The mount the player should take now under the operator's choice, or null for direct. */
function liveMount(sourceId: string): StreamStatus | null {
  const choice = useListen.getState().choice;
  if (choice === 'direct') return null;
  const streams = useConsole.getState().streams;
  if (choice !== 'auto') {
    const chosen = streams.find((s) => s.streamId === choice.streamId && s.sourceId === sourceId && s.state === 'live' && s.listenUrl);
    if (chosen && !failedMounts.has(chosen.streamId)) return chosen;
  }
  return pickListenMount(streams, sourceId, failedMounts);
}

/** Picks the path by hand (a mount, direct) or hands it back to the console ('auto'), keeping the source. */
export function chooseListenPath(choice: ListenChoice): void {
  const s = useListen.getState();
  useListen.setState({ choice });
  if (s.sourceId) void listenTo(s.sourceId);
}

/** Listens to one source, stopping whatever played before (one source at a time). */
export function listenTo(sourceId: string): Promise<void> {
  if (useListen.getState().sourceId !== sourceId) useListen.setState({ choice: 'auto' });
  const mount = liveMount(sourceId);
  if (mount) {
    startIcecast(sourceId, mount);
    return Promise.resolve();
  }
  return startDirect(sourceId, null);
}

export function stopListening(): void {
  stopPlayer();
  useListen.setState({ ...IDLE });
}

export function setListenVolume(volume: number): void {
  localStorage.setItem(VOLUME_KEY, String(volume));
  useListen.setState({ volume, muted: false });
  player?.setGain(effectiveGain(useListen.getState()));
}

export function toggleListenMute(): void {
  useListen.setState((s) => ({ muted: !s.muted }));
  player?.setGain(effectiveGain(useListen.getState()));
}

/**
 * Follows the streams as Icecast reports them: a mount that drops sends the player to the
 * direct path, a mount that comes up takes it back, without a page reload.
 */
function followStreams(streams: StreamStatus[]): void {
  for (const id of failedMounts) if (!streams.some((s) => s.streamId === id && s.state === 'live')) failedMounts.delete(id);
  const s = useListen.getState();
  if (!s.sourceId || s.phase === 'error') return;
  if (s.path === 'icecast') {
    const still = streams.find((st) => st.streamId === s.streamId);
    if (!still || still.state !== 'live') void startDirect(s.sourceId, 'the Icecast mount went off air');
    return;
  }
  if (s.path === 'direct') {
    const mount = liveMount(s.sourceId);
    if (mount) startIcecast(s.sourceId, mount);
  }
}

if (typeof window !== 'undefined') {
  useConsole.subscribe((state, prev) => {
    if (state.streams !== prev.streams) followStreams(state.streams);
  });
  const probe = (): ListenProbe => {
    const s = useListen.getState();
    return {
      sourceId: s.sourceId,
      path: s.path,
      streamId: s.streamId,
      phase: s.phase,
      framesRendered: s.stats?.framesRendered ?? 0,
      underruns: s.stats?.underruns ?? 0,
      bufferedMs: s.stats?.bufferedMs ?? 0,
    };
  };
  // A function, not a getter: other modules re-spread __easTest, which would freeze a getter's value.
  window.__easTest = { ...(window.__easTest ?? {}), listen: probe };
}
