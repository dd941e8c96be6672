/** A change smaller than this is not worth a source-list push on its own, dB. */
export const SIGNAL_STEP_DB = 1;
/** At most one push per source for signal changes in this period, ms. */
export const SIGNAL_MIN_INTERVAL_MS = 500;

/**
 * Decides when a source's signal strength alone is worth a `sources.changed`: RF adapters
 * post it with every block, far more often than a meter needs. A change of at least
 * SIGNAL_STEP_DB from the value last reported goes out, no sooner than SIGNAL_MIN_INTERVAL_MS
 * after the previous report (a held-back change goes with the next post, as RF sources post
 * continuously); a signal appearing or vanishing goes out at once, as nothing may follow it.
 */
export class SignalReport {
  private readonly last = new Map<string, { db: number | null; atMs: number }>();

  shouldReport(sourceId: string, db: number | null, nowMs: number): boolean {
    const prev = this.last.get(sourceId) ?? { db: null, atMs: Number.NEGATIVE_INFINITY };
    if (prev.db === null || db === null) {
      if (prev.db === db) return false;
    } else if (Math.abs(db - prev.db) < SIGNAL_STEP_DB || nowMs - prev.atMs < SIGNAL_MIN_INTERVAL_MS) {
      return false;
    }
    this.last.set(sourceId, { db, atMs: nowMs });
    return true;
  }

  forget(sourceId: string): void {
    this.last.delete(sourceId);
  }
}
