export interface RetainedSegment {
  id: number;
  startUtcMs: number;
  durationMs: number;
  bytes: number;
}

export interface RetentionRules {
  nowMs: number;
  maxAgeMs: number;
  maxBytes: number;
  /** Segments overlapping an alert younger than this are kept whatever the other rules say. */
  alertKeepMs: number;
  /** Whether [fromMs, toMs) holds an alert received at or after `sinceMs`. */
  holdsAlert(seg: RetainedSegment, sinceMs: number): boolean;
}

/**
 * Which segments to delete (oldest first): every one older than the age limit, then the oldest
 * until the total fits the size limit, whichever is hit first; never one that holds a recent
 * alert. `segments` span all sources, sorted by start.
 */
export function planRetention(segments: readonly RetainedSegment[], rules: RetentionRules): { remove: RetainedSegment[]; keptForAlerts: number } {
  const alertSince = rules.nowMs - rules.alertKeepMs;
  let total = 0;
  for (const s of segments) total += s.bytes;
  const remove: RetainedSegment[] = [];
  let keptForAlerts = 0;
  for (const s of segments) {
    const tooOld = s.startUtcMs + s.durationMs < rules.nowMs - rules.maxAgeMs;
    const tooBig = total > rules.maxBytes;
    if (!tooOld && !tooBig) break;
    if (rules.holdsAlert(s, alertSince)) {
      keptForAlerts++;
      continue;
    }
    remove.push(s);
    total -= s.bytes;
  }
  return { remove, keptForAlerts };
}
