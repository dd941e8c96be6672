import { gcd } from './fir-design';

/** Longest NCO period kept as a table; beyond it the mixer runs a renormalised phasor. */
const MAX_TABLE = 1 << 16;

/**
 * u8 IQ (as rtl_sdr / rtl_tcp deliver it: I,Q,I,Q... offset binary around 127.5) to complex
 * float, mixed down by `offsetHz` so the channel that sat at +offsetHz lands on 0 Hz. The
 * dongle is tuned off-centre on purpose: its DC spike and 1/f noise then stay out of the channel.
 *
 * Output is interleaved re,im with full scale = 1 (|z| = 1 for a full-scale input tone).
 * offsetHz = ±rate/4 takes a multiply-free path (the NCO is then 1, ∓j, -1, ±j).
 */
export class U8IqMixer {
  readonly rate: number;
  readonly offsetHz: number;
  private readonly quarter: 0 | 1 | -1;
  private readonly cos: Float32Array;
  private readonly sin: Float32Array;
  private phase = 0;
  // Phasor fallback (offsets whose period does not fit a table).
  private readonly stepRe: number;
  private readonly stepIm: number;
  private rotRe = 1;
  private rotIm = 0;

  constructor(rate: number, offsetHz: number) {
    if (!(rate > 0)) throw new RangeError(`rate must be positive, got ${rate}`);
    if (Math.abs(offsetHz) >= rate / 2) throw new RangeError(`offset ${offsetHz} Hz is outside ±rate/2 (${rate / 2} Hz)`);
    this.rate = rate;
    this.offsetHz = offsetHz;
    this.quarter = offsetHz === rate / 4 ? 1 : offsetHz === -rate / 4 ? -1 : 0;
    const w = (-2 * Math.PI * offsetHz) / rate;
    this.stepRe = Math.cos(w);
    this.stepIm = Math.sin(w);
    const g = Number.isInteger(rate) && Number.isInteger(offsetHz) ? gcd(rate, offsetHz) : 0;
    const period = offsetHz === 0 ? 1 : g > 0 ? rate / g : Infinity;
    if (this.quarter === 0 && period <= MAX_TABLE) {
      this.cos = new Float32Array(period);
      this.sin = new Float32Array(period);
      for (let n = 0; n < period; n++) {
        // Exact per-index angles: a table built by accumulation would drift.
        const a = (2 * Math.PI * ((n * (offsetHz / g || 0)) % period)) / period;
        this.cos[n] = Math.cos(a);
        this.sin[n] = Math.sin(a);
      }
    } else {
      this.cos = new Float32Array(0);
      this.sin = new Float32Array(0);
    }
  }

  /** Mixes `input` (an even number of bytes) into `output` (2 floats per pair). Returns complex samples written. */
  process(input: Uint8Array, output: Float32Array): number {
    const n = input.length >> 1;
    if (output.length < 2 * n) throw new RangeError(`output holds ${output.length >> 1} complex samples, need ${n}`);
    if (this.quarter !== 0) return this.processQuarter(input, output, n);
    if (this.cos.length > 0) return this.processTable(input, output, n);
    return this.processPhasor(input, output, n);
  }

  private processQuarter(input: Uint8Array, output: Float32Array, n: number): number {
    const k = 1 / 127.5;
    // Sequence of the NCO over 4 samples: +fs/4 down-mix multiplies by 1, -j, -1, +j.
    const sign = this.quarter;
    let p = this.phase;
    let i = 0;
    // Align to a multiple of 4 so the unrolled loop always starts at NCO phase 0.
    while (i < n && p !== 0) {
      this.quarterOne(input, output, i, p, sign, k);
      i++;
      p = (p + 1) & 3;
    }
    const end4 = i + ((n - i) & ~3);
    for (; i < end4; i += 4) {
      const b = i << 1;
      const i0 = (input[b]! - 127.5) * k, q0 = (input[b + 1]! - 127.5) * k;
      const i1 = (input[b + 2]! - 127.5) * k, q1 = (input[b + 3]! - 127.5) * k;
      const i2 = (input[b + 4]! - 127.5) * k, q2 = (input[b + 5]! - 127.5) * k;
      const i3 = (input[b + 6]! - 127.5) * k, q3 = (input[b + 7]! - 127.5) * k;
      output[b] = i0;
      output[b + 1] = q0;
      output[b + 4] = -i2;
      output[b + 5] = -q2;
      if (sign > 0) {
        output[b + 2] = q1;
        output[b + 3] = -i1;
        output[b + 6] = -q3;
        output[b + 7] = i3;
      } else {
        output[b + 2] = -q1;
        output[b + 3] = i1;
        output[b + 6] = q3;
        output[b + 7] = -i3;
      }
    }
    for (; i < n; i++) {
      this.quarterOne(input, output, i, p, sign, k);
      p = (p + 1) & 3;
    }
    this.phase = p;
    return n;
  }

  private quarterOne(input: Uint8Array, output: Float32Array, i: number, p: number, sign: number, k: number): void {
    const b = i << 1;
    const re = (input[b]! - 127.5) * k;
    const im = (input[b + 1]! - 127.5) * k;
    const q = sign > 0 ? p : (4 - p) & 3;
    if (q === 0) {
      output[b] = re;
      output[b + 1] = im;
    } else if (q === 1) {
      output[b] = im;
      output[b + 1] = -re;
    } else if (q === 2) {
      output[b] = -re;
      output[b + 1] = -im;
    } else {
      output[b] = -im;
      output[b + 1] = re;
    }
  }

  private processTable(input: Uint8Array, output: Float32Array, n: number): number {
    const k = 1 / 127.5;
    const cos = this.cos;
    const sin = this.sin;
    const period = cos.length;
    let p = this.phase;
    for (let i = 0; i < n; i++) {
      const b = i << 1;
      const re = (input[b]! - 127.5) * k;
      const im = (input[b + 1]! - 127.5) * k;
      const c = cos[p]!;
      const s = sin[p]!;
      // (re + j im) * (c - j s)
      output[b] = re * c + im * s;
      output[b + 1] = im * c - re * s;
      if (++p === period) p = 0;
    }
    this.phase = p;
    return n;
  }

  private processPhasor(input: Uint8Array, output: Float32Array, n: number): number {
    const k = 1 / 127.5;
    const sr = this.stepRe;
    const si = this.stepIm;
    let rr = this.rotRe;
    let ri = this.rotIm;
    for (let i = 0; i < n; i++) {
      const b = i << 1;
      const re = (input[b]! - 127.5) * k;
      const im = (input[b + 1]! - 127.5) * k;
      output[b] = re * rr - im * ri;
      output[b + 1] = re * ri + im * rr;
      const t = rr * sr - ri * si;
      ri = rr * si + ri * sr;
      rr = t;
    }
    // Renormalise once per block so rounding cannot grow the phasor's magnitude.
    const mag = Math.hypot(rr, ri);
    this.rotRe = rr / mag;
    this.rotIm = ri / mag;
    return n;
  }

  reset(): void {
    this.phase = 0;
    this.rotRe = 1;
    this.rotIm = 0;
  }
}
