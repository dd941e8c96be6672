/**
 * Decimating FIR filters that compute only the outputs they keep (polyphase in effect: each
 * output is one dot product at stride `factor`). History and the new block live in one
 * contiguous buffer so the hot loop never wraps an index.
 *
 * Linear-phase taps are folded (x[a+j] + x[a+N-1-j]) * h[j], halving the multiplies, and a
 * half-band filter (every other tap zero, which the planner produces for 2x stages) also skips
 * its zeros, so it costs about N/4 multiplies per output.
 */
import { withRoom } from './growable';

/** Tap structure found in a design: pairs (left index, coefficient) plus the centre tap. */
interface FoldedTaps {
  /** Coefficient of pair i; its samples are at window offsets stride*i and N-1-stride*i. */
  coefs: Float32Array;
  stride: 1 | 2;
  center: number;
}

const ZERO_TOL = 1e-7;

function fold(taps: Float32Array): FoldedTaps | null {
  const n = taps.length;
  if (n % 2 === 0) return null;
  const peak = taps.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let j = 0; j < n >> 1; j++) if (Math.abs(taps[j]! - taps[n - 1 - j]!) > ZERO_TOL * peak) return null;
  const mid = n >> 1;
  // Half-band: taps at even, non-zero distance from the centre vanish (and the outermost is odd).
  let halfband = n >= 7 && (mid & 1) === 1;
  for (let d = 2; halfband && d <= mid; d += 2) if (Math.abs(taps[mid - d]!) > ZERO_TOL * peak) halfband = false;
  const stride = halfband ? 2 : 1;
  const pairs: number[] = [];
  for (let j = 0; j < mid; j += stride) pairs.push(taps[j]!);
  return { coefs: Float32Array.from(pairs), stride, center: taps[mid]! };
}

abstract class DecimatorBase {
  readonly factor: number;
  readonly taps: Float32Array;
  /** Multiplies per output per rail, after folding and zero-skipping. */
  readonly multipliesPerOutput: number;
  protected readonly folded: FoldedTaps | null;
  /** Taps reversed, for the unfolded fallback (applied forward over time-ordered samples). */
  protected readonly reversed: Float32Array;
  protected buf: Float32Array;
  /** Values (not samples) currently held in buf. */
  protected held: number;
  /** Sample index in buf of the newest input sample of the next output. */
  protected next: number;
  private readonly width: number;

  constructor(taps: Float32Array, factor: number, width: 1 | 2) {
    if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`decimation factor must be a positive integer, got ${factor}`);
    if (taps.length === 0) throw new RangeError('a FIR filter needs at least one tap');
    this.taps = Float32Array.from(taps);
    this.reversed = Float32Array.from(taps).reverse();
    this.folded = fold(this.taps);
    this.multipliesPerOutput = this.folded ? this.folded.coefs.length + 1 : taps.length;
    this.factor = factor;
    this.width = width;
    this.buf = new Float32Array((taps.length + 4096) * width);
    this.held = (taps.length - 1) * width;
    this.next = taps.length - 1;
  }

  /** Output samples a block of `inputSamples` can produce at most. */
  maxOutput(inputSamples: number): number {
    return Math.ceil(inputSamples / this.factor) + 1;
  }

  protected append(input: Float32Array): number {
    const need = this.held + input.length;
    this.buf = withRoom(this.buf, this.held, need);
    this.buf.set(input, this.held);
    this.held = need;
    return need / this.width;
  }

  /** Drops what no future output needs, keeping the last taps-1 samples before `next`. */
  protected compact(next: number): void {
    const w = this.width;
    // With more stride than taps the next output may start beyond what is held.
    const keepFrom = Math.min(next - (this.taps.length - 1), this.held / w);
    this.buf.copyWithin(0, keepFrom * w, this.held);
    this.held -= keepFrom * w;
    this.next = next - keepFrom;
  }

  reset(): void {
    this.buf.fill(0);
    this.held = (this.taps.length - 1) * this.width;
    this.next = this.taps.length - 1;
  }
}

/** Complex (interleaved re,im) input, real taps. */
export class ComplexFirDecimator extends DecimatorBase {
  constructor(taps: Float32Array, factor: number) {
    super(taps, factor, 2);
  }

  /** `input` interleaved re,im; returns the complex samples written to `output`. */
  process(input: Float32Array, output: Float32Array): number {
    const total = this.append(input);
    const buf = this.buf;
    const nt = this.taps.length;
    const d = this.factor;
    let pos = this.next;
    let o = 0;
    const f = this.folded;
    if (f && f.stride === 2 && f.coefs.length <= 4) {
      pos = this.halfbandShort(buf, total, pos, output);
      o = ((pos - this.next) / d) * 2;
    } else if (f) {
      const c = f.coefs;
      const np = c.length;
      const center = f.center;
      // Offsets in floats: pair i reads window[s*i] and window[N-1-s*i]; interleaved, so x2.
      const step = 2 * f.stride;
      const span = 2 * (nt - 1);
      const mid = nt - 1; // float offset of the centre sample (2 * (nt-1)/2)
      for (; pos < total; pos += d) {
        const w = (pos - nt + 1) << 1;
        let accRe = center * buf[w + mid]!;
        let accIm = center * buf[w + mid + 1]!;
        let l = w;
        let r = w + span;
        for (let i = 0; i < np; i++, l += step, r -= step) {
          const k = c[i]!;
          accRe += k * (buf[l]! + buf[r]!);
          accIm += k * (buf[l + 1]! + buf[r + 1]!);
        }
        output[o++] = accRe;
        output[o++] = accIm;
      }
    } else {
      const h = this.reversed;
      for (; pos < total; pos += d) {
        let accRe = 0;
        let accIm = 0;
        let b = (pos - nt + 1) << 1;
        for (let j = 0; j < nt; j++, b += 2) {
          const k = h[j]!;
          accRe += k * buf[b]!;
          accIm += k * buf[b + 1]!;
        }
        output[o++] = accRe;
        output[o++] = accIm;
      }
    }
    this.compact(pos);
    return o >> 1;
  }

