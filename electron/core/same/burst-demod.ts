/**
 * Second look at a header burst once it has been heard whole: soft bits good enough to combine.
 *
 * The online chain (sliding correlators, timing loop) decides each bit non-coherently as it comes;
 * that is what finds sync. Afterwards, with the burst's stage-1 samples and the loop's strobes in
 * hand, this module:
 *  1. fits the sender's bit clock as a line through the strobes (bit-clock.ts);
 *  2. correlates each bit with both tones over exactly its own span (fractional edges), with the
 *     tones' phase referred to the bit's start;
 *  3. checks the byte alignment against the known preamble + "ZCZC-" (a sync one byte off at low
 *     SNR would misalign this burst against the others);
 *  4. estimates signal and noise from those known bits, and where the carrier ends (per byte: is
 *     there a tone, or only noise?);
 *  5. decides each bit coherently. SAME is continuous-phase FSK with the tones at exactly 4 and 3
 *     cycles per bit, so the signal's phase at every bit boundary is the same whichever bit was
 *     sent: a phase reference taken from the neighbouring bits (forward and backward, both tones
 *     tracked separately, advanced by the known per-bit phase excess for the measured bit rate and
 *     tone offset) turns non-coherent detection (BER 7.6 % at -7.5 dB) into nearly coherent (2.7 %);
 *  6. scales the log-likelihood ratios so they are calibrated (a symmetric two-Gaussian fit: a true
 *     LLR has variance twice its mean), which the combiner's confidence rests on.
 * Allocation happens once per receiver (scratch sized for the longest burst).
 */
import { createBitClockScratch, fitBitClock, type BitClockScratch } from './bit-clock';
import { basebandOldest, type BasebandRing, type BitRing } from './baseband-ring';
import { logBesselI0, MAX_BIT_LLR } from './confidence';
import { MARK_HZ, PREAMBLE_BYTE, SAME_BAUD, SPACE_HZ } from './constants';

/** Known bits before the first character used for estimates and the alignment check. */
export const PRE_BITS = 64;
/** Alignment shifts tried, in bits either way. */
const MAX_SHIFT = 8;
/** Extra bits correlated before the known region, for the alignment search. */
const LEAD = PRE_BITS + MAX_SHIFT;
/** "ZCZC-": the first five characters of every header. */
const KNOWN_CHARS = [0x5a, 0x43, 0x5a, 0x43, 0x2d];
const KNOWN_BITS = PRE_BITS + 8 * KNOWN_CHARS.length;
/** Reference smoothing, bits (forward and backward exponential windows). */
const REFERENCE_TAU = 8;
/**
 * The reference sums a sweep carries: [ar, ai, br, bi] the weighted mark and space correlations
 * (real, imaginary), then [w1m, w2m, w1s, w2s] the sums of their weights and squared weights.
 */
const REF_SUMS = 8;
/** Decision passes after the non-coherent one. */
const COHERENT_PASSES = 2;
/**
 * Tone offset (radians of phase per bit; 0.03 is 2.5 Hz) above which the bits are correlated again
 * on the measured tones (and kept only if they come out clearer).
 */
export const RETUNE_DRIFT = 0.03;
/** Cap on one byte's carrier-presence log-likelihood ratio. */
const MAX_PRESENCE = 20;

export interface BurstDemodState {
  /** Stage-2 rate. */
  readonly rate: number;
  readonly nominal: number;
  /** Tone frequencies in radians per stage-2 sample (physical, not aliased). */
  readonly wm: number;
  readonly ws: number;
  readonly maxBits: number;
  readonly strobes: Float64Array;
  readonly energy: Float64Array;
  readonly clockScratch: BitClockScratch;
  readonly mr: Float64Array;
  readonly mi: Float64Array;
  readonly sr: Float64Array;
  readonly si: Float64Array;
  readonly pm: Float64Array;
  readonly psi: Float64Array;
  readonly dmr: Float64Array;
  readonly dmi: Float64Array;
  readonly dsr: Float64Array;
  readonly dsi: Float64Array;
  readonly fwd: Float64Array;
  /** The eight running reference sums of one sweep (see addToReference). */
  readonly ref: Float64Array;
  readonly llr: Float64Array;
  readonly next: Float64Array;
  /** The nominal-tone correlations (mr, mi, sr, si), kept while a retune is judged. */
  readonly saved: Float64Array;
  readonly savedPresence: Float32Array;
  readonly retuneDrift: number;
}

