import { create } from 'zustand';
import { BUS_RATE, type StreamStatus } from '@contract';
import { useConsole } from '../store/console-store';
import { DirectPlayer } from './direct-player';
import { IcecastPlayer, probeThroughput } from './icecast-player';
import type { WorkletStats } from './listen-messages';
import {
  autoPick,
  FailedMounts,
  FIT_SHARE,
  handChoiceToStart,
  keptUpKbps,
  liveRenditions,
  nextStepUpDelay,
  renditionKbps,
  STALL_MEMORY_MS,
  stallRecord,
  STEP_UP_HOLD_MS,
  stepUpNeedsProbe,
  topFits,
  type StallRecord,
} from './pick-mount';

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
  /** Why this rendition plays: "auto: 128 kbit/s fits 1.9 Mbit/s", "chosen by hand". */
  pickReason: string | null;
  /** The last throughput measured from a mount of the source, bits/s. */
  throughputBps: number | null;
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
  pickReason: string | null;
  throughputBps: number | null;
}

/** Both paths exist in both shells: serve's /ws/listen and /api/listen, Electron's MessagePort and eas-media://listen. */
export const listenAvailable = (): boolean => typeof window !== 'undefined';

const VOLUME_KEY = 'eas.listen.volume';

function savedVolume(): number {
  const v = Number(localStorage.getItem(VOLUME_KEY));
  return Number.isFinite(v) && v > 0 && v <= 1 ? v : 0.8;
}

const IDLE = {
  sourceId: null,
  path: null,
  streamId: null,
  phase: 'idle',
  error: null,
  fallbackReason: null,
  pickReason: null,
  throughputBps: null,
  stats: null,
  peak: 0,
  choice: 'auto',
} as const;

export const useListen = create<ListenState>()(() => ({ ...IDLE, volume: savedVolume(), muted: false }));

/** After the direct socket dropped (engine restart, network): try again this often while still selected. */
const RETRY_MS = 3000;
/** A measurement older than this is taken again before auto chooses among several renditions. */
const MEASURE_MAX_AGE_MS = 60_000;
/** A probe reads a mount at most this long (it stops sooner once every rendition fits). */
const PROBE_MAX_MS = 400;

let player: DirectPlayer | IcecastPlayer | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let stepUpTimer: ReturnType<typeof setTimeout> | null = null;
let probeAbort: AbortController | null = null;
/** Bumped by every start and stop, so a slow start that lost the race cleans up after itself. */
let generation = 0;
/** Mounts that failed in the player: left alone for a while, or until Icecast reports them not live. */
const failedMounts = new FailedMounts();
/** Underruns of the source being listened to (autoPick's stall history), and the link's last measurement of a source. */
let stalls: StallRecord[] = [];
let measured: { sourceId: string; bps: number; keptUpKbps: number | null; topFits: boolean; at: number } | null = null;
/** The wait before the next step-up check: doubled while step ups are refused. */
let stepUpDelay = STEP_UP_HOLD_MS;
/** When auto started the rendition that plays (autoPick steps up only after a while). */
let autoSince = 0;

const now = (): number => performance.now();
const failedNow = (): Set<string> => failedMounts.active(now());
const measurementOf = (sourceId: string): typeof measured => (measured?.sourceId === sourceId ? measured : null);
const effectiveGain = (s: ListenState): number => (s.muted ? 0 : s.volume);
const kbpsLabel = (s: StreamStatus): string => (s.bitrateKbps === null ? s.mount ?? s.streamId : `${Math.round(s.bitrateKbps)} kbit/s`);

function stopPlayer(): void {
  generation++;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  if (stepUpTimer) clearTimeout(stepUpTimer);
  stepUpTimer = null;
  probeAbort?.abort();
  probeAbort = null;
  player?.stop();
  player = null;
}

