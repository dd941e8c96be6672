/**
 * Attention-signal detector (1050 Hz NWR tone, 853 + 960 Hz EAS two-tone) on the stage-1 output.
 * Per 0.1 s block, single-bin DFTs at the three frequencies give each tone's power, compared
 * with the total input power of the block ("purity"): an attention signal is nearly all of the
 * audio, while speech and music spread their power over many partials. In deep noise the tone is
 * no longer most of the input's power (0.2 of it at -6 dB SNR and 22050 Hz, 0.1 at 48 kHz), but
 * it still is most of the power in stage 1's 2 kHz band (0.42 at -6 dB, whatever the rate), while
 * noise spreads over the band: that share is the second test, with the same frequency check.
 * The phase step of the bin between blocks measures the tone's frequency, so a musical note a few
 * hertz away (C6 is 1046.5 Hz) is not taken for 1050 Hz. Start is reported after >= 1 s of
 * consecutive tone blocks, end after two blocks without it.
 */
import { NWR_TONE_HZ, TWO_TONE_HIGH_HZ, TWO_TONE_LOW_HZ } from './constants';
import { aliasHz } from './fsk-demod';

export type AttentionKind = 'nwr' | 'two-tone';

export type AttentionEvent =
  | { type: 'attention'; phase: 'start'; sample: number; kind: AttentionKind }
  | { type: 'attention'; phase: 'end'; sample: number; kind: AttentionKind; durationS: number };

const BLOCK_S = 0.1;
const START_BLOCKS = 10; // 1 s
const END_MISSES = 2;
const NWR_PURITY = 0.4;
const TWO_TONE_EACH = 0.12;
const TWO_TONE_SUM = 0.4;
/** Shares of the stage-1 band's power (10th percentile at -6 dB: 0.39 for NWR, 0.10 for each of the two tones). */
const NWR_BAND_SHARE = 0.3;
const TWO_TONE_BAND_EACH = 0.07;
const TWO_TONE_BAND_SUM = 0.18;
/** Largest frequency error accepted, Hz (measured from the bin's phase step between blocks). */
const MAX_OFFSET_HZ = 3;

/**
 * Where detection stands: no tone, a run of tone blocks not yet long enough (its first block at
 * `start`, stage-1 index), or an attention signal reported as started whose end is awaited.
 */
export type AttentionDetection =
  | { readonly phase: 'idle' }
  | { readonly phase: 'candidate'; readonly kind: AttentionKind; readonly start: number; blocks: number }
  | { readonly phase: 'active'; readonly kind: AttentionKind; readonly start: number; lastToneEnd: number; misses: number };

const IDLE: AttentionDetection = Object.freeze({ phase: 'idle' });

export interface AttentionState {
  readonly rate: number;
  readonly inputRate: number;
  readonly decimation: number;
  readonly groupDelay: number;
  readonly block: number;
  /** Power gain of stage 1 at each tone (to undo its slight roll-off). */
  readonly gain: Float64Array;
  /**
   * e^{-jωn} for n in one block, per bin [nwr, low, high] (cos then sin, block entries each):
   * a table instead of running oscillators; continuity between blocks is restored by rotating
   * each block's sum by the phase at its start (blockPhase).
   */
  readonly table: Float64Array;
  /** Per bin: phase step of one block (radians) and the current block's start phase. */
  readonly blockStep: Float64Array;
  readonly blockPhase: Float64Array;
  /** Running sums of this block: re, im per bin, then input energy, then stage-1 (band) energy. */
  readonly acc: Float64Array;
  /** Previous block's bin values, for the frequency check. */
  readonly prevBin: Float64Array;
  filled: number;
  /** Stage-1 index of the next sample. */
  index: number;
  detection: AttentionDetection;
}

const FREQS = [NWR_TONE_HZ, TWO_TONE_LOW_HZ, TWO_TONE_HIGH_HZ];