export interface BurstDemodOptions {
  /** Tone offset (radians per bit) above which a retune is tried; RETUNE_DRIFT unless set. */
  retuneDrift?: number;
}

export function createBurstDemod(rate: number, maxPayloadBits: number, opts: BurstDemodOptions = {}): BurstDemodState {
  const maxBits = maxPayloadBits + LEAD + MAX_SHIFT + 16;
  const f = (): Float64Array => new Float64Array(maxBits);
  return {
    rate,
    nominal: rate / SAME_BAUD,
    wm: (2 * Math.PI * MARK_HZ) / rate,
    ws: (2 * Math.PI * SPACE_HZ) / rate,
    maxBits,
    strobes: f(),
    energy: f(),
    clockScratch: createBitClockScratch(maxBits),
    mr: f(),
    mi: f(),
    sr: f(),
    si: f(),
    pm: f(),
    psi: f(),
    dmr: f(),
    dmi: f(),
    dsr: f(),
    dsi: f(),
    fwd: new Float64Array(REF_SUMS * maxBits),
    ref: new Float64Array(REF_SUMS),
    llr: f(),
    next: f(),
    saved: new Float64Array(4 * maxBits),
    savedPresence: new Float32Array(Math.ceil(maxBits / 8)),
    retuneDrift: opts.retuneDrift ?? RETUNE_DRIFT,
  };
}

export interface DemodulatedBurst {
  /** Calibrated LLR per bit from the first character on (positive: mark, 1), up to the carrier's end. */
  llr: Float32Array;
  /** Per byte, log-likelihood ratio that the carrier is on (capped at +/-20). */
  presence: Float32Array;
  /** Hard decisions of the same bytes. */
  bytes: Uint8Array;
  /** Eb/N0 estimated from the known bits (linear). */
  ebn0: number;
  /** Alignment correction applied (bits; 0 when the sync was exact). */
  shift: number;
  /** Tone offset the bits were correlated on (Hz; 0 when the nominal tones did as well). */
  toneOffsetHz: number;
}

function wrap(x: number): number {
  return x - 2 * Math.PI * Math.round(x / (2 * Math.PI));
}

function knownBit(q: number): number {
  // q: bit index relative to the first character (negative: preamble).
  if (q < 0) return (PREAMBLE_BYTE >> (((q % 8) + 8) % 8)) & 1;
  return (KNOWN_CHARS[q >> 3] >> (q & 7)) & 1;
}

/** log Gamma-density of x with the given mean and variance (moment-matched shape and scale). */
function logGammaPdf(x: number, mean: number, variance: number): number {
  const k = (mean * mean) / variance;
  const theta = variance / mean;
  return (k - 1) * Math.log(Math.max(x, 1e-300)) - x / theta - k * Math.log(theta) - logGamma(k);
}

function logGamma(z: number): number {
  // Stirling series; shapes here are >= 4, where it is exact to ~1e-6.
  if (z < 8) {
    let shift = 0;
    while (z < 8) {
      shift -= Math.log(z);
      z += 1;
    }
    return shift + logGamma(z);
  }
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z * z * z);
}

/**
 * Correlations of bits [0, n) whose starts are u0 + P·q (stage-2 samples) with both tones, each
 * bit over [u, u+P) (a sample stands for [m-0.5, m+0.5)), the tones' phase taken at u.
 */