function startIcecast(sourceId: string, mount: StreamStatus, pickReason: string | null): void {
  stopPlayer();
  const mine = generation;
  autoSince = now();
  useListen.setState({ sourceId, path: 'icecast', streamId: mount.streamId, phase: 'starting', error: null, fallbackReason: null, pickReason, stats: null, peak: 0 });
  const p = new IcecastPlayer(mount.streamId, {
    level: (peak) => {
      if (mine === generation) useListen.setState({ peak });
    },
    playing: () => {
      if (mine !== generation) return;
      failedMounts.played(mount.streamId);
      useListen.setState({ phase: 'playing' });
    },
    buffering: () => {
      if (mine === generation) useListen.setState({ phase: 'buffering' });
    },
    stalled: () => {
      if (mine !== generation) return;
      const rec = stallRecord(
        useConsole.getState().streams.find((st) => st.streamId === mount.streamId),
        mount.streamId,
        now(),
      );
      if (!rec) return;
      stalls = [...stalls.filter((s) => now() - s.at < STALL_MEMORY_MS), rec];
      repick(sourceId);
    },
    failed: (reason) => {
      if (mine !== generation) return;
      failedMounts.add(mount.streamId, now());
      const next = resolveNow(sourceId);
      if (next.mount) startIcecast(sourceId, next.mount, `${next.reason} (${mount.mount ?? mount.streamId} failed: ${reason})`);
      else void startDirect(sourceId, `Icecast: ${reason}`);
    },
  });
  player = p;
  p.setGain(effectiveGain(useListen.getState()));
  if (useListen.getState().choice === 'auto') scheduleStepUp(sourceId, mine, stepUpDelay);
}

