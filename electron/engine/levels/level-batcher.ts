import type { LevelFrame } from '../../contract';

/**
 * Collects every source's level frames and hands them on as one batch per period, so the UI
 * gets one `levels` event per tick however many sources run, and nothing when all are idle.
 */
export class LevelBatcher {
  private pending: LevelFrame[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly periodMs: number,
    private readonly onBatch: (frames: LevelFrame[]) => void,
  ) {}

  push(frame: LevelFrame): void {
    this.pending.push(frame);
  }

  start(): void {
    if (!this.timer) this.timer = setInterval(() => this.flush(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const frames = this.pending;
    this.pending = [];
    this.onBatch(frames);
  }
}
