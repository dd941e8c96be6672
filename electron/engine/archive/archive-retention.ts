import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { planRetention, type RetainedSegment } from '../../core/archive/retention-plan';
import { ALERT_AFTER_MS, ALERT_BEFORE_MS, type AlertTimesFor } from './alert-times';
import { durationMs, type ArchiveIndex } from './archive-index';

export interface RetentionLimits {
  maxAgeMs: number;
  maxBytes: number;
  alertKeepMs: number;
}

export interface RetentionResult {
  removed: number;
  freedBytes: number;
  keptForAlerts: number;
}

/**
 * Deletes what the age and size limits say, oldest first, keeping every closed segment that
 * holds an alert of the keep period. Open segments are being written and never touched.
 */
export function runRetention(index: ArchiveIndex, root: string, limits: RetentionLimits, alertTimesFor: AlertTimesFor, nowMs: number): RetentionResult {
  const rows = index.closedSegments();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const segs: RetainedSegment[] = rows.map((r) => ({ id: r.id, startUtcMs: r.startUtcMs, durationMs: durationMs(r), bytes: r.bytes }));
  const { remove, keptForAlerts } = planRetention(segs, {
    nowMs,
    ...limits,
    holdsAlert: (s, sinceMs) => {
      const row = byId.get(s.id)!;
      const from = Math.max(sinceMs, s.startUtcMs - ALERT_AFTER_MS);
      const to = s.startUtcMs + s.durationMs + ALERT_BEFORE_MS;
      return to > from && alertTimesFor(row.sourceId, from, to).length > 0;
    },
  });
  let freedBytes = 0;
  for (const s of remove) {
    const row = byId.get(s.id)!;
    rmSync(join(root, row.sourceId, row.name), { force: true });
    index.remove(row.id);
    freedBytes += row.bytes;
  }
  return { removed: remove.length, freedBytes, keptForAlerts };
}
