/** dBFS floor reported for digital silence, so meters and JSON never see -Infinity. */
export const SILENCE_DB = -120;

export function toDb(linear: number): number {
  return linear > 1e-6 ? 20 * Math.log10(linear) : SILENCE_DB;
}

/**
 * Accumulates peak, RMS and a min/max waveform over a batch of blocks. A batch is what is
 * sent to the UI every ~33 ms; waveform columns are a fixed number of samples wide so the
 * drawing speed does not depend on the batch length.
 */
export class LevelMeter {
  private peak = 0;
  private sumSq = 0;
  private count = 0;
  private colMin = 1;
  private colMax = -1;
  private colFill = 0;
  private readonly columns: Float32Array;
  private columnCount = 0;

  /**
   * @param samplesPerColumn samples per waveform min/max pair (e.g. 441 = 20 ms at 22050 Hz)
   * @param maxColumns pairs kept per batch; beyond that the oldest are overwritten
   */
  constructor(
    private readonly samplesPerColumn = 441,
    private readonly maxColumns = 64,
  ) {
    this.columns = new Float32Array(maxColumns * 2);
  }

  push(block: Float32Array): void {
    let peak = this.peak;
    let sumSq = this.sumSq;
    let mn = this.colMin;
    let mx = this.colMax;
    let fill = this.colFill;
    const spc = this.samplesPerColumn;
    for (let i = 0; i < block.length; i++) {
      const v = block[i]!;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
      sumSq += v * v;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      if (++fill === spc) {
        this.addColumn(mn, mx);
        mn = 1;
        mx = -1;
        fill = 0;
      }
    }
    this.peak = peak;
    this.sumSq = sumSq;
    this.count += block.length;
    this.colMin = mn;
    this.colMax = mx;
    this.colFill = fill;
  }

  private addColumn(mn: number, mx: number): void {
    const slot = this.columnCount % this.maxColumns;
    this.columns[slot * 2] = Math.max(-1, mn);
    this.columns[slot * 2 + 1] = Math.min(1, mx);
    this.columnCount++;
  }

  get samples(): number {
    return this.count;
  }

  /** Returns the batch's figures and starts a new batch. Peaks are rounded for a small wire size. */
  take(): { peakDb: number; rmsDb: number; peaks: number[] } {
    const rms = this.count > 0 ? Math.sqrt(this.sumSq / this.count) : 0;
    const n = Math.min(this.columnCount, this.maxColumns);
    const start = this.columnCount - n;
    const peaks: number[] = new Array(n * 2);
    for (let i = 0; i < n; i++) {
      const slot = (start + i) % this.maxColumns;
      peaks[i * 2] = Math.round(this.columns[slot * 2]! * 1000) / 1000;
      peaks[i * 2 + 1] = Math.round(this.columns[slot * 2 + 1]! * 1000) / 1000;
    }
    const result = { peakDb: round2(toDb(this.peak)), rmsDb: round2(toDb(rms)), peaks };
    this.peak = 0;
    this.sumSq = 0;
    this.count = 0;
    this.columnCount = 0;
    return result;
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
