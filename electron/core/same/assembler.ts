/**
 * Stage 5: message assembly. Bursts of the same kind that follow each other (and, for headers,
 * look like the same text) form one transmission; its header is decided on all of them together.
 *
 * Each header burst carries calibrated per-bit log-likelihood ratios (from the burst demodulator,
 * or from the framer's soft decisions when no audio is behind it). They are summed bit by bit
 * across the bursts, aligned at their first character: maximal-ratio combining, which is what a
 * 2-of-3 vote approximates. Summing is also what settles a disagreement: a bit that one burst holds
 * firmly and another weakly goes the firm way, while two firm copies that disagree cancel out and
 * leave the header in doubt. The header decoder (header-decoder.ts) then finds the most likely
 * header under the SAME grammar and the probability that it is wrong anywhere; the header is
 * emitted only if that is at most MAX_WRONG_PROBABILITY.
 *
 * Grouping: a burst joins the open group if it starts before the group's deadline. After the first
 * burst the deadline allows for a lost second burst (gap, burst, gap), so the first and the last of
 * three still make a header; after the second, only the usual gap. Three bursts are decided at
 * once, and so are two that were a lost burst apart (nothing more can follow); fewer when the
 * group times out (or flush()). One burst alone makes a header only with
 * `singleBurstAlerts`. An EOM group is reported once, with the number of bursts heard.
 */
import { type SameHeader } from '../alerts/header';
import { bitLlr, estimateEbN0 } from './confidence';
import type { Burst, BurstKind } from './framer';
import { decodeHeader } from './header-decoder';

/** Longest pause between consecutive bursts of one transmission (nominally 1 s). */
export const GROUP_GAP_S = 3.2;
/** The pause 47 CFR 11.31 puts between bursts, with some slack for slow senders. */
const BURST_GAP_S = 1.2;
/**
 * Largest accepted posterior probability that the decoded header is wrong in any position. 1e-3
 * let a deep-noise header out wrong ("WTSP/TV" as "WUSP/TV" at -7.5 dB, posterior 8.4e-4); 1e-4
 * costs about 0.5 dB of reach, which a station can afford and a wrong alert it cannot.
 */
export const MAX_WRONG_PROBABILITY = 1e-4;
/**
 * A burst joins a header group only if it differs from the first burst in at most this share of
 * bytes (beyond what their bit error rates explain). Copies of one header differ in a few bytes;
 * a burst of a different message with another location list or station differs in far more.
 */
const SAME_TEXT_MAX_DIFF = 0.4;

/** A burst as the assembler combines it. */
export interface SoftBurst {
  kind: BurstKind;
  /** Input sample index where the burst (its preamble) starts, and just after its end. */
  startSample: number;
  endSample: number;
  /** Calibrated LLR per bit from the first character on (positive: mark, 1). */
  llr: Float32Array;
  /** Per byte, log-likelihood ratio that the carrier was on; null when not measured. */
  presence: Float32Array | null;
  /** Hard decisions of the bytes. */
  bytes: Uint8Array;
}

export type AssemblerEvent =
  | { type: 'header'; sample: number; raw: string; header: SameHeader; bursts: number; bitConfidence: number; note?: string }
  | { type: 'eom'; sample: number; bursts: number };

export interface AssemblerOptions {
  /** Emit a header heard in one burst only (default: a lone burst is never a header). */
  singleBurstAlerts?: boolean;
}

export interface AssemblerState {
  readonly rate: number;
  readonly singleBurstAlerts: boolean;
  readonly group: SoftBurst[];
  /** Input sample after which the open group is closed. */
  deadline: number;
}

export function createAssembler(rate: number, opts: AssemblerOptions = {}): AssemblerState {
  return { rate, singleBurstAlerts: opts.singleBurstAlerts ?? false, group: [], deadline: Infinity };
}

export function isAssembling(st: AssemblerState): boolean {
  return st.group.length > 0;
}

/** A framer burst (soft decisions d in [-1, 1]) as LLRs, with the burst's Eb/N0 estimated from them. */
export function softBurstFromFramer(b: Burst): SoftBurst {
  const ebn0 = estimateEbN0(b.soft);
  const llr = new Float32Array(b.soft.length);
  for (let i = 0; i < llr.length; i++) llr[i] = bitLlr(b.soft[i], ebn0);
  return { kind: b.kind, startSample: b.startSample, endSample: b.endSample, llr, presence: null, bytes: b.bytes };
}

function isSoft(b: Burst | SoftBurst): b is SoftBurst {
  return 'llr' in b;
}

