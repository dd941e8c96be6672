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
  // Ascending bitrate; the same bitrate in the lower-latency format first.
  const ladder = [...input.renditions].sort((a, b) => kbps(a) - kbps(b) || rank(a) - rank(b));
  if (ladder.length === 0) return { stream: null, reason: 'auto: no live mount, direct from the engine' };
  const recent = input.stalls.filter((s) => now - s.at < STALL_MEMORY_MS);
  const cap = recent.reduce((m, s) => Math.min(m, s.bitrateKbps), Number.POSITIVE_INFINITY);
  const stalledNote = Number.isFinite(cap) ? ` (stalled at ${Math.round(cap)} kbit/s)` : '';
  const budgetKbps = throughputBps === null ? null : (throughputBps * FIT_SHARE) / 1000;
  const measured = throughputBps === null ? '' : formatRate(throughputBps);
  const fits = (s: StreamStatus): boolean => kbps(s) < cap && budgetKbps !== null && kbps(s) <= budgetKbps;

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
    if (!quiet) return { stream: playing, reason: `auto: ${label(playing)} fits ${measured}, holding before stepping up` };
    const next = fitting.find((s) => kbps(s) > kbps(playing))!;
    return { stream: next, reason: `auto: up to ${label(next)}, fits ${measured}` };
  }
  if (playing && best.streamId !== playing.streamId && kbps(best) === kbps(playing) && fits(playing)) {
    // Another rendition of the same bitrate is no reason to restart the player.
    return { stream: playing, reason: `auto: ${label(playing)} fits ${measured}${stalledNote}` };
  }
  return { stream: best, reason: `auto: ${label(best)} fits ${measured}${stalledNote}` };
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
