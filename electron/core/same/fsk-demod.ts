/**
 * Stage 2: non-coherent FSK demodulation. Two sliding correlators, one bit long, at the mark and
 * space frequencies (as they alias at the stage-1 rate): each is a mixer followed by a running
 * sum, O(1) per sample. The output is the normalised decision d = (|M|^2 - |S|^2) / (|M|^2 + |S|^2)
 * in [-1, 1]: +1 mark, -1 space, independent of level, so no AGC loop is needed in front of it.
 * FM pre-/de-emphasis tilts the two tones by only ~1-2.5 dB (they are a fourth apart), which
 * moves the decision threshold little; the channel tests show no equaliser is needed.
 */
import { MARK_HZ, SAME_BAUD, SPACE_HZ } from './constants';

export interface FskDemodState {
  readonly rate: number;
  readonly window: number;
  /** Oscillators (cos, sin) and their per-sample rotation. */
  mc: number; ms: number; readonly mdc: number; readonly mds: number;
  sc: number; ss: number; readonly sdc: number; readonly sds: number;
  /** Ring of the last `window` mixer outputs: [mRe, mIm, sRe, sIm] per slot. */
  readonly ring: Float64Array;
  pos: number;
  mRe: number; mIm: number; sRe: number; sIm: number;
}

/** A frequency as it appears after sampling at `rate` (folded into [-rate/2, rate/2)). */
export function aliasHz(f: number, rate: number): number {
  return f - rate * Math.round(f / rate);
}

export function createFskDemod(rate: number): FskDemodState {
  const window = Math.max(2, Math.round(rate / SAME_BAUD));
  const wm = (2 * Math.PI * aliasHz(MARK_HZ, rate)) / rate;
  const ws = (2 * Math.PI * aliasHz(SPACE_HZ, rate)) / rate;
  return {
    rate,
    window,
    mc: 1, ms: 0, mdc: Math.cos(wm), mds: Math.sin(wm),
    sc: 1, ss: 0, sdc: Math.cos(ws), sds: Math.sin(ws),
    ring: new Float64Array(4 * window),
    pos: 0,
    mRe: 0, mIm: 0, sRe: 0, sIm: 0,
  };
}

/**
 * d[i] for each complex input sample; with `energy`, also |M|^2 + |S|^2 (both correlators' power,
 * which shows where a burst's carrier ends).
 */
export function fskDemod(st: FskDemodState, re: Float32Array, im: Float32Array, count: number, d: Float32Array, energy?: Float32Array): void {
  let mc = st.mc, ms = st.ms, sc = st.sc, ss = st.ss;
  const mdc = st.mdc, mds = st.mds, sdc = st.sdc, sds = st.sds;
  let mRe = st.mRe, mIm = st.mIm, sRe = st.sRe, sIm = st.sIm;
  const ring = st.ring;
  const slots = 4 * st.window;
  let pos = st.pos;
  for (let i = 0; i < count; i++) {
    const xr = re[i];
    const xi = im[i];
    // x · conj(osc): brings each tone to 0 Hz so the running sum integrates it over one bit.
    const amr = xr * mc + xi * ms;
    const ami = xi * mc - xr * ms;
    const asr = xr * sc + xi * ss;
    const asi = xi * sc - xr * ss;
    mRe += amr - ring[pos];
    mIm += ami - ring[pos + 1];
    sRe += asr - ring[pos + 2];
    sIm += asi - ring[pos + 3];
    ring[pos] = amr;
    ring[pos + 1] = ami;
    ring[pos + 2] = asr;
    ring[pos + 3] = asi;
    pos += 4;
    if (pos === slots) pos = 0;
    let t = mc * mdc - ms * mds;
    ms = mc * mds + ms * mdc;
    mc = t;
    t = sc * sdc - ss * sds;
    ss = sc * sds + ss * sdc;
    sc = t;
    const m = mRe * mRe + mIm * mIm;
    const s = sRe * sRe + sIm * sIm;
    const tot = m + s;
    d[i] = tot > 1e-30 ? (m - s) / tot : 0;
    if (energy) energy[i] = tot;
  }
  // Renormalise the oscillators once per block so rounding never grows their amplitude.
  const nm = 1 / Math.sqrt(mc * mc + ms * ms);
  const ns = 1 / Math.sqrt(sc * sc + ss * ss);
  st.mc = mc * nm; st.ms = ms * nm; st.sc = sc * ns; st.ss = ss * ns;
  if (!Number.isFinite(mRe + mIm + sRe + sIm)) {
    // NaN/Infinity in the input would stay in the running sums forever: start them afresh.
    ring.fill(0);
    mRe = mIm = sRe = sIm = 0;
  }
  st.mRe = mRe; st.mIm = mIm; st.sRe = sRe; st.sIm = sIm;
  st.pos = pos;
}
