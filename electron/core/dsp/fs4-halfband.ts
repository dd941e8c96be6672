/**
 * The first stage of the default front end, fused: u8 IQ -> mix by ±rate/4 -> half-band
 * low-pass -> decimate by 2, reading the dongle's bytes directly.
 *
 * Why it is cheap: the rate/4 mixer is multiplication by (∓j)^n, and a half-band's non-centre
 * taps sit at odd distances k from the centre c. Pulling (∓j)^c out of the sum leaves
 *   inner = h0·z[c] + Σ_k h_k·s_k·(±j)·(z[c-k] - z[c+k]),  s_k = (-1)^((k-1)/2)
 * so the real output rail needs only the Q bytes of the odd samples and the imaginary rail only
 * the I bytes, as byte differences (the 127.5 offset cancels). The leftover (∓j)^c is a swap
 * and sign flip of the output. Exactly the same result as U8IqMixer + ComplexFirDecimator.
 */
import { withRoom } from './growable';

/** Writes (ir + j·ii) · (-j)^q at output[o]; returns the next write index. */
function rotate(output: Float32Array, o: number, ir: number, ii: number, q: number): number {
  if (q === 0) {
    output[o] = ir;
    output[o + 1] = ii;
  } else if (q === 1) {
    output[o] = ii;
    output[o + 1] = -ir;
  } else if (q === 2) {
    output[o] = -ir;
    output[o + 1] = -ii;
  } else {
    output[o] = -ii;
    output[o + 1] = ir;
  }
  return o + 2;
}

export class U8Fs4HalfbandDecimator {
  readonly factor = 2;
  readonly taps: Float32Array;
  /** +1: the channel is at +rate/4 (mix by (-j)^n); -1: at -rate/4. */
  readonly side: 1 | -1;
  private readonly pairCoefs: Float32Array;
  private readonly center: number;
  private buf: Uint8Array;
  /** Bytes held in buf. */
  private held: number;
  /** Sample index in buf of the newest sample of the next output. */
  private next: number;
  /** Absolute sample index (mod 4) of the centre of the next output. */
  private centerPhase: number;

  constructor(taps: Float32Array, side: 1 | -1) {
    const n = taps.length;
    const mid = (n - 1) >> 1;
    if (n < 7 || n % 4 !== 3) throw new RangeError(`a half-band for the fused front end needs 4K+3 taps, got ${n}`);
    for (let d = 2; d <= mid; d += 2) {
      if (Math.abs(taps[mid - d]!) > 1e-6 * Math.abs(taps[mid]!)) throw new RangeError('taps are not a half-band (non-zero tap at an even distance from the centre)');
    }
    this.taps = Float32Array.from(taps);
    this.side = side;
    const kappa = 1 / 127.5;
    const pairs: number[] = [];
    // Pair i: window samples 2i and N-1-2i, i.e. distance k = mid - 2i from the centre.
    for (let i = 0; 2 * i < mid; i++) {
      const k = mid - 2 * i;
      const s = ((k - 1) >> 1) % 2 === 0 ? 1 : -1;
      pairs.push(taps[2 * i]! * s * side * kappa);
    }
    this.pairCoefs = Float32Array.from(pairs);
    this.center = taps[mid]! * kappa;
    this.buf = new Uint8Array(2 * (n + 16384));
    // History starts as near-silence (127 is 0.5 LSB below the 127.5 midpoint; a short transient).
    this.buf.fill(127, 0, 2 * (n - 1));
    this.held = 2 * (n - 1);
    this.next = n - 1;
    // The first input sample is absolute index 0, so the first output's centre is at -mid.
    this.centerPhase = -mid & 3;
  }

  maxOutput(inputSamples: number): number {
    return Math.ceil(inputSamples / 2) + 1;
  }

  /** `input`: an even number of IQ bytes. Writes interleaved complex floats; returns samples written. */
  process(input: Uint8Array, output: Float32Array): number {
    const need = this.held + input.length;
    this.buf = withRoom(this.buf, this.held, need);
    const buf = this.buf;
    buf.set(input, this.held);
    this.held = need;
    const total = need >> 1;
    const nt = this.taps.length;
    const g = this.pairCoefs;
    const np = g.length;
    const h0 = this.center;
    const midBytes = nt - 1; // 2 * mid
    const spanBytes = 2 * (nt - 1);
    const rotNeg = this.side < 0;
    let q = this.centerPhase;
    let pos = this.next;
    let o = 0;
    if (np === 3 || np === 4) {
      // The common 11- and 15-tap cases unrolled, two outputs per pass: consecutive outputs'
      // rotations differ by exactly -1, so one (swap, sign) choice made here serves the loop.
      const g0 = g[0]!;
      const g1 = g[1]!;
      const g2 = g[2]!;
      const g3 = np === 4 ? g[3]! : 0;
      const qq = rotNeg ? (4 - q) & 3 : q;
      const swap = (qq & 1) === 1;
      const sg = qq === 0 || qq === 1 ? 1 : -1;
      for (; pos + 2 < total; pos += 4) {
        for (let half = 0; half < 2; half++) {
          const w = (pos + 2 * half - nt + 1) << 1;
          const r = w + spanBytes;
          let ir = h0 * (buf[w + midBytes]! - 127.5) - g0 * (buf[w + 1]! - buf[r + 1]!) - g1 * (buf[w + 5]! - buf[r - 3]!) - g2 * (buf[w + 9]! - buf[r - 7]!);
          let ii = h0 * (buf[w + midBytes + 1]! - 127.5) + g0 * (buf[w]! - buf[r]!) + g1 * (buf[w + 4]! - buf[r - 4]!) + g2 * (buf[w + 8]! - buf[r - 8]!);
          if (np === 4) {
            ir -= g3 * (buf[w + 13]! - buf[r - 11]!);
            ii += g3 * (buf[w + 12]! - buf[r - 12]!);
          }
          const s2 = half === 0 ? sg : -sg;
          if (swap) {
            output[o] = s2 * ii;
            output[o + 1] = -s2 * ir;
          } else {
            output[o] = s2 * ir;
            output[o + 1] = s2 * ii;
          }
          o += 2;
        }
      }
    }
    // Generic kernel; also finishes a block the paired loop left one output short of.
    for (; pos < total; pos += 2) {
      const w = (pos - nt + 1) << 1;
      let ir = h0 * (buf[w + midBytes]! - 127.5);
      let ii = h0 * (buf[w + midBytes + 1]! - 127.5);
      let l = w;
      let r = w + spanBytes;
      for (let i = 0; i < np; i++, l += 4, r -= 4) {
        const c = g[i]!;
        ir -= c * (buf[l + 1]! - buf[r + 1]!);
        ii += c * (buf[l]! - buf[r]!);
      }
      o = rotate(output, o, ir, ii, rotNeg ? (4 - q) & 3 : q);
      q = (q + 2) & 3;
    }
    this.centerPhase = q;
    const keepFrom = Math.min(pos - (nt - 1), total);
    buf.copyWithin(0, keepFrom << 1, this.held);
    this.held -= keepFrom << 1;
    this.next = pos - keepFrom;
    return o >> 1;
  }

  reset(): void {
    const n = this.taps.length;
    this.buf.fill(127, 0, 2 * (n - 1));
    this.held = 2 * (n - 1);
    this.next = n - 1;
    this.centerPhase = -((n - 1) >> 1) & 3;
  }
}
