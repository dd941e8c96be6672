import { CaptureError } from '../sources/adapter';
import { Backoff } from './backoff';

/**
 * When a failed source is tried again. A monitor left alone for months must come back by
 * itself from whatever happened (a file put back, a program installed, a server fixed), so
 * every failure is retried; only a URI the engine cannot act on at all is final.
 */
export interface RetryTiming {
  /** First wait of the exponential backoff for transient failures (drops, refusals, crashes). */
  minMs: number;
  /** Its ceiling. */
  maxMs: number;
  /**
   * The steady interval for failures that need something outside to change first
   * (CaptureError.retryable false): trying sooner cannot help, trying never would not come back.
   */
  slowMs: number;
  /** A run that delivered audio this long resets the backoff; a shorter one keeps backing off. */
  healthyRunMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTiming = Object.freeze({
  minMs: 1000,
  maxMs: 30_000,
  slowMs: 15_000,
  healthyRunMs: 10_000,
});

/** Codes that no retry can change: the URI itself asks for what cannot be done. */
const FINAL_CODES: ReadonlySet<string> = new Set(['bad_config']);

export type RetryPlan = { final: true } | { final: false; waitMs: number; note: string };

export function isFinal(error: Error): boolean {
  return error instanceof CaptureError && FINAL_CODES.has(error.code);
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

export class RetryPolicy {
  private readonly timing: RetryTiming;
  private readonly backoff: Backoff;

  constructor(timing: Partial<RetryTiming> = {}, random: () => number = Math.random) {
    this.timing = { ...DEFAULT_RETRY_TIMING, ...timing };
    this.backoff = new Backoff(this.timing.minMs, this.timing.maxMs, random);
  }

  /** What to do after `error`, the capture having delivered audio for `ranMs` first (0: none). */
  plan(error: Error, ranMs: number): RetryPlan {
    if (isFinal(error)) return { final: true };
    if (ranMs >= this.timing.healthyRunMs) this.backoff.reset();
    if (error instanceof CaptureError && !error.retryable) {
      return { final: false, waitMs: this.timing.slowMs, note: `retrying every ${seconds(this.timing.slowMs)}` };
    }
    const waitMs = this.backoff.next();
    return { final: false, waitMs, note: `retrying in ${seconds(waitMs)}` };
  }
}
