/**
 * Between sync and the combiner: each header sync opens a capture that waits until the burst has
 * been heard whole (the carrier's energy falls, the longest header has passed, or the next sync
 * comes), then has burst-demod.ts demodulate it from the rings and hands the result on.
 *
 * EOM syncs are checked the same way. 'NNNN' and 'ZCZC' are only 10 bits apart, so deep in the
 * noise a header's sync can read as an EOM's; an EOM's carrier stops right after its four
 * characters, a header's goes on. An EOM whose carrier stops is reported at once; one whose
 * carrier goes on (a header, or programme audio right after the EOM) is decided on its first five
 * characters demodulated: "ZCZC-" makes it a header capture, anything else an EOM.
 */
import { type BasebandRing, type BitRing } from './baseband-ring';
import { demodulateBurst, type BurstDemodState, type DemodulatedBurst } from './burst-demod';
import type { Burst } from './framer';
import { MAX_HEADER_CHARS } from './constants';

/** Bits of payload a header capture keeps at most (the longest header and some margin). */
export const MAX_CAPTURE_BITS = (MAX_HEADER_CHARS + 8) * 8;
/** Bits of energy averaged to tell that the carrier has stopped. */
const END_SPAN = 24;
/**
 * Carrier gone: mean energy over END_SPAN bits below this share of the sync's. Noise alone gives
 * 0.34 of it at -7.5 dB SNR, 0.43 at -9 dB; a carrier gives 1.
 */
const END_RATIO = 0.6;
/** An EOM whose carrier holds this share of the sync's energy after 'NNNN' goes on to a second look. */
const EOM_CONTINUES = 0.6;
/** Bits after the first character an EOM check demodulates ("NNNN" or "ZCZC-" and a margin). */
const EOM_CHECK_BITS = 80;
/** Bits before the first character (in the sync window) whose energy is the carrier reference. */
const REF_BEFORE = 64;
const REF_AFTER = 32;

export interface Capture {
  kind: 'header' | 'eom-check';
  /** Framer bit index of the first character's first bit. */
  firstChar: number;
  /** Input sample where the burst's preamble starts (the framer's). */
  startSample: number;
  /** Mean bit energy over the sync window; -1 until it is all in. */
  ref: number;
  /** The framer's own reading of the burst, once it has one. */
  hard: Burst | null;
}

export interface CaptureHandlers {
  /** A header burst demodulated whole (or null if the rings no longer hold it: use `hard`). */
  header(c: Capture, demod: DemodulatedBurst | null, endBit: number): void;
  /** An EOM burst confirmed. */
  eom(c: Capture): void;
}

export interface CaptureState {
  readonly open: Capture[];
  readonly bits: BitRing;
  readonly baseband: BasebandRing;
  readonly demod: BurstDemodState;
}

export function createCaptures(bits: BitRing, baseband: BasebandRing, demod: BurstDemodState): CaptureState {
  return { open: [], bits, baseband, demod };
}

function meanEnergy(bits: BitRing, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += bits.energy[k & bits.mask];
  return s / Math.max(1, to - from);
}

function finish(st: CaptureState, c: Capture, endBit: number, h: CaptureHandlers): void {
  const i = st.open.indexOf(c);
  if (i >= 0) st.open.splice(i, 1);
  if (c.kind === 'eom-check') {
    h.eom(c);
    return;
  }
  h.header(c, demodulateBurst(st.demod, st.baseband, st.bits, c.firstChar, endBit), endBit);
}

/** Score of `text` on the first characters of a demodulated burst (log 2σ(±L) per bit). */
function textScore(d: DemodulatedBurst, text: string): number {
  let s = 0;
  for (let i = 0; i < text.length * 8 && i < d.llr.length; i++) {
    const bit = (text.charCodeAt(i >> 3) >> (i & 7)) & 1;
    const x = bit ? d.llr[i] : -d.llr[i];
    s += x > 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }
  return s;
}

/** A sync: earlier captures end where this burst's sync window begins. */
export function captureSync(st: CaptureState, kind: 'header' | 'eom', firstChar: number, startSample: number, h: CaptureHandlers): void {
  const windowStart = firstChar - 96;
  for (const c of [...st.open]) finish(st, c, Math.max(c.firstChar + 8, windowStart), h);
  st.open.push({ kind: kind === 'header' ? 'header' : 'eom-check', firstChar, startSample, ref: -1, hard: null });
}

/** The framer's hard reading of a burst, kept for the fallback. */
export function captureHard(st: CaptureState, b: Burst): void {
  for (const c of st.open) if (c.startSample === b.startSample) c.hard = b;
}

/** After each bit: closes captures whose burst is over. */
export function captureBit(st: CaptureState, h: CaptureHandlers): void {
  if (st.open.length === 0) return;
  const bits = st.bits;
  const count = bits.count;
  for (const c of [...st.open]) {
    const n = count - c.firstChar;
    if (c.ref < 0) {
      if (n < REF_AFTER) continue;
      c.ref = meanEnergy(bits, c.firstChar - REF_BEFORE, c.firstChar + REF_AFTER);
    }
    if (c.kind === 'eom-check') {
      if (n === REF_AFTER + END_SPAN) {
        const after = meanEnergy(bits, c.firstChar + REF_AFTER, c.firstChar + REF_AFTER + END_SPAN);
        if (after < EOM_CONTINUES * c.ref) finish(st, c, count, h);
      } else if (n >= EOM_CHECK_BITS) {
        const d = demodulateBurst(st.demod, st.baseband, bits, c.firstChar, count);
        if (d && textScore(d, 'ZCZC') > textScore(d, 'NNNN') + 4) c.kind = 'header';
        else finish(st, c, count, h);
      }
      continue;
    }
    if (n >= MAX_CAPTURE_BITS) finish(st, c, count, h);
    else if (n >= 40 + END_SPAN && meanEnergy(bits, count - END_SPAN, count) < END_RATIO * c.ref) finish(st, c, count, h);
  }
}

/** End of input: every open capture is decided on what has been heard. */
export function captureFlush(st: CaptureState, h: CaptureHandlers): void {
  for (const c of [...st.open]) finish(st, c, st.bits.count, h);
}