async function startDirect(sourceId: string, fallbackReason: string | null): Promise<void> {
  stopPlayer();
  const mine = generation;
  useListen.setState({ sourceId, path: 'direct', streamId: null, phase: 'starting', error: null, fallbackReason, pickReason: null, stats: null, peak: 0 });
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

/**
 * The rendition to play now under the operator's choice, from what is known (no measuring):
 * null is direct. `fresh` is a new start (Listen, a new choice), where what plays now is no
 * rendition auto chose and holds on to.
 */
function resolveNow(sourceId: string, fresh = false): { mount: StreamStatus | null; reason: string | null } {
  const s = useListen.getState();
  if (s.choice === 'direct') return { mount: null, reason: null };
  const streams = useConsole.getState().streams;
  const renditions = liveRenditions(streams, sourceId, failedNow());
  let note = '';
  if (s.choice !== 'auto') {
    const streamId = s.choice.streamId;
    const chosen = renditions.find((r) => r.streamId === streamId);
    if (chosen) return { mount: chosen, reason: `chosen by hand: ${kbpsLabel(chosen)}` };
    const live = liveRenditions(streams, sourceId, new Set()).some((r) => r.streamId === streamId);
    note = live ? 'the chosen rendition failed in the player; ' : 'the chosen rendition is not live; ';
  }
  const current = !fresh && s.path === 'icecast' && s.streamId && s.sourceId === sourceId ? { streamId: s.streamId, since: autoSince } : null;
  const m = measurementOf(sourceId);
  const pick = autoPick({ renditions, throughputBps: m?.bps ?? null, keptUpKbps: m?.keptUpKbps ?? null, stalls, now: now(), current });
  return { mount: pick.stream, reason: `${note}${pick.reason}` };
}

/** What auto chooses among several renditions needs a throughput; one rendition or a fresh measurement does not. */
function needsMeasurement(sourceId: string): boolean {
  const choice = useListen.getState().choice;
  if (choice === 'direct') return false;
  const renditions = liveRenditions(useConsole.getState().streams, sourceId, failedNow());
  if (renditions.length < 2) return false;
  if (choice !== 'auto' && renditions.some((r) => r.streamId === choice.streamId)) return false;
  const m = measurementOf(sourceId);
  return !m || now() - m.at > MEASURE_MAX_AGE_MS;
}

/**
 * The measurement in flight, of one source: stream updates arrive every second and must not
 * start a second one, and a listen to another source must not take this one's result.
 */
let measuring: { sourceId: string; ctl: AbortController; done: Promise<void> } | null = null;

/** Reads the highest-bitrate live rendition for a moment and keeps what the link delivered. */
function measure(sourceId: string): Promise<void> {
  if (measuring && measuring.sourceId === sourceId && !measuring.ctl.signal.aborted) return measuring.done;
  // Ends another probe (another source's, or one a restart aborted): its result would be dropped anyway.
  probeAbort?.abort();
  const ctl = new AbortController();
  probeAbort = ctl;
  const entry: NonNullable<typeof measuring> = { sourceId, ctl, done: Promise.resolve() };
  entry.done = measureOnce(sourceId, ctl).finally(() => {
    if (measuring === entry) measuring = null;
  });
  measuring = entry;
  return entry.done;
}

async function measureOnce(sourceId: string, ctl: AbortController): Promise<void> {
  const renditions = liveRenditions(useConsole.getState().streams, sourceId, failedNow());
  const top = renditions.reduce<StreamStatus | null>((m, r) => (!m || renditionKbps(r) > renditionKbps(m) ? r : m), null);
  if (!top) return;
  const topKbps = Number.isFinite(renditionKbps(top)) ? renditionKbps(top) : null;
  const enoughBps = ((topKbps ?? 320) * 1000) / FIT_SHARE;
  const bps = await probeThroughput(top.streamId, { enoughBps, maxMs: PROBE_MAX_MS, signal: ctl.signal });
  if (probeAbort === ctl) probeAbort = null;
  // An aborted probe read only part of its window, and an outdated one measured for a listen that is over.
  if (ctl.signal.aborted || useListen.getState().sourceId !== sourceId) return;
  const kept = keptUpKbps(bps, topKbps);
  measured = bps === null ? null : { sourceId, bps, keptUpKbps: kept, topFits: topFits(renditions, bps, kept), at: now() };
  useListen.setState({ throughputBps: bps });
}

/** Auto again, without a restart when it keeps the rendition that plays. */
function repick(sourceId: string): void {
  const s = useListen.getState();
  if (s.sourceId !== sourceId || s.choice !== 'auto' || s.path !== 'icecast') return;
  const next = resolveNow(sourceId);
  if (!next.mount) return void startDirect(sourceId, 'no live rendition');
  if (next.mount.streamId !== s.streamId) startIcecast(sourceId, next.mount, next.reason);
  else useListen.setState({ pickReason: next.reason });
}

/**
 * While auto plays a rendition with a higher one live, measures again now and then and lets
 * autoPick step up (it holds STEP_UP_HOLD_MS after a start and after a stall).
 */
function scheduleStepUp(sourceId: string, mine: number, delayMs: number): void {
  stepUpTimer = setTimeout(() => {
    stepUpTimer = null;
    if (mine !== generation) return;
    const s = useListen.getState();
    const streams = useConsole.getState().streams;
    const playing = streams.find((st) => st.streamId === s.streamId);
    const playingKbps = playing ? renditionKbps(playing) : Number.POSITIVE_INFINITY;
    const higher = liveRenditions(streams, sourceId, failedNow()).some((r) => renditionKbps(r) > playingKbps);
    if (!higher) return scheduleStepUp(sourceId, mine, delayMs);
    // Each probe is one more Icecast listener on the top mount: none while the last one said it does not fit.
    const m = measurementOf(sourceId);
    const probe = stepUpNeedsProbe(m && { at: m.at, topFits: m.topFits }, delayMs, now()) ? measure(sourceId) : Promise.resolve();
    void probe.then(() => {
      if (mine !== generation) return;
      // A step up restarts the player, which schedules its own check with this delay.
      stepUpDelay = nextStepUpDelay(delayMs, true);
      repick(sourceId);
      if (mine !== generation) return;
      // Refused: the next check (and its probe of the top mount) waits longer.
      stepUpDelay = nextStepUpDelay(delayMs, false);
      scheduleStepUp(sourceId, mine, stepUpDelay);
    });
  }, delayMs);
}

/** Starts the path the choice and the live mounts call for, measuring the link first when auto must choose. */
async function start(sourceId: string, fallbackReason: string | null): Promise<void> {
  if (needsMeasurement(sourceId)) {
    stopPlayer();
    const mine = generation;
    useListen.setState({ sourceId, path: null, streamId: null, phase: 'starting', error: null, fallbackReason: null, pickReason: 'measuring the link', stats: null, peak: 0 });
    await measure(sourceId);
    if (mine !== generation) return;
  }
  const next = resolveNow(sourceId, true);
  if (next.mount) startIcecast(sourceId, next.mount, next.reason);
  else await startDirect(sourceId, fallbackReason);
}

/** Picks the path by hand (a mount, direct) or hands it back to the console ('auto'), keeping the source. */
export function chooseListenPath(choice: ListenChoice): void {
  const s = useListen.getState();
  useListen.setState({ choice });
  if (s.sourceId) void listenTo(s.sourceId, choice);
}

/** Listens to one source (stopping whatever played before), under `choice` or else auto for a new source. */
export function listenTo(sourceId: string, choice?: ListenChoice): Promise<void> {
  const s = useListen.getState();
  if (s.sourceId !== sourceId) {
    stalls = [];
    measured = null;
    stepUpDelay = STEP_UP_HOLD_MS;
    useListen.setState({ choice: choice ?? 'auto', throughputBps: null });
  } else if (choice) {
    useListen.setState({ choice });
  }
  return start(sourceId, null);
}

export function stopListening(): void {
  stopPlayer();
  stalls = [];
  measured = null;
  stepUpDelay = STEP_UP_HOLD_MS;
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
 * Follows the streams as Icecast reports them: a mount that drops sends the player to another
 * live rendition or the direct path, a mount that comes up takes it back (auto choosing among
 * the renditions), without a page reload.
 */
function followStreams(streams: StreamStatus[], prev: StreamStatus[]): void {
  failedMounts.keepLive(streams);
  const s = useListen.getState();
  if (!s.sourceId || s.phase === 'error' || s.path === null) return;
  const sourceId = s.sourceId;
  if (s.path === 'icecast') {
    const still = streams.find((st) => st.streamId === s.streamId);
    if (!still || still.state !== 'live') {
      const next = resolveNow(sourceId);
      if (next.mount) startIcecast(sourceId, next.mount, next.reason);
      else void startDirect(sourceId, 'the Icecast mount went off air');
      return;
    }
    // A rendition chosen by hand that went off air and came back (or whose failure expired) plays again.
    const chosen = handChoiceToStart(s.choice, liveRenditions(streams, sourceId, failedNow()), s.streamId);
    if (chosen) return startIcecast(sourceId, chosen, `chosen by hand: ${kbpsLabel(chosen)}`);
    // A rendition just live has no measured bitrate yet, and auto cannot weigh it until it has.
    const liveIds = (list: StreamStatus[]): string =>
      list
        .filter((st) => st.sourceId === sourceId && st.state === 'live')
        .map((st) => `${st.streamId}${st.bitrateKbps === null ? '?' : ''}`)
        .sort()
        .join(' ');
    // Another rendition came up, went away or got its bitrate: auto chooses again, measuring first if it must.
    if (s.choice === 'auto' && liveIds(streams) !== liveIds(prev)) {
      if (needsMeasurement(sourceId)) {
        const mine = generation;
        void measure(sourceId).then(() => {
          if (mine === generation) repick(sourceId);
        });
      } else repick(sourceId);
    }
    return;
  }
  if (s.path !== 'direct' || !resolveNow(sourceId).mount) return;
  // The direct path plays on while the link is measured, then the mount takes over.
  const mine = generation;
  void (needsMeasurement(sourceId) ? measure(sourceId) : Promise.resolve()).then(() => {
    if (mine !== generation) return;
    const next = resolveNow(sourceId);
    if (next.mount) startIcecast(sourceId, next.mount, next.reason);
  });
}

if (typeof window !== 'undefined') {
  useConsole.subscribe((state, prev) => {
    if (state.streams !== prev.streams) followStreams(state.streams, prev.streams);
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
      pickReason: s.pickReason,
      throughputBps: s.throughputBps,
    };
  };
  // A function, not a getter: other modules re-spread __easTest, which would freeze a getter's value.
  window.__easTest = { ...(window.__easTest ?? {}), listen: probe };
}
