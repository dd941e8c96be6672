/** A span of [from, to) with no archived audio: the source was down or the engine stopped. */
export interface ArchiveGap {
  fromMs: number;
  toMs: number;
}

export interface TimedSpan {
  startUtcMs: number;
  durationMs: number;
}

/**
 * The gaps in [fromMs, toMs) between `segments` (sorted by start). Spans closer than
 * `toleranceMs` count as contiguous: consecutive segments of one run meet within a frame.
 */
export function findGaps(segments: readonly TimedSpan[], fromMs: number, toMs: number, toleranceMs = 250): ArchiveGap[] {
  const gaps: ArchiveGap[] = [];
  let covered = fromMs;
  for (const s of segments) {
    const end = s.startUtcMs + s.durationMs;
    if (end <= covered) continue;
    if (s.startUtcMs >= toMs) break;
    if (s.startUtcMs - covered > toleranceMs) gaps.push({ fromMs: covered, toMs: Math.min(s.startUtcMs, toMs) });
    covered = Math.max(covered, end);
    if (covered >= toMs) break;
  }
  if (toMs - covered > toleranceMs) gaps.push({ fromMs: covered, toMs });
  return gaps;
}
