/**
 * Stage 5: message assembly. Bursts of the same kind that follow each other within GROUP_GAP_S
 * (and, for headers, look like the same text) form one transmission. A header is voted bit by
 * bit: a bit is decided when at least two bursts hold it and a strict majority agrees, so
 *  - with three bursts, any single corrupted copy of a bit is outvoted;
 *  - with two bursts, only bits on which both agree are decided: a disagreement is never
 *    guessed, it leaves the header undecided and nothing is emitted;
 *  - one burst alone never makes a header.
 * The voted text is cut at its structural end (first '+' plus 22 characters) and emitted only
 * if parseHeader accepts it and the bursts' soft decisions make it trustworthy: the estimated
 * probability that any voted bit is wrong (sum over bits of the posterior from the bursts'
 * log-likelihood ratios) must be at most MAX_WRONG_PROBABILITY. Below about -3 dB SNR two
 * bursts begin to share bit errors, and this is what keeps a wrong-but-well-formed header
 * (another county, another time) from being emitted; at -3 dB it costs under 1 % of headers. Three bursts emit at once; fewer wait until the group times out
 * (or flush()). An EOM group is reported once, with the number of bursts heard.
 */
import { parseHeader, type SameHeader } from '../alerts/header';
import { bitLlr, estimateEbN0, wrongProbability } from './confidence';
import { TAIL_AFTER_PLUS } from './constants';
import type { Burst } from './framer';

export const GROUP_GAP_S = 3.2;
/** Largest accepted estimate of the chance that the voted header holds a wrong bit. */
export const MAX_WRONG_PROBABILITY = 0.01;
/**
 * A burst joins a header group only if it differs from the first burst in at most this share of
 * bytes. Noisy copies of one header differ in a few percent of bytes even at -3 dB; a burst
 * of a different message with another location list or station differs in far more. (Messages
 * that differ in a field or two may still share a group: a 2-of-3 vote then still yields the
 * message two bursts carried, and a lone burst never makes a header.)
 */
const SAME_TEXT_MAX_DIFF = 0.4;

export type AssemblerEvent =
  | { type: 'header'; sample: number; raw: string; header: SameHeader; bursts: number; bitConfidence: number }
  | { type: 'eom'; sample: number; bursts: number };

export interface AssemblerState {
  readonly rate: number;
  readonly group: Burst[];
  /** Input sample after which the open group is closed. */
  deadline: number;
}

export function createAssembler(rate: number): AssemblerState {
  return { rate, group: [], deadline: Infinity };
}

export function isAssembling(st: AssemblerState): boolean {
  return st.group.length > 0;
}

export interface VoteResult {
  /** Voted bytes (undecided bits set to 0). */
  bytes: Uint8Array;
  /** Per byte: 1 if every bit was decided. */
  decided: Uint8Array;
  /** Per byte: summed probability that its voted bits are wrong (from the bursts' LLRs). */
  wrong: Float64Array;
}

/** Bit-level vote over bursts aligned at their first byte. */
export function voteBursts(bursts: readonly Burst[]): VoteResult {
  let len = 0;
  for (const b of bursts) if (b.bytes.length > len) len = b.bytes.length;
  const ebn0 = bursts.map((b) => estimateEbN0(b.soft));
  const bytes = new Uint8Array(len);
  const decided = new Uint8Array(len);
  const wrong = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    let out = 0;
    let ok = 1;
    let pWrong = 0;
    for (let k = 0; k < 8; k++) {
      let ones = 0;
      let votes = 0;
      let llr = 0;
      for (let j = 0; j < bursts.length; j++) {
        const b = bursts[j];
        if (i < b.bytes.length) {
          votes++;
          ones += (b.bytes[i] >> k) & 1;
          llr += bitLlr(b.soft[i * 8 + k], ebn0[j]);
        }
      }
      const zeros = votes - ones;
      let bit = 0;
      if (ones >= 2 && ones > zeros) bit = 1;
      else if (!(zeros >= 2 && zeros > ones)) ok = 0;
      out |= bit << k;
      pWrong += wrongProbability(llr, bit);
    }
    bytes[i] = out;
    decided[i] = ok;
    wrong[i] = pWrong;
  }
  return { bytes, decided, wrong };
}

/** Header length implied by the first '+' (or -1). */
export function structuralLength(bytes: Uint8Array): number {
  const plus = bytes.indexOf(43);
  return plus < 0 ? -1 : plus + TAIL_AFTER_PLUS;
}

function bytesToText(bytes: Uint8Array, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function similar(a: Burst, b: Burst): boolean {
  const n = Math.min(a.bytes.length, b.bytes.length);
  if (n === 0) return true;
  let diff = 0;
  for (let i = 0; i < n; i++) if (a.bytes[i] !== b.bytes[i]) diff++;
  return diff <= Math.max(2, SAME_TEXT_MAX_DIFF * n);
}

function close(st: AssemblerState, emit: (e: AssemblerEvent) => void): void {
  const group = st.group.splice(0);
  st.deadline = Infinity;
  if (group.length === 0) return;
  const first = group[0];
  if (first.kind === 'eom') {
    emit({ type: 'eom', sample: first.startSample, bursts: group.length });
    return;
  }
  if (group.length < 2) return;
  const v = voteBursts(group);
  const len = structuralLength(v.bytes);
  if (len < 0 || len > v.bytes.length) return;
  let pWrong = 0;
  for (let i = 0; i < len; i++) {
    if (!v.decided[i]) return;
    pWrong += v.wrong[i];
  }
  if (pWrong > MAX_WRONG_PROBABILITY) return;
  const raw = bytesToText(v.bytes, len);
  const parsed = parseHeader(raw);
  if (!parsed.ok) return;
  emit({ type: 'header', sample: first.startSample, raw, header: parsed.header, bursts: group.length, bitConfidence: Math.max(0, 1 - pWrong) });
}

export function assemblerPushBurst(st: AssemblerState, burst: Burst, emit: (e: AssemblerEvent) => void): void {
  const group = st.group;
  if (group.length > 0) {
    const head = group[0];
    const joins = head.kind === burst.kind && burst.startSample <= st.deadline && (burst.kind === 'eom' || similar(head, burst));
    if (!joins) close(st, emit);
  }
  group.push(burst);
  st.deadline = burst.endSample + Math.round(GROUP_GAP_S * st.rate);
  if (group.length >= 3) close(st, emit);
}

/**
 * Closes the open group once the input has moved past its deadline. Not while a burst is being
 * read (`framing`): a long header (31 locations, 4 s) outlasts the gap, and it joins the group
 * if it began before the deadline.
 */
export function assemblerTick(st: AssemblerState, now: number, framing: boolean, emit: (e: AssemblerEvent) => void): void {
  if (st.group.length > 0 && !framing && now > st.deadline) close(st, emit);
}

export function assemblerFlush(st: AssemblerState, emit: (e: AssemblerEvent) => void): void {
  close(st, emit);
}