function correlate(st: BurstDemodState, ring: BasebandRing, u0: number, P: number, n: number, wm: number, ws: number): void {
  const { re, im, mask } = ring;
  const lo = basebandOldest(ring);
  const hi = ring.written;
  const cwm = Math.cos(wm);
  const swm = Math.sin(wm);
  const cws = Math.cos(ws);
  const sws = Math.sin(ws);
  for (let q = 0; q < n; q++) {
    const u = u0 + P * q;
    const mA = Math.round(u);
    const mB = Math.round(u + P);
    // Phasors e^{-jω(m-u)} at m = mA, advanced by e^{-jω} per sample.
    let pmr = Math.cos(wm * (mA - u));
    let pmi = -Math.sin(wm * (mA - u));
    let psr = Math.cos(ws * (mA - u));
    let psi = -Math.sin(ws * (mA - u));
    let mr = 0;
    let mi = 0;
    let sr = 0;
    let si = 0;
    for (let m = mA; m <= mB; m++) {
      const w = Math.min(m + 0.5, u + P) - Math.max(m - 0.5, u);
      if (w > 0 && m >= lo && m < hi) {
        const x = re[m & mask] * w;
        const y = im[m & mask] * w;
        mr += x * pmr - y * pmi;
        mi += x * pmi + y * pmr;
        sr += x * psr - y * psi;
        si += x * psi + y * psr;
      }
      let t = pmr * cwm + pmi * swm;
      pmi = pmi * cwm - pmr * swm;
      pmr = t;
      t = psr * cws + psi * sws;
      psi = psi * cws - psr * sws;
      psr = t;
    }
    st.mr[q] = mr;
    st.mi[q] = mi;
    st.sr[q] = sr;
    st.si[q] = si;
  }
}

/**
 * Bit q into a sweep's reference sums (REF_SUMS): every sum decays by λ per bit (the squared
 * weights by λ²), then the bit adds its correlations weighted by the chance p that it is a mark
 * (1 - p that it is a space). The forward and the backward sweep share it.
 */
function addToReference(ref: Float64Array, lam: number, p: number, dmr: number, dmi: number, dsr: number, dsi: number): void {
  ref[0] = lam * ref[0] + p * dmr;
  ref[1] = lam * ref[1] + p * dmi;
  ref[2] = lam * ref[2] + (1 - p) * dsr;
  ref[3] = lam * ref[3] + (1 - p) * dsi;
  ref[4] = lam * ref[4] + p;
  ref[5] = lam * lam * ref[5] + p;
  ref[6] = lam * ref[6] + (1 - p);
  ref[7] = lam * lam * ref[7] + (1 - p);
}

/**
 * Demodulates the header burst whose first character starts at framer bit `firstChar`, using the
 * bits up to `endBit` (exclusive). Returns null if too little of it is still in the rings.
 */