/** Expected share of a burst's bytes that are wrong, from its calibrated LLRs. */
function byteErrorRate(b: SoftBurst): number {
  const n = b.llr.length;
  if (n === 0) return 0;
  let p = 0;
  for (let i = 0; i < n; i++) p += 1 / (1 + Math.exp(Math.abs(b.llr[i])));
  return Math.min(1, (8 * p) / n);
}

function similar(a: SoftBurst, b: SoftBurst): boolean {
  const n = Math.min(a.bytes.length, b.bytes.length);
  if (n === 0) return true;
  let diff = 0;
  for (let i = 0; i < n; i++) if (a.bytes[i] !== b.bytes[i]) diff++;
  // In deep noise two copies of one header differ in most bytes; then only the decoder can tell.
  const ea = byteErrorRate(a);
  const eb = byteErrorRate(b);
  const expected = 1 - (1 - ea) * (1 - eb);
  return diff <= Math.max(2, (SAME_TEXT_MAX_DIFF + expected) * n);
}

/** Bit-by-bit sum of the bursts' LLRs and presence, aligned at the first character. */
export function combineBursts(bursts: readonly SoftBurst[]): { llr: Float32Array; bits: number; presence: Float32Array | null } {
  let bits = 0;
  let bytes = 0;
  let anyPresence = false;
  for (const b of bursts) {
    if (b.llr.length > bits) bits = b.llr.length;
    if (b.presence) {
      anyPresence = true;
      if (b.presence.length > bytes) bytes = b.presence.length;
    }
  }
  const llr = new Float32Array(bits);
  for (const b of bursts) for (let i = 0; i < b.llr.length; i++) llr[i] += b.llr[i];
  let presence: Float32Array | null = null;
  if (anyPresence) {
    presence = new Float32Array(Math.max(bytes, bits >> 3));
    for (const b of bursts) if (b.presence) for (let i = 0; i < b.presence.length; i++) presence[i] += b.presence[i];
  }
  return { llr, bits, presence };
}

function secondLongest(group: readonly SoftBurst[]): number {
  const lengths = group.map((b) => b.llr.length).sort((a, b) => b - a);
  return lengths[1] ?? 0;
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
  if (group.length < 2 && !st.singleBurstAlerts) return;
  const c = combineBursts(group);
  // With two or more bursts, every character must have been heard in at least two of them (a
  // click can make one burst confidently wrong): the header may not reach past the second-longest.
  const decoded = decodeHeader(c.llr, group.length < 2 ? c.bits : secondLongest(group), c.presence);
  if (!decoded || decoded.pWrong > MAX_WRONG_PROBABILITY) return;
  const notes: string[] = [];
  if (group.length === 1) notes.push('single burst: the other two were not received');
  else if (group.length === 2) notes.push('two of three bursts received');
  if (decoded.header.deviations.includes('nonconforming_sender_id')) notes.push(`nonconforming sender ID "${decoded.header.callsign}"`);
  const event: AssemblerEvent = {
    type: 'header',
    sample: first.startSample,
    raw: decoded.raw,
    header: decoded.header,
    bursts: group.length,
    bitConfidence: decoded.bitConfidence,
  };
  if (notes.length > 0) event.note = notes.join('; ');
  emit(event);
}

export function assemblerPushBurst(st: AssemblerState, input: Burst | SoftBurst, emit: (e: AssemblerEvent) => void): void {
  const burst = isSoft(input) ? input : softBurstFromFramer(input);
  const group = st.group;
  if (group.length > 0) {
    const head = group[0];
    const joins = head.kind === burst.kind && burst.startSample <= st.deadline && (burst.kind === 'eom' || similar(head, burst));
    if (!joins) close(st, emit);
  }
  group.push(burst);
  const rate = st.rate;
  let wait = GROUP_GAP_S * rate;
  if (burst.kind === 'header' && group.length === 1) {
    // Room for the second burst to be lost: its gap, its length (the same as this one's) and the gap after it.
    wait = Math.max(wait, 2 * BURST_GAP_S * rate + 1.1 * (burst.endSample - burst.startSample) + 0.5 * rate);
  }
  st.deadline = burst.endSample + Math.round(wait);
  // Three bursts are all there is; so are two whose spacing left room for a lost one between them.
  if (group.length >= 3 || (group.length === 2 && burst.kind === 'header' && lostBetween(group[0], burst, rate))) close(st, emit);
}

/** Whether a burst is missing between `a` and `b`: they are further apart than one gap allows. */
function lostBetween(a: SoftBurst, b: SoftBurst, rate: number): boolean {
  return b.startSample - a.endSample > 1.5 * BURST_GAP_S * rate + 0.5 * (a.endSample - a.startSample);
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
