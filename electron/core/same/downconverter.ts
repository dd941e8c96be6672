/**
 * Stage 1: complex band-pass + decimation. One FIR with complex taps h[k]·e^{jωc k} (a low-pass
 * prototype shifted to the SAME band centre) is evaluated only at every D-th input sample, so the
 * cost is 2L/D multiply-adds per input sample whatever the input rate. The output is the analytic
 * signal of the 1.8 kHz band at fs/D (about 4-8 kHz); it is not shifted to 0 Hz because the later
 * correlators only need each tone's frequency modulo fs/D, which saves a rotation per sample.
 * Also returns the input energy per output sample (the attention detector's purity reference).
 */
import { MARK_HZ, SPACE_HZ } from './constants';

/** Centre of the band the filter keeps: midway between the FSK tones. */
export const BAND_CENTRE_HZ = (MARK_HZ + SPACE_HZ) / 2;
/** Half-width kept flat: FSK main lobes with +/-50 Hz offset (the attention tones at up to -970 Hz sit on the edge; their gain is known and undone). */
const PASS_HALF_HZ = 900;
const STOP_DB = 40;
/** Input samples handled per inner call; bounds the scratch buffers. */
export const DOWNCONVERTER_CHUNK = 4096;

export interface DownconverterState {
  readonly inputRate: number;
  readonly decimation: number;
  readonly outputRate: number;
  /** Odd tap count. */
  readonly taps: number;
  /**
   * The complex taps are conjugate-symmetric (g[L-1-k] = conj(g[k])), so each pair of input
   * samples shares one coefficient: re += cr[k]·(x[k] + x[L-1-k]), im += ci[k]·(x[L-1-k] - x[k]).
   * Halves the multiplies. cr/ci hold k = 0 .. (L-3)/2; the centre tap is real (centre).
   */
  readonly cr: Float64Array;
  readonly ci: Float64Array;
  readonly centre: number;
  /** Prototype low-pass taps (for the frequency response). */
  readonly proto: Float64Array;
  /** History (taps-1 samples) followed by the current chunk. */
  readonly buf: Float32Array;
  /** Offset within the next chunk of the next output sample. */
  next: number;
  /** Input-sample delay of the filter's centre behind the newest sample. */
  readonly groupDelay: number;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Decimation that lands the output rate in [4000, 8000) Hz (or D = 1 below 8 kHz). */
export function chooseDecimation(inputRate: number): number {
  return Math.max(1, Math.floor(inputRate / 4000));
}

export function createDownconverter(inputRate: number): DownconverterState {
  const d = chooseDecimation(inputRate);
  const outRate = inputRate / d;
  const stopHz = Math.max(outRate - PASS_HALF_HZ, PASS_HALF_HZ + 400);
  const transition = stopHz - PASS_HALF_HZ;
  const beta = 0.5842 * Math.pow(STOP_DB - 21, 0.4) + 0.07886 * (STOP_DB - 21);
  let taps = Math.ceil((STOP_DB - 8) / (2.285 * ((2 * Math.PI * transition) / inputRate))) + 1;
  if (taps < 5) taps = 5;
  if (taps <= d) taps = d + 1;
  if ((taps & 1) === 0) taps++;
  const cutoff = (PASS_HALF_HZ + stopHz) / 2 / inputRate;
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  let sum = 0;
  for (let k = 0; k < taps; k++) {
    const t = k - mid;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const r = mid > 0 ? t / mid : 0;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / besselI0(beta);
    h[k] = sinc * w;
    sum += h[k];
  }
  const wc = (2 * Math.PI * BAND_CENTRE_HZ) / inputRate;
  const half = (taps - 1) / 2;
  const cr = new Float64Array(half);
  const ci = new Float64Array(half);
  const proto = new Float64Array(taps);
  for (let k = 0; k < taps; k++) proto[k] = h[k] / sum;
  for (let k = 0; k < half; k++) {
    // y[m] = sum_j conj(g[j]) x[m - (L-1) + j], g[j] = h[j]·e^{jωc(j - mid)}.
    cr[k] = proto[k] * Math.cos(wc * (k - mid));
    ci[k] = proto[k] * Math.sin(wc * (k - mid));
  }
  return {
    inputRate,
    decimation: d,
    outputRate: outRate,
    taps,
    cr,
    ci,
    centre: proto[half],
    proto,
    buf: new Float32Array(taps - 1 + DOWNCONVERTER_CHUNK),
    next: d - 1,
    groupDelay: mid,
  };
}

/**
 * Filters input[from, from+count) (count <= DOWNCONVERTER_CHUNK). Writes outputs to re/im/energy
 * starting at index 0 and returns how many. energy[j] = sum of x^2 over the D inputs ending at
 * output j's newest sample.
 */
export function downconvert(st: DownconverterState, input: Float32Array, from: number, count: number, re: Float32Array, im: Float32Array, energy: Float32Array): number {
  const buf = st.buf;
  const hist = st.taps - 1;
  buf.set(count === input.length && from === 0 ? input : input.subarray(from, from + count), hist);
  const cr = st.cr;
  const ci = st.ci;
  const centre = st.centre;
  const half = cr.length;
  const last = st.taps - 1;
  const d = st.decimation;
  let out = 0;
  let p = st.next;
  for (; p < count; p += d) {
    // Newest sample at buf[hist + p]; the window is buf[p .. p + taps - 1].
    let accR = centre * buf[p + half];
    let accI = 0;
    for (let k = 0; k < half; k++) {
      const u = buf[p + k];
      const w = buf[p + last - k];
      accR += cr[k] * (u + w);
      accI += ci[k] * (w - u);
    }
    let e = 0;
    for (let b = hist + p - d + 1; b <= hist + p; b++) {
      const x = buf[b];
      e += x * x;
    }
    re[out] = accR;
    im[out] = accI;
    energy[out] = e;
    out++;
  }
  st.next = p - count;
  buf.copyWithin(0, count, count + hist);
  return out;
}

/** Power gain of the stage-1 filter for a real input tone at `hz` (1 in the passband). */
export function downconverterPowerGain(st: DownconverterState, hz: number): number {
  // The complex filter is the prototype shifted to the band centre.
  const w = (2 * Math.PI * (hz - BAND_CENTRE_HZ)) / st.inputRate;
  let re = 0;
  let im = 0;
  for (let k = 0; k < st.taps; k++) {
    re += st.proto[k] * Math.cos(w * k);
    im -= st.proto[k] * Math.sin(w * k);
  }
  return re * re + im * im;
}