export function demodulateBurst(st: BurstDemodState, ring: BasebandRing, bits: BitRing, firstChar: number, endBit: number): DemodulatedBurst | null {
  const b0 = firstChar - LEAD;
  const n = Math.min(endBit - b0, st.maxBits);
  if (b0 < 0 || b0 < bits.count - bits.strobe.length || n < LEAD + KNOWN_BITS) return null;
  for (let j = 0; j < n; j++) {
    st.strobes[j] = bits.strobe[(b0 + j) & bits.mask];
    st.energy[j] = bits.energy[(b0 + j) & bits.mask];
  }
  const anchor = LEAD;
  // The clock is fitted to the strobes of the burst only (after it, the loop follows whatever is
  // there): first as far as the loop's own energy says the carrier lasted, then, once this burst's
  // carrier has been measured properly, again if that was much shorter.
  const fitFrom = anchor - PRE_BITS + 16;
  let P = 0;
  let u0 = 0;
  let fitTo = 0;
  // Tone frequencies the bits are correlated with: nominal until the sender's offset is measured.
  let wm = st.wm;
  let ws = st.ws;
  const fit = (to: number): boolean => {
    fitTo = to;
    const clock = fitBitClock(st.strobes, fitFrom, to, anchor, st.nominal, st.clockScratch);
    P = clock.b;
    const W = Math.round(P);
    // The strobe sits where a W-sample window centred on the bit ends (see the receiver's bitOffset).
    u0 = clock.a - (P + W) / 2 + 0.5;
    if (u0 < basebandOldest(ring)) return false;
    correlate(st, ring, u0, P, n, wm, ws);
    return true;
  };
  const extent = onlineExtent(st.energy, anchor, n);
  if (!fit(extent)) return null;

  const { mr, mi, sr, si } = st;
  const m2 = (q: number): number => mr[q] * mr[q] + mi[q] * mi[q];
  const s2 = (q: number): number => sr[q] * sr[q] + si[q] * si[q];

  // 3. Alignment: the shift that best matches the known bits (non-coherent soft values).
  let shift = 0;
  let bestScore = -Infinity;
  for (let s = -MAX_SHIFT; s <= MAX_SHIFT; s++) {
    let score = 0;
    for (let q = -PRE_BITS; q < KNOWN_BITS - PRE_BITS; q++) {
      const k = anchor + q + s;
      const a = m2(k);
      const b = s2(k);
      const d = a + b > 0 ? (a - b) / (a + b) : 0;
      score += knownBit(q) ? d : -d;
    }
    if (score > bestScore) {
      bestScore = score;
      shift = s;
    }
  }
  const first = anchor + shift;

  // 4. Signal and noise from the known bits: 2σ² = mean power of the idle tone's correlator.
  let noise = 0;
  let a2 = 0;
  let rho = 0;
  const estimate = (): void => {
    let sig = 0;
    noise = 0;
    for (let q = -PRE_BITS; q < KNOWN_BITS - PRE_BITS; q++) {
      const k = first + q;
      if (knownBit(q)) {
        sig += m2(k);
        noise += s2(k);
      } else {
        sig += s2(k);
        noise += m2(k);
      }
    }
    noise = Math.max(noise / KNOWN_BITS, 1e-30);
    a2 = Math.max(sig / KNOWN_BITS - noise, noise * 1e-3);
    rho = a2 / noise; // a² / 2σ²: the per-bit SNR (Eb/N0)
  };
  estimate();

  // Carrier presence per byte: energy of 8 bits in units of 2σ² is Gamma-like with mean 16 when
  // only noise is there and 16 + 8ρ with the carrier.
  const avail = Math.floor((n - first) / 8);
  const presence = new Float32Array(avail);
  let horizon = avail;
  const measureExtent = (): void => {
    horizon = avail;
    let offRun = 0;
    for (let p = 0; p < avail; p++) {
      let e = 0;
      for (let k = 0; k < 8; k++) {
        const q = first + 8 * p + k;
        e += (m2(q) + s2(q)) / noise;
      }
      const on = logGammaPdf(e, 16 + 8 * rho, 16 + 16 * rho);
      const off = logGammaPdf(e, 16, 16);
      const llr = Math.max(-MAX_PRESENCE, Math.min(MAX_PRESENCE, on - off));
      presence[p] = llr;
      // The burst's extent: up to the third byte in a row without the carrier.
      if (p >= KNOWN_CHARS.length && horizon === avail) {
        offRun = llr < 0 ? offRun + 1 : 0;
        if (offRun >= 3) horizon = p + 1;
      }
    }
  };
  measureExtent();
  // The clock fitted over the carrier as measured, if that is much shorter than the loop thought.
  const clockSpan = (): number => (first + horizon * 8 + 48 < extent ? first + horizon * 8 + 16 : extent);
  if (clockSpan() !== fitTo && !fit(clockSpan())) return null;
  const from = first - PRE_BITS;
  let to = first + horizon * 8;

  // 5a. Non-coherent LLRs: ln I0(β|M|) - ln I0(β|S|), β = a/σ².
  const { llr, pm } = st;
  let beta = 0;
  const noncoherent = (): void => {
    beta = Math.sqrt(a2) / (noise / 2);
    for (let q = from; q < to; q++) llr[q] = logBesselI0(beta * Math.sqrt(m2(q))) - logBesselI0(beta * Math.sqrt(s2(q)));
  };
  noncoherent();

  // 5b. Phase excess per bit for each tone at this bit length, and the tone offset from the
  // phase step between neighbouring bits of the same tone.
  let exM = 0;
  let exS = 0;
  const measureDrift = (): number => {
    exM = wrap(wm * P);
    exS = wrap(ws * P);
    let dr = 0;
    let di = 0;
    for (let q = from; q + 1 < to; q++) {
      const t0 = llr[q] > 0;
      if (t0 !== llr[q + 1] > 0) continue;
      const xr = t0 ? mr[q] : sr[q];
      const xi = t0 ? mi[q] : si[q];
      const yr = t0 ? mr[q + 1] : sr[q + 1];
      const yi = t0 ? mi[q + 1] : si[q + 1];
      const ex = t0 ? exM : exS;
      const pr = yr * xr + yi * xi;
      const pi = yi * xr - yr * xi;
      const c = Math.cos(ex);
      const s = Math.sin(ex);
      dr += pr * c + pi * s;
      di += pi * c - pr * s;
    }
    return Math.atan2(di, dr);
  };
  let drift = measureDrift();
  // A sender off in tone frequency (the drift is that offset, in radians per bit) rotates each
  // bit's correlation within the bit and leaks one tone into the other's correlator: 50 Hz costs
  // about 0.3 dB. Correlating again with both tones moved by the measured offset wins it back. The
  // offset is measured on noisy bits, though, and a wrong one would detune a good burst: the
  // retune is kept only if the bits stand out more from the other tone than on the nominal tones.
  // (The known bits alone are too few to judge by: their Eb/N0 estimate rejected one real 50 Hz
  // offset in 24 at -5.5 dB, this contrast over the whole burst none.)
  let toneOffsetHz = 0;
  // Energy of the tone each bit was decided on over the other's, across the burst.
  const contrast = (): number => {
    let on = 0;
    let off = 0;
    for (let q = from; q < to; q++) {
      const a = m2(q);
      const b = s2(q);
      on += Math.max(a, b);
      off += Math.min(a, b);
    }
    return on / Math.max(off, 1e-300);
  };
  if (Math.abs(drift) > st.retuneDrift) {
    const { saved } = st;
    saved.set(mr.subarray(0, n), 0);
    saved.set(mi.subarray(0, n), n);
    saved.set(sr.subarray(0, n), 2 * n);
    saved.set(si.subarray(0, n), 3 * n);
    st.savedPresence.set(presence);
    const was = { P, u0, fitTo, noise, a2, rho, horizon, drift, exM, exS };
    const nominalQuality = contrast();
    wm += drift / P;
    ws += drift / P;
    correlate(st, ring, u0, P, n, wm, ws);
    let kept = contrast() > nominalQuality;
    if (kept) {
      // Signal, noise, the carrier's extent and the clock's span follow the new tones, as on the
      // nominal path.
      estimate();
      measureExtent();
      if (clockSpan() !== fitTo) kept = fit(clockSpan());
    }
    if (kept) {
      toneOffsetHz = ((wm - st.wm) * st.rate) / (2 * Math.PI);
      to = first + horizon * 8;
      noncoherent();
      drift = measureDrift();
    } else {
      mr.set(saved.subarray(0, n));
      mi.set(saved.subarray(n, 2 * n));
      sr.set(saved.subarray(2 * n, 3 * n));
      si.set(saved.subarray(3 * n, 4 * n));
      wm = st.wm;
      ws = st.ws;
      ({ P, u0, fitTo, noise, a2, rho, horizon, drift, exM, exS } = was);
      presence.set(st.savedPresence.subarray(0, avail));
      noncoherent();
    }
  }
  const nOut = horizon * 8;

  const lam = Math.exp(-1 / REFERENCE_TAU);
  const { psi, dmr, dmi, dsr, dsi, fwd, ref, next } = st;
  for (let pass = 0; pass < COHERENT_PASSES; pass++) {
    for (let q = from; q < to; q++) {
      const L = llr[q];
      pm[q] = L > 30 ? 1 : L < -30 ? 0 : 1 / (1 + Math.exp(-L));
    }
    // The signal's phase at each bit start, up to a constant: the excess of the (softly decided)
    // previous bits plus the offset drift.
    psi[from] = 0;
    for (let q = from + 1; q < to; q++) psi[q] = psi[q - 1] + pm[q - 1] * exM + (1 - pm[q - 1]) * exS + drift;
    for (let q = from; q < to; q++) {
      const c = Math.cos(psi[q]);
      const s = -Math.sin(psi[q]);
      dmr[q] = mr[q] * c - mi[q] * s;
      dmi[q] = mr[q] * s + mi[q] * c;
      dsr[q] = sr[q] * c - si[q] * s;
      dsi[q] = sr[q] * s + si[q] * c;
    }
    // Forward sums (before each bit), then a backward sweep combining them with the backward sums.
    ref.fill(0);
    for (let q = from; q < to; q++) {
      const o = REF_SUMS * q;
      for (let k = 0; k < REF_SUMS; k++) fwd[o + k] = ref[k];
      addToReference(ref, lam, pm[q], dmr[q], dmi[q], dsr[q], dsi[q]);
    }
    ref.fill(0);
    for (let q = to - 1; q >= from; q--) {
      const o = REF_SUMS * q;
      const rmr = fwd[o] + ref[0];
      const rmi = fwd[o + 1] + ref[1];
      const rsr = fwd[o + 2] + ref[2];
      const rsi = fwd[o + 3] + ref[3];
      const W1m = fwd[o + 4] + ref[4];
      const W2m = fwd[o + 5] + ref[5];
      const W1s = fwd[o + 6] + ref[6];
      const W2s = fwd[o + 7] + ref[7];
      // A reference R = Σ w·y of bits carrying the tone has mean a·W1·e^{jφ} and noise variance
      // σ²·W2 per dimension: the phase posterior it gives, combined with this bit's own
      // correlation, is what the Bessel terms integrate over.
      const gm = W2m > 0 ? W1m / W2m : 0;
      const gs = W2s > 0 ? W1s / W2s : 0;
      const termM = logBesselI0(beta * Math.hypot(dmr[q] + gm * rmr, dmi[q] + gm * rmi)) - logBesselI0(beta * gm * Math.hypot(rmr, rmi));
      const termS = logBesselI0(beta * Math.hypot(dsr[q] + gs * rsr, dsi[q] + gs * rsi)) - logBesselI0(beta * gs * Math.hypot(rsr, rsi));
      addToReference(ref, lam, pm[q], dmr[q], dmi[q], dsr[q], dsi[q]);
      next[q] = termM - termS;
    }
    for (let q = from; q < to; q++) llr[q] = next[q];
  }

  // 6. Calibration over the burst's bits.
  const scale = calibrationScale(llr, first, to);
  const out = new Float32Array(nOut);
  const bytes = new Uint8Array(horizon);
  for (let i = 0; i < nOut; i++) {
    let v = llr[first + i] * scale;
    if (v > MAX_BIT_LLR) v = MAX_BIT_LLR;
    else if (v < -MAX_BIT_LLR) v = -MAX_BIT_LLR;
    out[i] = v;
    if (v > 0) bytes[i >> 3] |= 1 << (i & 7);
  }
  return { llr: out, presence: presence.subarray(0, horizon), bytes, ebn0: rho, shift, toneOffsetHz };
}

