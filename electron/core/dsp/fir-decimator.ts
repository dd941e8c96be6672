/**
 * Decimating FIR filters that compute only the outputs they keep (polyphase in effect: each
 * output is one dot product at stride `factor`). History and the new block live in one
 * contiguous buffer so the hot loop never wraps an index.
 */

abstract class DecimatorBase {
  readonly factor: number;
  readonly taps: Float32Array;
  protected buf: Float32Array;
  /** Values (not samples) currently held in buf. */
  protected held: number;
  /** Sample index in buf of the newest input sample of the next output. */
  protected next: number;
  private readonly width: number;

  constructor(taps: Float32Array, factor: number, width: 1 | 2) {
    if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`decimation factor must be a positive integer, got ${factor}`);
    // Taps are applied forward over time-ordered samples, so store them reversed.
    this.taps = Float32Array.from(taps).reverse();
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
    if (need > this.buf.length) {
      const grown = new Float32Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.held));
      this.buf = grown;
    }
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
    const h = this.taps;
    const nt = h.length;
    const d = this.factor;
    let pos = this.next;
    let o = 0;
    for (; pos < total; pos += d) {
      let accRe = 0;
      let accIm = 0;
      let b = (pos - nt + 1) << 1;
      for (let j = 0; j < nt; j++, b += 2) {
        const c = h[j]!;
        accRe += c * buf[b]!;
        accIm += c * buf[b + 1]!;
      }
      output[o++] = accRe;
      output[o++] = accIm;
    }
    this.compact(pos);
    return o >> 1;
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
    const h = this.taps;
    const nt = h.length;
    const d = this.factor;
    let pos = this.next;
    let o = 0;
    for (; pos < total; pos += d) {
      let acc = 0;
      let b = pos - nt + 1;
      for (let j = 0; j < nt; j++) acc += h[j]! * buf[b++]!;
      output[o++] = acc;
    }
    this.compact(pos);
    return o;
  }
}
