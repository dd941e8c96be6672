import type { Timers } from '../../../electron/engine/alerts/write-behind';

/** A clock and timers the test moves by hand: timers due by the new time fire in order. */
export class ManualClock implements Timers {
  private t: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(start: string | number) {
    this.t = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** When the next timer is due, or null. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const p of this.pending.values()) if (next === null || p.at < next) next = p.at;
    return next;
  }

  /** Moves to `iso` (or by `ms`), firing every timer due on the way at its own time. */
  advance(to: string | number): void {
    const target = typeof to === 'string' ? Date.parse(to) : this.t + to;
    for (;;) {
      let id: number | null = null;
      let due: { at: number; fn: () => void } | null = null;
      for (const [k, p] of this.pending) if (p.at <= target && (due === null || p.at < due.at)) [id, due] = [k, p];
      if (id === null || due === null) break;
      this.pending.delete(id);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = target;
  }
}