/**
 * Where the loop's correlator energy (energy[j], bit j) says the carrier ended: the first point
 * after the sync where the mean over 24 bits falls below 0.6 of the sync window's (as the capture
 * decides it), or n.
 */
function onlineExtent(energy: Float64Array, anchor: number, n: number): number {
  let ref = 0;
  for (let j = anchor - PRE_BITS; j < anchor + 32; j++) ref += energy[j];
  ref /= PRE_BITS + 32;
  const span = 24;
  let run = 0;
  for (let j = anchor + 32; j < n; j++) {
    run += energy[j];
    if (j - span >= anchor + 32) run -= energy[j - span];
    if (j - anchor >= 64 && run < 0.6 * ref * span) return j - span + 8;
  }
  return n;
}

/**
 * Factor that makes LLRs calibrated under a symmetric two-Gaussian model (components at +/-m with
 * variance v; a calibrated LLR has v = 2m), fitted by EM. Never raises confidence much.
 */
export function calibrationScale(llr: Float64Array, from: number, to: number): number {
  const n = to - from;
  if (n < 16) return 1;
  let m = 0;
  for (let q = from; q < to; q++) m += Math.abs(llr[q]);
  m /= n;
  let v = 0;
  for (let q = from; q < to; q++) v += (Math.abs(llr[q]) - m) ** 2;
  v = Math.max(v / n, 1e-6);
  for (let it = 0; it < 8; it++) {
    let sm = 0;
    for (let q = from; q < to; q++) {
      const z = (2 * m * llr[q]) / v;
      const r = z > 30 ? 1 : z < -30 ? 0 : 1 / (1 + Math.exp(-z));
      sm += (2 * r - 1) * llr[q];
    }
    m = sm / n;
    let sv = 0;
    for (let q = from; q < to; q++) {
      const L = llr[q];
      const z = (2 * m * L) / v;
      const r = z > 30 ? 1 : z < -30 ? 0 : 1 / (1 + Math.exp(-z));
      sv += r * (L - m) ** 2 + (1 - r) * (L + m) ** 2;
    }
    v = Math.max(sv / n, 1e-6);
  }
  return Math.max(0.3, Math.min(1.1, (2 * m) / v));
}
