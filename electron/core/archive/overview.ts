/**
 * The per-second level overview kept in the index: one peak and one RMS byte per second of
 * audio, in dBFS quantised over DB_FLOOR..0 (0 = at or below the floor). Two bytes a second
 * keep a week's timeline at ~1.2 MB per source, drawn without touching the audio.
 */
import { withRoom } from '../dsp/growable';

export const DB_FLOOR = -96;

export function dbToByte(db: number): number {
  if (!(db > DB_FLOOR)) return 0;
  if (db >= 0) return 255;
  return Math.round(((db - DB_FLOOR) / -DB_FLOOR) * 255);
}

export function byteToDb(b: number): number {
  return b === 0 ? -Infinity : DB_FLOOR + (b / 255) * -DB_FLOOR;
}

/** Accumulates float blocks into per-second peak/RMS bytes; the trailing partial second counts too. */
export class OverviewAccumulator {
  private peak = new Uint8Array(64);
  private rms = new Uint8Array(64);
  private seconds = 0;
  private curPeak = 0;
  private curSq = 0;
  private curN = 0;

  constructor(private readonly rate: number) {}

  push(block: Float32Array): void {
    const rate = this.rate;
    for (let i = 0; i < block.length; i++) {
      const v = block[i]!;
      const a = v < 0 ? -v : v;
      if (a > this.curPeak) this.curPeak = a;
      this.curSq += v * v;
      if (++this.curN === rate) this.closeSecond();
    }
  }

  /** Whole seconds so far plus the partial one. */
  get length(): number {
    return this.seconds + (this.curN > 0 ? 1 : 0);
  }

  /** Copies of the peak and RMS bytes, the partial second included. */
  snapshot(): { peak: Uint8Array; rms: Uint8Array } {
    const n = this.length;
    const peak = this.peak.slice(0, n);
    const rms = this.rms.slice(0, n);
    if (this.curN > 0) {
      peak[n - 1] = dbToByte(20 * Math.log10(this.curPeak));
      rms[n - 1] = dbToByte(10 * Math.log10(this.curSq / this.curN));
    }
    return { peak, rms };
  }

  private closeSecond(): void {
    this.peak = withRoom(this.peak, this.seconds, this.seconds + 1);
    this.rms = withRoom(this.rms, this.seconds, this.seconds + 1);
    this.peak[this.seconds] = dbToByte(20 * Math.log10(this.curPeak));
    this.rms[this.seconds] = dbToByte(10 * Math.log10(this.curSq / this.curN));
    this.seconds++;
    this.curPeak = 0;
    this.curSq = 0;
    this.curN = 0;
  }
}

export interface OverviewSegment {
  startUtcMs: number;
  durationMs: number;
  peak: Uint8Array;
  rms: Uint8Array;
}

/**
 * The timeline's view of [from, to) in `buckets` columns: the max peak and max RMS byte of the
 * seconds in each, and -1 where no second was recorded (a gap, shaded, never drawn as silence).
 */
export function overviewBuckets(segments: readonly OverviewSegment[], fromMs: number, toMs: number, buckets: number): { peak: Int16Array; rms: Int16Array } {
  const peak = new Int16Array(buckets).fill(-1);
  const rms = new Int16Array(buckets).fill(-1);
  const span = toMs - fromMs;
  if (span <= 0 || buckets <= 0) return { peak, rms };
  for (const s of segments) {
    const n = s.peak.length;
    for (let i = 0; i < n; i++) {
      const t = s.startUtcMs + i * 1000;
      if (t < fromMs || t >= toMs) continue;
      const b = Math.min(buckets - 1, Math.floor(((t - fromMs) / span) * buckets));
      if (s.peak[i]! > peak[b]!) peak[b] = s.peak[i]!;
      if (s.rms[i]! > rms[b]!) rms[b] = s.rms[i]!;
    }
  }
  return { peak, rms };
}
