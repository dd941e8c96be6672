import type { Logger } from '../log';
import type { ProblemBoard } from '../status/problem-board';
import type { AlertHistory } from './history/alert-history';
import { storageAdvice, storageCondition, type StorageCondition } from './history/storage-errors';

/** How the desk schedules a retry; the engine passes timers, tests a manual clock. */
export interface Timers {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

export const HISTORY_PROBLEM = 'history_not_writable';

export interface WriteBehindOptions {
  history: AlertHistory;
  /** Named in the problem ("disk full at DIR"). */
  dir: string;
  problems: ProblemBoard;
  log: Logger;
  /** Said to the operator when writing works again. */
  onRecovered?: (written: number, condition: StorageCondition) => void;
  timers?: Timers;
  retryMs?: number;
  /** Log lines and decoder events kept while the history cannot be written; alerts are never dropped. */
  maxMinorWrites?: number;
}

interface Pending {
  run: (h: AlertHistory) => void;
  /** Alerts and recordings are never dropped; log lines and decoder events may be, oldest first. */
  minor: boolean;
}

/**
 * The history's writes, in order, behind the alert path: the desk publishes an alert first and
 * hands its write here. A write that fails for a condition that passes (disk full, read-only,
 * I/O error, busy) stays queued, in memory, with everything after it; the problem is raised by
 * name and the queue is retried until the disk takes it again. Writes are keyed, so a newer
 * state of the same alert replaces the queued one instead of queueing twice.
 */
export class WriteBehind {
  private readonly queue = new Map<string, Pending>();
  private readonly timers: Timers;
  private readonly retryMs: number;
  private readonly maxMinor: number;
  private retryTimer: unknown = null;
  private condition: StorageCondition | null = null;
  private minorCount = 0;
  private dropped = 0;
  private flushing = false;
  private closed = false;

  constructor(private readonly o: WriteBehindOptions) {
    this.timers = o.timers ?? realTimers;
    this.retryMs = o.retryMs ?? 5000;
    this.maxMinor = o.maxMinorWrites ?? 20_000;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Null while writes go through; else why they wait. */
  get failing(): StorageCondition | null {
    return this.condition;
  }

  /** Queues a write under `key` (replacing a queued one with the same key) and tries to flush now. */
  put(key: string, run: (h: AlertHistory) => void, minor = false): void {
    if (this.closed) return;
    const prev = this.queue.get(key);
    if (prev?.minor) this.minorCount--;
    // A replaced write keeps its place in the order (Map.set on a known key does).
    this.queue.set(key, { run, minor });
    if (minor) {
      this.minorCount++;
      if (this.minorCount > this.maxMinor) this.dropOldestMinor();
    }
    if (this.condition === null) this.flush();
  }

  /** Writes what is queued, in order, until one fails. True when the queue is empty. */
  flush(): boolean {
    if (this.flushing || this.closed) return this.queue.size === 0;
    this.flushing = true;
    let written = 0;
    try {
      for (const [key, p] of this.queue) {
        try {
          p.run(this.o.history);
        } catch (err) {
          const condition = storageCondition(err);
          if (condition !== null) {
            this.fail(condition, err);
            return false;
          }
          // A write the database refuses for good (a bug, a constraint): dropping it keeps the rest flowing.
          this.o.log.error({ err, key }, 'history write refused; dropped');
        }
        this.queue.delete(key);
        if (p.minor) this.minorCount--;
        written++;
      }
    } finally {
      this.flushing = false;
    }
    this.recovered(written);
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) this.timers.clearTimer(this.retryTimer);
    this.retryTimer = null;
  }

  private fail(condition: StorageCondition, err: unknown): void {
    const first = this.condition === null;
    this.condition = condition;
    const waiting = this.queue.size;
    const lost = this.dropped > 0 ? `; ${this.dropped} log lines dropped to bound memory` : '';
    this.o.problems.raise(
      HISTORY_PROBLEM,
      `history not writable: ${condition} at ${this.o.dir} (${waiting} change${waiting === 1 ? '' : 's'} waiting in memory, written when it can be: ${storageAdvice(condition)})${lost}`,
    );
    if (first) this.o.log.error({ err: (err as Error).message, dir: this.o.dir }, `history not writable: ${condition}`);
    this.scheduleRetry();
  }

  private recovered(written: number): void {
    if (this.condition === null) return;
    const was = this.condition;
    this.condition = null;
    if (this.retryTimer !== null) this.timers.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.o.problems.clear(HISTORY_PROBLEM);
    this.o.log.info({ written, dir: this.o.dir }, 'history writable again');
    this.o.onRecovered?.(written, was);
    this.dropped = 0;
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = this.timers.setTimer(() => {
      this.retryTimer = null;
      if (!this.flush() && this.retryTimer === null) this.scheduleRetry();
    }, this.retryMs);
  }

  private dropOldestMinor(): void {
    for (const [key, p] of this.queue) {
      if (!p.minor) continue;
      this.queue.delete(key);
      this.minorCount--;
      this.dropped++;
      return;
    }
  }
}
