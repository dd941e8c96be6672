/**
 * Stage 4: preamble sync and byte framing. The last 96 bits are compared with the end of the
 * preamble followed by the first four characters (AB x 8 then 'ZCZC', or 'NNNN'). A window is a
 * sync candidate when either
 *  - its newest 64 bits (4 preamble bytes + the characters) are within SYNC_MAX_ERRORS bits, or
 *  - its 8 preamble bytes are within SYNC_PREAMBLE_ERRORS and the characters within
 *    SYNC_CHAR_ERRORS: the longer window finds bursts at a bit error rate of 10 % (about -8 dB
 *    SNR), and the separate limit on the characters is what keeps an all-preamble window (only 18
 *    bits from 'ZCZC') from passing early.
 * On random bits false syncs stay under 1e-9 per bit either way, but programme audio is not random
 * bits: speech and music make runs and alternations that sit within the long rule's 21 errors in
 * 104 bits far more often (two junk bursts in 24 hours of the bench's phantom run, 4e-8 per bit).
 * Sync is still taken on them (the combiner and the grammar keep junk from ever becoming a
 * header), but a burst found only by the long rule is reported as a burst event only if its bits
 * were at least as decisive as white noise alone would make them (isCredibleBurst).
 *
 * After sync, bytes are read LSB first until the header's structure says it is complete ('+', the
 * dashes after TTTT and JJJHHMM in place, and the '-' after a 3 to 8 character station id), four
 * bytes in a row fall outside the SAME alphabet (carrier gone), or the longest legal header length
 * is passed. A station id shorter than 8 may be a bit error ('/' and '-' are one bit apart), so
 * reading goes on to where an 8-character id's '-' would be: the burst's text ends at the short
 * id, but its soft bits run on, for the combiner to outvote the error with the other bursts. The
 * sync search keeps running while a burst is read: a new preamble + sync ends the burst in
 * progress, so a burst whose end was damaged can never swallow the next one. These hard decisions
 * give the `burst` events and the EOMs; header bursts are demodulated again, whole, for the
 * combiner (burst-demod.ts).
 */
import { MAX_HEADER_CHARS, PREAMBLE_BYTE, PREAMBLE_BYTES, TAIL_AFTER_PLUS } from './constants';

export type BurstKind = 'header' | 'eom';

export interface Burst {
  kind: BurstKind;
  /**
   * Bytes after the preamble, as received (starting with the 4 sync characters); a burst that
   * ended on lost carrier keeps the run of non-SAME bytes that ended it.
   */
  bytes: Uint8Array;
  /**
   * How many of `bytes` the burst's text is: all of them, or fewer when the header's structure
   * ended at a station id shorter than 8 and the bytes after it were read on in case it was not.
   */
  textLength: number;
  /** Soft value of each bit (8 per byte, LSB first), in [-1, 1]; positive is mark (1). */
  soft: Float32Array;
  /** Input sample index of the first preamble bit found. */
  startSample: number;
  /** Input sample index just after the last kept bit. */
  endSample: number;
  /** Found only by the long-preamble rule (weaker evidence of a burst than the 64-bit rule). */
  weakSync: boolean;
}

export const SYNC_MAX_ERRORS = 7;
export const SYNC_PREAMBLE_ERRORS = 12;
export const SYNC_CHAR_ERRORS = 7;
/** Bit errors allowed in "ZCZC-" for a burst found by the long-preamble rule. */
export const CONFIRM_CHAR_ERRORS = 9;
/** Windows scored after a first candidate: a window two bytes early can pass the 96-bit rule. */
const SYNC_LOOKAHEAD = 24;
const WINDOW_PREAMBLE = 0xabababab;
const WINDOW_ZCZC = 0x435a435a; // 'Z','C','Z','C' little-endian
const WINDOW_NNNN = 0x4e4e4e4e;
const HISTORY = 256;
const HISTORY_MASK = HISTORY - 1;
/** The walk back over the preamble accepts bytes with at most this many bit errors. */
const PREAMBLE_BYTE_ERRORS = 2;
/**
 * A burst ends after this many bytes in a row outside the SAME alphabet: noise gives such bytes
 * 84 % of the time and silence always, while even at 1 % bit errors four in a row inside a
 * header happen less than once in 10^4 bursts.
 */
