/**
 * Squelch setting: 'auto' opens on an FM carrier whatever the gain, 'off' never mutes, a number
 * opens when the channel power exceeds that many dBFS.
 */
export type SquelchSetting = 'auto' | 'off' | number;

export const SIGNAL_FLOOR_DB = -120;

/**
 * 'auto' squelch: opens below this envelope flatness, closes above the second value. For a
 * carrier in Gaussian noise at carrier-to-noise ratio x, flatness = (2x + 1) / (x + 1)², so
 * this opens at about 6 dB CNR in the channel and closes below about 3 dB.
 */
const FLATNESS_OPEN = 0.35;
const FLATNESS_CLOSE = 0.55;
const LEVEL_HYSTERESIS_DB = 3;

/**
 * Channel power (dBFS, full scale |z| = 1) and the squelch decision, over ~20 ms windows of the
 * channel-filtered IQ.
 *
 * 'auto' uses the envelope: an FM carrier has a constant |z| while Gaussian noise has
 * var(|z|²) = mean(|z|²)². The ratio var/mean² ("flatness") is therefore ~0 on a carrier and
 * ~1 on noise, independent of tuner gain, which a fixed dBFS threshold is not.
 */
export class ChannelMeter {
  readonly squelch: SquelchSetting;
  /** Smoothed channel power in dBFS. */
  signalDb = SIGNAL_FLOOR_DB;
  /** Last window's var(|z|²)/mean(|z|²)². */
  flatness = 1;
  open: boolean;
  private readonly window: number;
  private count = 0;
  private sumP = 0;
  private sumP2 = 0;
  private primed = false;

  constructor(sampleRate: number, squelch: SquelchSetting = 'auto', windowSeconds = 0.02) {
    this.squelch = squelch;
    this.window = Math.max(16, Math.round(sampleRate * windowSeconds));
    this.open = squelch === 'off';
  }

  process(iq: Float32Array): void {
    const n = iq.length >> 1;
    const win = this.window;
    let count = this.count;
    let sumP = this.sumP;
    let sumP2 = this.sumP2;
    for (let i = 0; i < n; i++) {
      const re = iq[2 * i]!;
      const im = iq[2 * i + 1]!;
      const p = re * re + im * im;
      sumP += p;
      sumP2 += p * p;
      if (++count === win) {
        this.closeWindow(sumP / win, sumP2 / win);
        count = 0;
        sumP = 0;
        sumP2 = 0;
      }
    }
    this.count = count;
    this.sumP = sumP;
    this.sumP2 = sumP2;
  }

  private closeWindow(meanP: number, meanP2: number): void {
    const db = meanP > 0 ? Math.max(SIGNAL_FLOOR_DB, 10 * Math.log10(meanP)) : SIGNAL_FLOOR_DB;
    this.signalDb = this.primed ? this.signalDb + 0.3 * (db - this.signalDb) : db;
    this.primed = true;
    this.flatness = meanP > 0 ? Math.max(0, meanP2 - meanP * meanP) / (meanP * meanP) : 1;
    const sq = this.squelch;
    if (sq === 'off') this.open = true;
    else if (sq === 'auto') this.open = this.open ? this.flatness < FLATNESS_CLOSE : this.flatness < FLATNESS_OPEN;
    else this.open = this.open ? db > sq - LEVEL_HYSTERESIS_DB : db > sq;
  }

  reset(): void {
    this.count = 0;
    this.sumP = 0;
    this.sumP2 = 0;
    this.primed = false;
    this.signalDb = SIGNAL_FLOOR_DB;
    this.flatness = 1;
    this.open = this.squelch === 'off';
  }
}
