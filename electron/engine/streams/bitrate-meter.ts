/**
 * Bitrate of what the encoder actually produced (not the PCM going in), over a sliding
 * window of one-second buckets.
 */
export class BitrateMeter {
  private readonly buckets: Float64Array;
  private readonly windowS: number;
  private headSecond = -1;
  private firstAt: number | null = null;

  constructor(windowS = 10) {
    this.windowS = windowS;
    this.buckets = new Float64Array(windowS);
  }

  add(bytes: number, nowMs: number): void {
    this.advance(nowMs);
    this.firstAt ??= nowMs;
    this.buckets[Math.floor(nowMs / 1000) % this.windowS]! += bytes;
  }

  /** kbit/s over the window (or since the first byte when that is shorter); null before any data. */
  kbps(nowMs: number): number | null {
    if (this.firstAt === null) return null;
    this.advance(nowMs);
    const spanMs = Math.min(this.windowS * 1000, nowMs - this.firstAt);
    if (spanMs < 500) return null;
    // The current bucket is partial: the span counts whole past seconds plus the elapsed part.
    const partial = (nowMs % 1000) / 1000;
    const seconds = Math.min(spanMs / 1000, this.windowS - 1 + partial);
    let total = 0;
    for (let i = 0; i < this.windowS; i++) total += this.buckets[i]!;
    return (total * 8) / 1000 / Math.max(0.5, seconds);
  }

  reset(): void {
    this.buckets.fill(0);
    this.headSecond = -1;
    this.firstAt = null;
  }

  private advance(nowMs: number): void {
    const sec = Math.floor(nowMs / 1000);
    if (this.headSecond < 0) {
      this.headSecond = sec;
      return;
    }
    const steps = Math.min(this.windowS, sec - this.headSecond);
    for (let i = 1; i <= steps; i++) this.buckets[(this.headSecond + i) % this.windowS] = 0;
    if (sec > this.headSecond) this.headSecond = sec;
  }
}