  /**
   * Short half-bands (7..19 taps) unrolled: at 2 Msps the loop bookkeeping of the generic
   * kernel costs as much as the arithmetic, and these are the stages that run at full rate.
   */
  private halfbandShort(buf: Float32Array, total: number, start: number, output: Float32Array): number {
    const f = this.folded!;
    const nt = this.taps.length;
    const cc = f.center;
    const c0 = f.coefs[0]!;
    const c1 = f.coefs[1] ?? 0;
    const c2 = f.coefs[2] ?? 0;
    const c3 = f.coefs[3] ?? 0;
    const np = f.coefs.length;
    const s = 2 * (nt - 1); // float span of the window
    const m = nt - 1; // float offset of the centre
    let o = 0;
    let pos = start;
    // Pair i sits at floats 4i and s-4i of the window (stride 2 samples, interleaved x2).
    if (np === 2) {
      for (; pos < total; pos += 2) {
        const w = (pos - nt + 1) << 1;
        output[o++] = cc * buf[w + m]! + c0 * (buf[w]! + buf[w + s]!) + c1 * (buf[w + 4]! + buf[w + s - 4]!);
        output[o++] = cc * buf[w + m + 1]! + c0 * (buf[w + 1]! + buf[w + s + 1]!) + c1 * (buf[w + 5]! + buf[w + s - 3]!);
      }
    } else if (np === 3) {
      for (; pos < total; pos += 2) {
        const w = (pos - nt + 1) << 1;
        output[o++] = cc * buf[w + m]! + c0 * (buf[w]! + buf[w + s]!) + c1 * (buf[w + 4]! + buf[w + s - 4]!) + c2 * (buf[w + 8]! + buf[w + s - 8]!);
        output[o++] =
          cc * buf[w + m + 1]! + c0 * (buf[w + 1]! + buf[w + s + 1]!) + c1 * (buf[w + 5]! + buf[w + s - 3]!) + c2 * (buf[w + 9]! + buf[w + s - 7]!);
      }
    } else if (np === 4) {
      for (; pos < total; pos += 2) {
        const w = (pos - nt + 1) << 1;
        output[o++] =
          cc * buf[w + m]! +
          c0 * (buf[w]! + buf[w + s]!) +
          c1 * (buf[w + 4]! + buf[w + s - 4]!) +
          c2 * (buf[w + 8]! + buf[w + s - 8]!) +
          c3 * (buf[w + 12]! + buf[w + s - 12]!);
        output[o++] =
          cc * buf[w + m + 1]! +
          c0 * (buf[w + 1]! + buf[w + s + 1]!) +
          c1 * (buf[w + 5]! + buf[w + s - 3]!) +
          c2 * (buf[w + 9]! + buf[w + s - 7]!) +
          c3 * (buf[w + 13]! + buf[w + s - 11]!);
      }
    } else {
      for (; pos < total; pos += 2) {
        const w = (pos - nt + 1) << 1;
        output[o++] = cc * buf[w + m]! + c0 * (buf[w]! + buf[w + s]!);
        output[o++] = cc * buf[w + m + 1]! + c0 * (buf[w + 1]! + buf[w + s + 1]!);
      }
    }
    return pos;
  }
}

/** Real input, real taps. */
export class RealFirDecimator extends DecimatorBase {
  constructor(taps: Float32Array, factor: number) {
    super(taps, factor, 1);
  }

  process(input: Float32Array, output: Float32Array): number {
    const total = this.append(input);
    const buf = this.buf;
    const nt = this.taps.length;
    const d = this.factor;
    let pos = this.next;
    let o = 0;
    const f = this.folded;
    if (f) {
      const c = f.coefs;
      const np = c.length;
      const center = f.center;
      const step = f.stride;
      const mid = (nt - 1) >> 1;
      for (; pos < total; pos += d) {
        const w = pos - nt + 1;
        let acc = center * buf[w + mid]!;
        let l = w;
        let r = w + nt - 1;
        for (let i = 0; i < np; i++, l += step, r -= step) acc += c[i]! * (buf[l]! + buf[r]!);
        output[o++] = acc;
      }
    } else {
      const h = this.reversed;
      for (; pos < total; pos += d) {
        let acc = 0;
        let b = pos - nt + 1;
        for (let j = 0; j < nt; j++) acc += h[j]! * buf[b++]!;
        output[o++] = acc;
      }
    }
    this.compact(pos);
    return o;
  }
}
