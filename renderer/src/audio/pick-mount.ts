// Relative, not '@contract': the unit tests type-check this module under the root tsconfig, which has no alias.
import type { StreamFormat, StreamStatus } from '../../../electron/contract';

/**
 * Chromium starts progressive MP3 and AAC sooner than Ogg (which waits for its header
 * pages), so those are the lower-latency renditions for the console's own player.
 */
const FORMAT_RANK: Record<StreamFormat, number> = { mp3: 0, aac: 1, opus: 2, vorbis: 3 };

/** The live mount of a source the console's player should take, or null for the direct path. */
export function pickListenMount(streams: readonly StreamStatus[], sourceId: string, skip: ReadonlySet<string>): StreamStatus | null {
  let best: StreamStatus | null = null;
  for (const s of liveRenditions(streams, sourceId, skip)) {
    if (!best || rank(s) < rank(best)) best = s;
  }
  return best;
}

const rank = (s: StreamStatus): number => (s.format ? FORMAT_RANK[s.format] : 9) * 10_000 + (s.bitrateKbps ?? s.configuredKbps ?? 9_999);

/** The source's mounts the player can take now: live, with a listen URL, not failed in the player. */
export function liveRenditions(streams: readonly StreamStatus[], sourceId: string, skip: ReadonlySet<string>): StreamStatus[] {
  return streams.filter((s) => s.sourceId === sourceId && s.state === 'live' && !!s.listenUrl && !skip.has(s.streamId));
}

// ---- automatic quality selection ---------------------------------------------------------

/** A rendition must fit in this share of the measured throughput: the rest is headroom for jitter. */
export const FIT_SHARE = 0.7;
/** A stall at some bitrate keeps auto below that bitrate for this long. */
export const STALL_MEMORY_MS = 120_000;
/** Auto steps up only after the current rendition played this long, one rung at a time. */
export const STEP_UP_HOLD_MS = 30_000;

/** The player ran dry on a rendition (an underrun of the <audio> element). */
export interface StallRecord {
  at: number;
  streamId: string;
  bitrateKbps: number;
}

export interface AutoPickInput {
  /** The source's live renditions (liveRenditions). */
  renditions: readonly StreamStatus[];
  /** Bits per second measured from a mount, or null before any measurement. */
  throughputBps: number | null;
  /**
   * The bitrate of the probed mount when the probe read it at about real time (keptUpKbps):
   * the link carried all the mount sent, so renditions up to it fit whatever the figure says.
   */
  keptUpKbps?: number | null;
  stalls: readonly StallRecord[];
  now: number;
  /** What auto plays now and since when, or null when it is about to start. */
  current: { streamId: string; since: number } | null;
}

export interface AutoPick {
  stream: StreamStatus | null;
  /** Why, for the tile: "auto: 128 kbit/s fits 1.9 Mbit/s". */
  reason: string;
}