export function createAttention(rate: number, inputRate: number, decimation: number, groupDelay: number, powerGainAt: (hz: number) => number): AttentionState {
  const block = Math.round(BLOCK_S * rate);
  const table = new Float64Array(6 * block);
  const blockStep = new Float64Array(3);
  const gain = new Float64Array(3);
  for (let k = 0; k < 3; k++) {
    const w = (2 * Math.PI * aliasHz(FREQS[k], rate)) / rate;
    for (let n = 0; n < block; n++) {
      table[2 * k * block + n] = Math.cos(w * n);
      table[(2 * k + 1) * block + n] = Math.sin(w * n);
    }
    blockStep[k] = (w * block) % (2 * Math.PI);
    gain[k] = powerGainAt(FREQS[k]);
  }
  return {
    rate,
    inputRate,
    decimation,
    groupDelay,
    block,
    gain,
    table,
    blockStep,
    blockPhase: new Float64Array(3),
    acc: new Float64Array(8),
    prevBin: new Float64Array(6),
    filled: 0,
    index: 0,
    detection: IDLE,
  };
}

function toInput(st: AttentionState, index: number): number {
  return Math.max(0, Math.round(index * st.decimation + st.decimation - 1 - st.groupDelay));
}

function offsetOk(st: AttentionState, k: number, re: number, im: number): boolean {
  const pr = st.prevBin[2 * k];
  const pi = st.prevBin[2 * k + 1];
  // Phase advance of this block against the last: 2*pi*offset*blockDuration.
  const cr = re * pr + im * pi;
  const ci = im * pr - re * pi;
  const offset = Math.atan2(ci, cr) / (2 * Math.PI * (st.block / st.rate));
  return Math.abs(offset) <= MAX_OFFSET_HZ;
}

