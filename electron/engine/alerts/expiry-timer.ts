import type { Timers } from './write-behind';

/** setTimeout's limit (about 24.8 days); a later expiry is re-armed when this fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * One timer, always set to the next expiry among the active alerts, so an alert turns expired
 * at its purge time (not at the next poll). Firing early (the wall clock was set back) or late
 * (set forward, a suspended machine) is harmless: the owner re-reads the clock and re-arms it.
 */
export class ExpiryTimer {
  private handle: unknown = null;
  private dueAt: number | null = null;

  constructor(
    private readonly timers: Timers,
    private readonly onDue: () => void,
  ) {}

  /** The next expiry, or null when nothing is active. */
  get due(): number | null {
    return this.dueAt;
  }

  arm(atMs: number | null): void {
    if (atMs === this.dueAt && this.handle !== null) return;
    this.cancel();
    this.dueAt = atMs;
    if (atMs === null) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, atMs - this.timers.now()));
    this.handle = this.timers.setTimer(() => {
      this.handle = null;
      this.onDue();
    }, delay);
  }

  cancel(): void {
    if (this.handle !== null) this.timers.clearTimer(this.handle);
    this.handle = null;
    this.dueAt = null;
  }
}