/** "1.9 Mbit/s", "850 kbit/s". */
export function formatRate(bps: number): string {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(1)} Mbit/s` : `${Math.round(bps / 1000)} kbit/s`;
}

const kbps = (s: StreamStatus): number => s.bitrateKbps ?? s.configuredKbps ?? Number.POSITIVE_INFINITY;
/** A rendition's bitrate as auto weighs it: measured, else configured, else unknown (infinite). */
export const renditionKbps = kbps;
const label = (s: StreamStatus): string => {
  const k = s.bitrateKbps ?? s.configuredKbps ?? null;
  return k === null ? 'unknown bitrate' : `${Math.round(k)} kbit/s`;
};

/**
 * The rendition auto plays: the highest bitrate that fits in FIT_SHARE of the measured
 * throughput and is below any bitrate that stalled in the last STALL_MEMORY_MS. Down is at
 * once (a stall or a lower measurement); up waits STEP_UP_HOLD_MS without a stall and goes one
 * rung, so a link near a rendition's rate does not flap between two. Before any measurement
 * it takes the lowest bitrate, which starts soonest and plays on any link.
 */
export function autoPick(input: AutoPickInput): AutoPick {
  const { throughputBps, now, current } = input;
  const keptUp = input.keptUpKbps ?? null;
  // Ascending bitrate; the same bitrate in the lower-latency format first.
  const ladder = [...input.renditions].sort((a, b) => kbps(a) - kbps(b) || rank(a) - rank(b));
  if (ladder.length === 0) return { stream: null, reason: 'auto: no live mount, direct from the engine' };
  const recent = input.stalls.filter((s) => now - s.at < STALL_MEMORY_MS);
  const cap = recent.reduce((m, s) => Math.min(m, s.bitrateKbps), Number.POSITIVE_INFINITY);
  const stalledNote = Number.isFinite(cap) ? ` (stalled at ${Math.round(cap)} kbit/s)` : '';
  const budgetKbps = throughputBps === null ? null : (throughputBps * FIT_SHARE) / 1000;
  const measured = throughputBps === null ? '' : formatRate(throughputBps);
  const inBudget = (s: StreamStatus): boolean => budgetKbps !== null && kbps(s) <= budgetKbps;
  const fits = (s: StreamStatus): boolean => kbps(s) < cap && (inBudget(s) || (keptUp !== null && kbps(s) <= keptUp));
  /** "128 kbit/s fits 1.9 Mbit/s", or "192 kbit/s, the link kept up with it (190 kbit/s measured)". */
  const fitText = (s: StreamStatus): string => (inBudget(s) ? `${label(s)} fits ${measured}` : `${label(s)}, the link kept up with it (${measured} measured)`);

  if (ladder.length === 1) return { stream: ladder[0]!, reason: `auto: ${label(ladder[0]!)}, the only live rendition` };

  const lowest = (): AutoPick => {
    const s = ladder[0]!;
    if (budgetKbps === null) return { stream: s, reason: `auto: ${label(s)}, the lowest, until the throughput is measured${stalledNote}` };
    return { stream: s, reason: `auto: ${label(s)}, the lowest; ${measured} measured${stalledNote}` };
  };

  const fitting = ladder.filter(fits);
  // The highest bitrate; among equals the first, the lower-latency format.
  const best = fitting.reduce<StreamStatus | undefined>((b, s) => (!b || kbps(s) > kbps(b) ? s : b), undefined);
  if (!best) return lowest();

  const playing = current ? ladder.find((s) => s.streamId === current.streamId) : undefined;
  if (current && playing && fits(playing) && kbps(best) > kbps(playing)) {
    const quiet = now - current.since >= STEP_UP_HOLD_MS && recent.length === 0;
    if (!quiet) return { stream: playing, reason: `auto: ${fitText(playing)}, holding before stepping up` };
    const next = fitting.find((s) => kbps(s) > kbps(playing))!;
    return { stream: next, reason: inBudget(next) ? `auto: up to ${label(next)}, fits ${measured}` : `auto: up to ${fitText(next)}` };
  }
  if (playing && best.streamId !== playing.streamId && kbps(best) === kbps(playing) && fits(playing)) {
    // Another rendition of the same bitrate is no reason to restart the player.
    return { stream: playing, reason: `auto: ${fitText(playing)}${stalledNote}` };
  }
  return { stream: best, reason: `auto: ${fitText(best)}${stalledNote}` };
}

/** Whether the top of these renditions fits a measurement (what a step-up probe would find). */
export function topFits(renditions: readonly StreamStatus[], throughputBps: number | null, keptUpKbps: number | null): boolean {
  if (renditions.length === 0 || throughputBps === null) return false;
  const top = renditions.reduce((m, r) => (kbps(r) > kbps(m) ? r : m));
  return kbps(top) <= (throughputBps * FIT_SHARE) / 1000 || (keptUpKbps !== null && kbps(top) <= keptUpKbps);
}

/**
 * A probe reading at least this share of the probed mount's bitrate got all it sent in real
 * time: without a burst to read faster (a small burst-size, or none) the figure is about 1x the
 * bitrate and says only "the link carries at least this", which FIT_SHARE alone would reject.
 */
export const KEPT_UP_SHARE = 0.9;

/** The probed mount's bitrate when the probe kept up with it (AutoPickInput.keptUpKbps), else null. */
export function keptUpKbps(throughputBps: number | null, probedKbps: number | null): number | null {
  if (throughputBps === null || probedKbps === null || !Number.isFinite(probedKbps) || probedKbps <= 0) return null;
  return throughputBps >= probedKbps * 1000 * KEPT_UP_SHARE ? probedKbps : null;
}

/**
 * What a stall records: the bitrate of the rendition as Icecast reports it now (the snapshot
 * the player started from may predate its first bitrate), else its configured one. Null when
 * neither is known: a cap at an unknown bitrate would be a cap at 0.
 */
export function stallRecord(stream: StreamStatus | undefined, streamId: string, at: number): StallRecord | null {
  const k = stream ? (stream.bitrateKbps ?? stream.configuredKbps ?? null) : null;
  return k === null || k <= 0 ? null : { at, streamId, bitrateKbps: k };
}

/** After a step up was refused, the next probe waits twice as long, up to this. */
export const STEP_UP_MAX_MS = 5 * 60_000;

/** The wait before the next step-up check: back to STEP_UP_HOLD_MS after a step up, else doubled. */
export function nextStepUpDelay(delayMs: number, steppedUp: boolean): number {
  return steppedUp ? STEP_UP_HOLD_MS : Math.min(STEP_UP_MAX_MS, Math.max(STEP_UP_HOLD_MS, delayMs * 2));
}

/**
 * Whether a step-up check reads the top mount again (an extra Icecast listener while it runs):
 * not while the last probe said the top does not fit and is younger than the backed-off delay.
 */
export function stepUpNeedsProbe(last: { at: number; topFits: boolean } | null, delayMs: number, now: number): boolean {
  return !last || last.topFits || now - last.at >= delayMs;
}

// ---- mounts that failed in the player ----------------------------------------------------

/** A mount that failed in the player is left alone this long (or until Icecast reports it not live). */
export const FAILED_MOUNT_MS = 60_000;
/** A mount that fails again without having played is left alone twice as long each time, up to this. */
export const FAILED_MOUNT_MAX_MS = 16 * FAILED_MOUNT_MS;

/**
 * Mounts that failed in the player, each with when: a hiccup bans a live mount for a minute,
 * not the session. One that fails again before it played (a mount that sends nothing) waits
 * longer each time, so it does not cut into the direct path every minute.
 */
export class FailedMounts {
  private readonly failed = new Map<string, { until: number; count: number }>();

  add(streamId: string, now: number): void {
    const count = (this.failed.get(streamId)?.count ?? 0) + 1;
    this.failed.set(streamId, { count, until: now + Math.min(FAILED_MOUNT_MAX_MS, FAILED_MOUNT_MS * 2 ** (count - 1)) });
  }

  /** The mount played: its next failure is a first one again. */
  played(streamId: string): void {
    this.failed.delete(streamId);
  }

  has(streamId: string, now: number): boolean {
    const f = this.failed.get(streamId);
    return f !== undefined && now < f.until;
  }

  /** The mounts failed now, for liveRenditions' skip. */
  active(now: number): Set<string> {
    return new Set([...this.failed.keys()].filter((id) => this.has(id, now)));
  }

  /** Forgets the mounts Icecast no longer reports live: when one comes back it is a new try. */
  keepLive(streams: readonly StreamStatus[]): void {
    for (const id of [...this.failed.keys()]) if (!streams.some((s) => s.streamId === id && s.state === 'live')) this.failed.delete(id);
  }
}

/**
 * A hand-chosen rendition to start now: live, not failed, and not what plays. A choice that
 * went off air and came back is taken again, and the picker never shows one while another plays.
 */
export function handChoiceToStart(choice: { streamId: string } | string, renditions: readonly StreamStatus[], playingStreamId: string | null): StreamStatus | null {
  if (typeof choice === 'string' || choice.streamId === playingStreamId) return null;
  return renditions.find((r) => r.streamId === choice.streamId) ?? null;
}

// ---- throughput from what a mount delivers -------------------------------------------------

/**
 * Bytes arriving sooner than this after the response are not counted as faster: the first
 * TCP segments of any link arrive "at once", and Icecast's burst-on-connect ends in a few ms
 * on a fast link, so a shorter window would report noise.
 */
export const MIN_WINDOW_MS = 150;

/**
 * The link's throughput in bits/s from the chunks of one response: `at` ms after the response
 * began, `total` bytes received by then. Icecast sends a burst at connect (as fast as the link
 * allows) and then the stream in real time, so the best lower bound of the link is the rate
 * over the burst, read as the highest bytes-per-elapsed ratio with elapsed floored at
 * MIN_WINDOW_MS. Null with no bytes.
 */
export function throughputEstimate(chunks: ReadonlyArray<{ at: number; total: number }>): number | null {
  let best = 0;
  for (const c of chunks) {
    if (c.total <= 0) continue;
    best = Math.max(best, (c.total * 8 * 1000) / Math.max(c.at, MIN_WINDOW_MS));
  }
  return best > 0 ? best : null;
}
