import { gcd, kaiserTapCount, lowpassTaps } from './fir-design';
import { withRoom } from './growable';

export interface RationalResamplerOptions {
  inputRate: number;
  outputRate: number;
  /** Audio band to keep; defaults to 0.45 of the lower rate. */
  passHz?: number;
  /** Where the filter is `attenDb` down; defaults to the lower Nyquist. */
  stopHz?: number;
  attenDb?: number;
  /** Refuse ratios whose reduced interpolation factor exceeds this (filter bank size). */
  maxInterpolation?: number;
}

/**
 * Exact rational resampler L/M as a polyphase filter bank: output k is one short dot product
 * with phase (k·M mod L) of a prototype low-pass designed at L·inputRate. The prototype's
 * band edges make it the audio filter too, so there is no separate anti-alias stage.
 */
export class RationalResampler {
  readonly up: number;
  readonly down: number;
  readonly inputRate: number;
  readonly outputRate: number;
  /** Taps per phase. */
  readonly tapsPerPhase: number;
  private readonly bank: Float32Array;
  private buf: Float32Array;
  private held: number;
  /** Index in buf of the newest input sample of the next output. */
  private next: number;
  private phase = 0;

  constructor(opts: RationalResamplerOptions) {
    const { inputRate, outputRate } = opts;
    if (!Number.isInteger(inputRate) || !Number.isInteger(outputRate) || inputRate <= 0 || outputRate <= 0) {
      throw new RangeError(`rates must be positive integers, got ${inputRate} -> ${outputRate}`);
    }
    const g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;
    const maxL = opts.maxInterpolation ?? 2048;
    if (this.up > maxL) throw new RangeError(`${inputRate} -> ${outputRate} Hz needs ${this.up} filter phases (max ${maxL})`);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const nyq = Math.min(inputRate, outputRate) / 2;
    const pass = opts.passHz ?? 0.9 * nyq;
    const stop = opts.stopHz ?? nyq;
    if (!(stop > pass)) throw new RangeError(`stop edge ${stop} Hz must be above pass edge ${pass} Hz`);
    const atten = opts.attenDb ?? 60;
    const protoRate = inputRate * this.up;
    const minTaps = kaiserTapCount(atten, stop - pass, protoRate);
    const t = Math.max(2, Math.ceil(minTaps / this.up));
    this.tapsPerPhase = t;
    const proto = lowpassTaps(t * this.up, (pass + stop) / 2, protoRate, atten, this.up);
    // bank[p*t + j] = proto[p + (t-1-j)*L]: phase p, taps in time order oldest..newest.
    this.bank = new Float32Array(t * this.up);
    for (let p = 0; p < this.up; p++) {
      for (let j = 0; j < t; j++) this.bank[p * t + j] = proto[p + (t - 1 - j) * this.up]!;
    }
    this.buf = new Float32Array(t + 8192);
    this.held = t - 1;
    this.next = t - 1;
  }

  maxOutput(inputSamples: number): number {
    return Math.ceil(((inputSamples + 1) * this.up) / this.down) + 1;
  }

  process(input: Float32Array, output: Float32Array): number {
    const need = this.held + input.length;
    this.buf = withRoom(this.buf, this.held, need);
    const buf = this.buf;
    buf.set(input, this.held);
    const total = need;
    const bank = this.bank;
    const t = this.tapsPerPhase;
    const L = this.up;
    const M = this.down;
    let pos = this.next;
    let p = this.phase;
    let o = 0;
    while (pos < total) {
      let acc = 0;
      const base = p * t;
      let b = pos - t + 1;
      for (let j = 0; j < t; j++) acc += bank[base + j]! * buf[b++]!;
      output[o++] = acc;
      const q = p + M;
      const adv = (q / L) | 0;
      p = q - adv * L;
      pos += adv;
    }
    const keepFrom = Math.min(pos - (t - 1), total);
    buf.copyWithin(0, keepFrom, total);
    this.held = total - keepFrom;
    this.next = pos - keepFrom;
    this.phase = p;
    return o;
  }

  reset(): void {
    this.buf.fill(0);
    this.held = this.tapsPerPhase - 1;
    this.next = this.tapsPerPhase - 1;
    this.phase = 0;
  }
}