function endBlock(st: AttentionState, emit: (e: AttentionEvent) => void): void {
  const acc = st.acc;
  const n = st.block;
  const energy = acc[6];
  const band = acc[7];
  const blockStart = st.index - n;
  for (let k = 0; k < 3; k++) {
    // Sum was taken against e^{-jω(n - blockStart)}; rotate by e^{-jω·blockStart} for a continuous reference.
    const ph = st.blockPhase[k];
    const c = Math.cos(ph);
    const sn = Math.sin(ph);
    const r = acc[2 * k];
    const i = acc[2 * k + 1];
    acc[2 * k] = r * c + i * sn;
    acc[2 * k + 1] = i * c - r * sn;
    let next = ph + st.blockStep[k];
    if (next > 2 * Math.PI) next -= 2 * Math.PI;
    st.blockPhase[k] = next;
  }
  let kind: AttentionKind | null = null;
  if (energy > 1e-12 * n * st.decimation) {
    const meanPower = energy / (n * st.decimation);
    const purity = (k: number): number => (2 * (acc[2 * k] * acc[2 * k] + acc[2 * k + 1] * acc[2 * k + 1])) / (n * n) / st.gain[k] / meanPower;
    const share = (k: number): number => (band > 0 ? (acc[2 * k] * acc[2 * k] + acc[2 * k + 1] * acc[2 * k + 1]) / (n * band) : 0);
    const pNwr = purity(0);
    const pLow = purity(1);
    const pHigh = purity(2);
    const sLow = share(1);
    const sHigh = share(2);
    const nwr = pNwr >= NWR_PURITY || share(0) >= NWR_BAND_SHARE;
    const two = (pLow >= TWO_TONE_EACH && pHigh >= TWO_TONE_EACH && pLow + pHigh >= TWO_TONE_SUM) || (sLow >= TWO_TONE_BAND_EACH && sHigh >= TWO_TONE_BAND_EACH && sLow + sHigh >= TWO_TONE_BAND_SUM);
    // The frequency check needs the previous block to hold the same tone; the first block of a
    // run is judged on purity alone.
    const was = st.detection.phase === 'idle' ? null : st.detection.kind;
    const wasNwr = was === 'nwr';
    const wasTwo = was === 'two-tone';
    if (nwr && (!wasNwr || offsetOk(st, 0, acc[0], acc[1]))) kind = 'nwr';
    else if (two && (!wasTwo || (offsetOk(st, 1, acc[2], acc[3]) && offsetOk(st, 2, acc[4], acc[5])))) kind = 'two-tone';
  }
  // With the block-phase rotation a steady on-frequency tone keeps its bin phase block to block.
  for (let k = 0; k < 6; k++) st.prevBin[k] = acc[k];
  acc.fill(0);

  const det = st.detection;
  switch (det.phase) {
    case 'active':
      if (kind === det.kind) {
        det.misses = 0;
        det.lastToneEnd = st.index;
      } else if (++det.misses >= END_MISSES) {
        endAttention(st, det, emit);
      }
      return;
    case 'candidate':
      if (kind === det.kind) det.blocks++;
      else st.detection = kind ? { phase: 'candidate', kind, start: blockStart, blocks: 1 } : IDLE;
      break;
    case 'idle':
      if (kind) st.detection = { phase: 'candidate', kind, start: blockStart, blocks: 1 };
      break;
    default:
      assertNever(det);
  }
  const now = st.detection;
  if (now.phase === 'candidate' && now.blocks >= START_BLOCKS) {
    st.detection = { phase: 'active', kind: now.kind, start: now.start, lastToneEnd: st.index, misses: 0 };
    emit({ type: 'attention', phase: 'start', sample: toInput(st, now.start), kind: now.kind });
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled attention state ${JSON.stringify(x)}`);
}

export function attentionPush(st: AttentionState, re: Float32Array, im: Float32Array, energy: Float32Array, count: number, emit: (e: AttentionEvent) => void): void {
  const acc = st.acc;
  const table = st.table;
  const block = st.block;
  const c0 = 0, s0 = block, c1 = 2 * block, s1 = 3 * block, c2 = 4 * block, s2 = 5 * block;
  let a0 = acc[0], b0 = acc[1], a1 = acc[2], b1 = acc[3], a2 = acc[4], b2 = acc[5], e = acc[6], bp = acc[7];
  let filled = st.filled;
  const base = st.index;
  for (let i = 0; i < count; i++) {
    const xr = re[i];
    const xi = im[i];
    let c = table[c0 + filled];
    let s = table[s0 + filled];
    a0 += xr * c + xi * s;
    b0 += xi * c - xr * s;
    c = table[c1 + filled];
    s = table[s1 + filled];
    a1 += xr * c + xi * s;
    b1 += xi * c - xr * s;
    c = table[c2 + filled];
    s = table[s2 + filled];
    a2 += xr * c + xi * s;
    b2 += xi * c - xr * s;
    e += energy[i];
    bp += xr * xr + xi * xi;
    if (++filled === block) {
      acc[0] = a0; acc[1] = b0; acc[2] = a1; acc[3] = b1; acc[4] = a2; acc[5] = b2; acc[6] = e; acc[7] = bp;
      st.index = base + i + 1;
      endBlock(st, emit);
      filled = 0;
      a0 = b0 = a1 = b1 = a2 = b2 = e = bp = 0;
    }
  }
  acc[0] = a0; acc[1] = b0; acc[2] = a1; acc[3] = b1; acc[4] = a2; acc[5] = b2; acc[6] = e; acc[7] = bp;
  st.filled = filled;
  st.index = base + count;
}

/** End of input: closes an active attention signal. */
export function attentionFlush(st: AttentionState, emit: (e: AttentionEvent) => void): void {
  if (st.detection.phase === 'active') endAttention(st, st.detection, emit);
}

/** Reports the active signal's end (at its last tone block) and resets detection. */
function endAttention(st: AttentionState, det: Extract<AttentionDetection, { phase: 'active' }>, emit: (e: AttentionEvent) => void): void {
  const start = toInput(st, det.start);
  const end = toInput(st, det.lastToneEnd);
  st.detection = IDLE;
  emit({ type: 'attention', phase: 'end', sample: end, kind: det.kind, durationS: (end - start) / st.inputRate });
}