const END_INVALID_RUN = 4;
const MAX_BYTES = MAX_HEADER_CHARS + 8;

/** Characters that occur in a SAME header or EOM (upper case, digits, '-', '+', '/', space). */
const SAME_ALPHABET = (() => {
  const t = new Uint8Array(256);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 1;
  t[45] = 1;
  t[43] = 1;
  t[47] = 1;
  t[32] = 1;
  return t;
})();

export function isSameChar(byte: number): boolean {
  return SAME_ALPHABET[byte] === 1;
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The sync candidate being scored: the best window so far and how many more bits may beat it. */
interface SyncCandidate {
  /** Bits left to look for a better-aligned window. */
  bitsLeft: number;
  errors: number;
  /** Bit index at which the best window ends. */
  endBit: number;
  kind: BurstKind;
  /** Character errors of that window, when it matched only under the long-preamble rule (else -1). */
  unconfirmed: number;
}

/** A burst being read after sync; its bytes and soft values go into the framer's buffers. */
interface BurstRead {
  nBytes: number;
  /** Byte being assembled and how many of its bits are in. */
  cur: number;
  nBit: number;
  /** Bytes in a row outside the SAME alphabet. */
  invalidRun: number;
  /** Index of the first '+' (-1: none yet). */
  plusAt: number;
  /** Bytes up to the '-' that ended a short station id, once one has (-1: not yet). */
  textEnd: number;
  startSample: number;
  /** Bit index of the burst's first character bit. */
  readonly firstBit: number;
  /** Synced by the long-preamble rule only. */
  readonly weakSync: boolean;
  /**
   * Character errors of a sync found only by the long-preamble rule: such a burst is announced
   * (onSync) once its fifth character has been checked against the '-' every header has there,
   * and dropped silently if the five together are too far from "ZCZC-". -1: announced.
   */
  unconfirmed: number;
}

/** Searching for sync, or reading the bytes of a burst. */
export type FramerMode = { readonly kind: 'searching' } | { readonly kind: 'reading'; readonly read: BurstRead };

const SEARCHING: FramerMode = Object.freeze({ kind: 'searching' });

export interface FramerState {
  mode: FramerMode;
  /** Bits seen so far; bit k lives in history slot k & HISTORY_MASK. */
  bitCount: number;
  /** The 96-bit window: lo2 oldest 32 bits, then lo, hi = newest 32 (LSB = oldest). */
  lo2: number;
  lo: number;
  hi: number;
  /** A window within SYNC_MAX_ERRORS waiting for the next windows to be scored (null: none). */
  candidate: SyncCandidate | null;
  readonly histBit: Uint8Array;
  readonly histSoft: Float32Array;
  readonly histStart: Float64Array;
  /** The burst being read (reused from burst to burst). */
  readonly bytes: Uint8Array;
  readonly soft: Float32Array;
  /** Bit index where the last committed sync window ended; a new window must start after it. */
  lastSyncEnd: number;
}

export interface FramerCallbacks {
  /**
   * Sync found (the timing loop switches to tracking gains). `firstCharBit`: the bit index (in
   * the framer's count) of the first character's first bit.
   */
  onSync(startSample: number, kind: BurstKind, firstCharBit: number): void;
  onBurst(burst: Burst): void;
}

export function createFramer(): FramerState {
  return {
    mode: SEARCHING,
    bitCount: 0,
    lo2: 0,
    lo: 0,
    hi: 0,
    candidate: null,
    histBit: new Uint8Array(HISTORY),
    histSoft: new Float32Array(HISTORY),
    histStart: new Float64Array(HISTORY),
    bytes: new Uint8Array(MAX_BYTES),
    soft: new Float32Array(MAX_BYTES * 8),
    lastSyncEnd: -1,
  };
}

export function isFraming(st: FramerState): boolean {
  return st.mode.kind === 'reading';
}

/** True while the burst being read looks healthy (tracking loop gains are safe). */
export function isReadingCleanly(st: FramerState): boolean {
  return st.mode.kind === 'reading' && st.mode.read.invalidRun === 0;
}

function finish(st: FramerState, read: BurstRead, kind: BurstKind, keep: number, endSample: number, cb: FramerCallbacks): void {
  if (read.unconfirmed >= 0) {
    // Never announced: not a burst.
    st.mode = SEARCHING;
    return;
  }
  const burst: Burst = {
    kind,
    bytes: st.bytes.slice(0, keep),
    textLength: read.textEnd >= 0 ? Math.min(read.textEnd, keep) : keep,
    soft: st.soft.slice(0, keep * 8),
    startSample: read.startSample,
    endSample,
    weakSync: read.weakSync,
  };
  st.mode = SEARCHING;
  cb.onBurst(burst);
}

/** Sync on the window ending at bit `end`: sets up the burst's first four bytes and starts reading. */
function commitSync(st: FramerState, end: number, kind: BurstKind, unconfirmed: number, cb: FramerCallbacks): BurstRead {
  const histBit = st.histBit;
  // Walk back over earlier preamble bytes to find where the burst began.
  const first = end - 63;
  let startBit = first;
  for (let b = 1; b <= PREAMBLE_BYTES - 4; b++) {
    const at = first - 8 * b;
    if (at < 0 || st.bitCount - at > HISTORY) break;
    let byte = 0;
    for (let k = 0; k < 8; k++) byte |= histBit[(at + k) & HISTORY_MASK] << k;
    if (popcount32(byte ^ PREAMBLE_BYTE) > PREAMBLE_BYTE_ERRORS) break;
    startBit = at;
  }
  const startSample = st.histStart[startBit & HISTORY_MASK];
  // The window's newest four bytes are the first four characters.
  const charBit = end - 31;
  for (let k = 0; k < 4; k++) {
    let byte = 0;
    for (let j = 0; j < 8; j++) {
      const slot = (charBit + 8 * k + j) & HISTORY_MASK;
      byte |= histBit[slot] << j;
      st.soft[8 * k + j] = st.histSoft[slot];
    }
    st.bytes[k] = byte;
  }
  st.lastSyncEnd = end;
  st.candidate = null;
  const read: BurstRead = { nBytes: 4, cur: 0, nBit: 0, invalidRun: 0, plusAt: -1, textEnd: -1, startSample, firstBit: charBit, weakSync: unconfirmed >= 0, unconfirmed };
  st.mode = { kind: 'reading', read };
  if (unconfirmed < 0) cb.onSync(startSample, kind, charBit);
  return read;
}

function dataBit(st: FramerState, read: BurstRead, s: number, bitStart: number, bitLen: number, cb: FramerCallbacks): void {
  const bit = s > 0 ? 1 : 0;
  st.soft[read.nBytes * 8 + read.nBit] = s;
  read.cur |= bit << read.nBit;
  if (++read.nBit < 8) return;
  const byte = read.cur;
  const n = read.nBytes;
  const bytes = st.bytes;
  bytes[n] = byte;
  read.nBytes = n + 1;
  read.cur = 0;
  read.nBit = 0;
  if (read.unconfirmed >= 0 && n === 4) {
    if (read.unconfirmed + popcount32(byte ^ 45) > CONFIRM_CHAR_ERRORS) {
      st.mode = SEARCHING;
      return;
    }
    read.unconfirmed = -1;
    cb.onSync(read.startSample, 'header', read.firstBit);
  }
  if (SAME_ALPHABET[byte]) {
    read.invalidRun = 0;
    if (byte === 43 && read.plusAt < 0) read.plusAt = n;
  } else if (++read.invalidRun >= END_INVALID_RUN) {
    // The run is kept: its first byte may be the header's damaged last character, which the
    // other bursts can still outvote.
    finish(st, read, 'header', read.nBytes, bitStart + bitLen, cb);
    return;
  }
  const p = read.plusAt;
  // Structural end: "+TTTT-JJJHHMM-" with its dashes in place, then a station id of 3 to 8
  // characters and its '-' (the id's alphabet has no '-'). A '+' made by a bit error almost never
  // has the dashes, so a damaged burst is not cut short. Nor by a '/' flipped to '-' inside an
  // 8-character id ("AAA-AAAA-"): the bytes up to the longest id's '-' are read whatever the short
  // id's '-' said. Cut there, the burst would leave the rest of the id to the other bursts alone
  // (one bit error in either of two is then a tie where a 2-of-3 vote has a majority), and the
  // combiner, which reads no further than the second-longest burst, would see two bursts only as far
  // as the short id and could settle the '/' or '-' tie for a short id that was never sent.
  const tail = n - p;
  if (read.textEnd < 0 && p >= 0 && byte === 45 && tail >= TAIL_AFTER_PLUS - 6 && tail <= TAIL_AFTER_PLUS - 1 && bytes[p + 5] === 45 && bytes[p + 13] === 45) {
    read.textEnd = n + 1;
  }
  if (read.textEnd >= 0 && tail >= TAIL_AFTER_PLUS - 1) {
    finish(st, read, 'header', read.nBytes, bitStart + bitLen, cb);
  } else if (read.nBytes >= MAX_BYTES) {
    finish(st, read, 'header', read.nBytes, bitStart + bitLen, cb);
  }
}

/**
 * Commits the sync candidate. A burst still being read ends where the new preamble began;
 * the bits after the candidate window are replayed as the new burst's data.
 */
function commitPending(st: FramerState, candidate: SyncCandidate, bitLen: number, cb: FramerCallbacks): void {
  const end = candidate.endBit;
  const kind = candidate.kind;
  const mode = st.mode;
  switch (mode.kind) {
    case 'reading': {
      const read = mode.read;
      let keep = Math.max(4, Math.min(read.nBytes, Math.floor((end - 63 - read.firstBit) / 8)));
      while (keep > 4 && popcount32(st.bytes[keep - 1] ^ PREAMBLE_BYTE) <= PREAMBLE_BYTE_ERRORS) keep--;
      const endBit = read.firstBit + keep * 8;
      finish(st, read, 'header', keep, st.histStart[(endBit - 1) & HISTORY_MASK] + bitLen, cb);
      break;
    }
    case 'searching':
      break;
    default:
      return assertNever(mode);
  }
  const read = commitSync(st, end, kind, candidate.unconfirmed, cb);
  if (kind === 'eom') {
    finish(st, read, 'eom', 4, st.histStart[end & HISTORY_MASK] + bitLen, cb);
    return;
  }
  for (let k = end + 1; k < st.bitCount && st.mode.kind === 'reading'; k++) {
    const slot = k & HISTORY_MASK;
    dataBit(st, read, st.histSoft[slot], st.histStart[slot], bitLen, cb);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled framer mode ${JSON.stringify(x)}`);
}

/** Ends a burst in progress (end of input). */
export function framerFlush(st: FramerState, endSample: number, bitLen: number, cb: FramerCallbacks): void {
  if (st.candidate) commitPending(st, st.candidate, bitLen, cb);
  const mode = st.mode;
  if (mode.kind === 'reading') finish(st, mode.read, 'header', mode.read.nBytes, endSample, cb);
}

/**
 * Consumes bits: soft[i] in [-1, 1] (sign is the bit), start[i] the input sample index where
 * the bit starts, bitLen the bit length in input samples (for end stamps).
 */
export function framerPush(st: FramerState, soft: Float32Array, start: Float64Array, count: number, bitLen: number, cb: FramerCallbacks): void {
  for (let i = 0; i < count; i++) framerBit(st, soft[i], start[i], bitLen, cb);
}

/**
 * One bit: soft value in [-1, 1] and the input sample index where it starts.
 *
 * A first matching window is only a candidate: the next SYNC_LOOKAHEAD windows are scored too and
 * the best one wins, because windows one or two bytes early (AB AB AB AB AB 'NNN', AB AB 'ZC')
 * can themselves be within a few bits of the pattern; one a byte late is excluded by lastSyncEnd.
 */
export function framerBit(st: FramerState, s: number, bitStart: number, bitLen: number, cb: FramerCallbacks): void {
  const bit = s > 0 ? 1 : 0;
  const k = st.bitCount;
  const slot = k & HISTORY_MASK;
  st.histBit[slot] = bit;
  st.histSoft[slot] = s;
  st.histStart[slot] = bitStart;
  st.bitCount = k + 1;

  const lo2 = ((st.lo2 >>> 1) | ((st.lo & 1) << 31)) >>> 0;
  const lo = ((st.lo >>> 1) | ((st.hi & 1) << 31)) >>> 0;
  const hi = ((st.hi >>> 1) | (bit << 31)) >>> 0;
  st.lo2 = lo2;
  st.lo = lo;
  st.hi = hi;
  const mode = st.mode;
  if (mode.kind === 'reading') dataBit(st, mode.read, s, bitStart, bitLen, cb);

  const pre = popcount32((lo ^ WINDOW_PREAMBLE) >>> 0);
  const pre2 = pre + popcount32((lo2 ^ WINDOW_PREAMBLE) >>> 0);
  if (pre <= SYNC_MAX_ERRORS || pre2 <= SYNC_PREAMBLE_ERRORS) {
    const dz = popcount32((hi ^ WINDOW_ZCZC) >>> 0);
    const dn = popcount32((hi ^ WINDOW_NNNN) >>> 0);
    const d = dz <= dn ? dz : dn;
    const kind: BurstKind = dz <= dn ? 'header' : 'eom';
    // The long-preamble rule finds headers only: their fifth character confirms them, while an
    // EOM has none, and one EOM burst of three is enough anyway.
    const strict = pre + d <= SYNC_MAX_ERRORS;
    const long = kind === 'header' && pre2 <= SYNC_PREAMBLE_ERRORS && d <= SYNC_CHAR_ERRORS;
    // Candidates are ranked on all 96 bits. A window overlapping the last sync is never a new
    // burst: "NNNN" shifted by a byte (AB AB AB 'N' 'NNN?') is within a few bits of the pattern.
    const errors = pre2 + d;
    if ((strict || long) && k - 63 > st.lastSyncEnd) {
      const unconfirmed = strict ? -1 : d;
      const c = st.candidate;
      if (!c) {
        st.candidate = { bitsLeft: SYNC_LOOKAHEAD, errors, endBit: k, kind, unconfirmed };
        return;
      }
      if (errors < c.errors) {
        c.errors = errors;
        c.endBit = k;
        c.kind = kind;
        c.unconfirmed = unconfirmed;
      }
    }
  }
  const c = st.candidate;
  if (!c || --c.bitsLeft > 0) return;
  commitPending(st, c, bitLen, cb);
}

/**
 * Per bit, (1 - |d|) / (1 + |d|) (the weaker tone's energy over the stronger one's) has mean
 * 2 ln 2 - 1 and variance 3 - 4 ln 2 - (2 ln 2 - 1)^2 on white noise alone, where |d| is uniform on
 * [0, 1]; an FSK carrier makes every bit more decisive and the mean smaller.
 */
const NOISE_RATIO_MEAN = 2 * Math.LN2 - 1;
const NOISE_RATIO_SD = Math.sqrt(3 - 4 * Math.LN2 - NOISE_RATIO_MEAN * NOISE_RATIO_MEAN);
/**
 * Standard deviations above the noise-alone mean at which a weak-sync burst's bits are judged
 * less decisive than noise. A real burst, whose mean is below noise's, exceeds it by chance less
 * than 0.6 % of the time even with no carrier left at all; measured on 626 real weak-sync bursts
 * (8000, 22050 and 48000 Hz, -7.5 to -15 dB, two header lengths, +/-2 % bit rate, +/-50 Hz) the
 * highest was 0.7, while the two junk bursts of the bench's 24 h phantom run were 3.7 and 5.2.
 */
const NOISE_RATIO_Z = 2.5;

/**
 * Whether a burst is worth reporting as one: always when the 64-bit rule found it; when only the
 * long rule did, if its bits (the four sync characters on) were no less decisive than white noise
 * alone makes them. Broadband programme audio puts about the same energy into both tones, which
 * is what a junk sync on speech looks like (|d| mostly small, an estimated 30 % bit error rate);
 * any carrier, however deep in white noise, pushes the other way.
 */
export function isCredibleBurst(b: Burst): boolean {
  if (!b.weakSync) return true;
  const soft = b.soft;
  const n = soft.length;
  if (n === 0) return false;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = soft[i] < 0 ? -soft[i] : soft[i];
    sum += (1 - a) / (1 + a);
  }
  return sum / n <= NOISE_RATIO_MEAN + (NOISE_RATIO_Z * NOISE_RATIO_SD) / Math.sqrt(n);
}
