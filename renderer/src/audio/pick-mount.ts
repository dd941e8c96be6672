import type { StreamFormat, StreamStatus } from '@contract';

/**
 * Chromium starts progressive MP3 and AAC sooner than Ogg (which waits for its header
 * pages), so those are the lower-latency renditions for the console's own player.
 */
const FORMAT_RANK: Record<StreamFormat, number> = { mp3: 0, aac: 1, opus: 2, vorbis: 3 };

/** The live mount of a source the console's player should take, or null for the direct path. */
export function pickListenMount(streams: readonly StreamStatus[], sourceId: string, skip: ReadonlySet<string>): StreamStatus | null {
  let best: StreamStatus | null = null;
  for (const s of streams) {
    if (s.sourceId !== sourceId || s.state !== 'live' || !s.listenUrl || skip.has(s.streamId)) continue;
    if (!best || rank(s) < rank(best)) best = s;
  }
  return best;
}

const rank = (s: StreamStatus): number => (s.format ? FORMAT_RANK[s.format] : 9) * 10_000 + (s.bitrateKbps ?? 9_999);
