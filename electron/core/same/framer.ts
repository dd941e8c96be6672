/**
 * Stage 4: preamble sync and byte framing. A 64-bit sliding window is compared with the end of
 * the preamble followed by the first four characters (AB AB AB AB 'ZCZC', or AB AB AB AB 'NNNN');
 * at most SYNC_MAX_ERRORS differing bits give sync. Requiring the preamble and the message start
 * together makes a false sync on noise or programme audio vanishingly rare (under 1e-10 per bit)
 * while tolerating several bit errors at low SNR.
 *
 * After sync, bytes are read LSB first until the header's structure says it is complete ('+' then
 * 22 more characters with their dashes in place), four bytes in a row fall outside the SAME
 * alphabet (carrier gone), or the longest legal header length is passed. The sync search keeps
 * running while a burst is read: a new preamble + sync ends the burst in progress, so a burst
 * whose end was damaged can never swallow the next one.
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
  /** Soft value of each bit (8 per byte, LSB first), in [-1, 1]; positive is mark (1). */
  soft: Float32Array;
  /** Input sample index of the first preamble bit found. */
  startSample: number;
  /** Input sample index just after the last kept bit. */
  endSample: number;
}

export const SYNC_MAX_ERRORS = 7;
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

export interface FramerState {
  /** 0: searching for sync; 1: reading header bytes. */
  mode: 0 | 1;
  /** Bits seen so far; bit k lives in history slot k & HISTORY_MASK. */
  bitCount: number;
  /** The 64-bit window: lo = oldest 32 bits, hi = newest 32 (LSB = oldest). */
  lo: number;
  hi: number;
  /** Bits left to look for a better-aligned sync after a first hit (-1: no candidate). */
  lookahead: number;
  bestErrors: number;
  /** Bit index at which the best candidate window ends. */
  bestBit: number;
  bestKind: BurstKind;
  readonly histBit: Uint8Array;
  readonly histSoft: Float32Array;
  readonly histStart: Float64Array;
  /** The burst being read. */
  readonly bytes: Uint8Array;
  readonly soft: Float32Array;
  nBytes: number;
  cur: number;
  nBit: number;
  invalidRun: number;
  plusAt: number;
  startSample: number;
  /** Bit index of the burst's first character bit. */
  firstBit: number;
  /** Bit index where the last committed sync window ended; a new window must start after it. */
  lastSyncEnd: number;
}

export interface FramerCallbacks {
  /** Sync found (the timing loop switches to tracking gains). */
  onSync(startSample: number, kind: BurstKind): void;
  onBurst(burst: Burst): void;
}

export function createFramer(): FramerState {
  return {
    mode: 0,
    bitCount: 0,
    lo: 0,
    hi: 0,
    lookahead: -1,
    bestErrors: 99,
    bestBit: 0,
    bestKind: 'header',
    histBit: new Uint8Array(HISTORY),
    histSoft: new Float32Array(HISTORY),
    histStart: new Float64Array(HISTORY),
    bytes: new Uint8Array(MAX_BYTES),
    soft: new Float32Array(MAX_BYTES * 8),
    nBytes: 0,
    cur: 0,
    nBit: 0,
    invalidRun: 0,
    plusAt: -1,
    startSample: 0,
    firstBit: 0,
    lastSyncEnd: -1,
  };
}

export function isFraming(st: FramerState): boolean {
  return st.mode === 1;
}

/** True while the burst being read looks healthy (tracking loop gains are safe). */
export function isReadingCleanly(st: FramerState): boolean {
  return st.mode === 1 && st.invalidRun === 0;
}

function finish(st: FramerState, kind: BurstKind, keep: number, endSample: number, cb: FramerCallbacks): void {
  const burst: Burst = {
    kind,
    bytes: st.bytes.slice(0, keep),
    soft: st.soft.slice(0, keep * 8),
    startSample: st.startSample,
    endSample,
  };
  st.mode = 0;
  st.nBytes = 0;
  cb.onBurst(burst);
}

/** Sync on the window ending at bit `end`: sets up the burst's first four bytes. */
function commitSync(st: FramerState, end: number, kind: BurstKind, cb: FramerCallbacks): void {
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
  st.startSample = st.histStart[startBit & HISTORY_MASK];
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
  st.firstBit = charBit;
  st.lastSyncEnd = end;
  st.nBytes = 4;
  st.cur = 0;
  st.nBit = 0;
  st.invalidRun = 0;
  st.plusAt = -1;
  st.lookahead = -1;
  st.bestErrors = 99;
  cb.onSync(st.startSample, kind);
}

function dataBit(st: FramerState, s: number, bitStart: number, bitLen: number, cb: FramerCallbacks): void {
  const bit = s > 0 ? 1 : 0;
  st.soft[st.nBytes * 8 + st.nBit] = s;
  st.cur |= bit << st.nBit;
  if (++st.nBit < 8) return;
  const byte = st.cur;
  const n = st.nBytes;
  const bytes = st.bytes;
  bytes[n] = byte;
  st.nBytes = n + 1;
  st.cur = 0;
  st.nBit = 0;
  if (SAME_ALPHABET[byte]) {
    st.invalidRun = 0;
    if (byte === 43 && st.plusAt < 0) st.plusAt = n;
  } else if (++st.invalidRun >= END_INVALID_RUN) {
    // The run is kept: its first byte may be the header's damaged last character, which the
    // other bursts can still outvote.
    finish(st, 'header', st.nBytes, bitStart + bitLen, cb);
    return;
  }
  const p = st.plusAt;
  // Structural end: "+TTTT-JJJHHMM-LLLLLLLL-" complete with its three dashes in place. A '+'
  // made by a bit error almost never has them, so a damaged burst is not cut short.
  if (p >= 0 && st.nBytes === p + TAIL_AFTER_PLUS && bytes[p + 5] === 45 && bytes[p + 13] === 45 && bytes[p + 22] === 45) {
    finish(st, 'header', st.nBytes, bitStart + bitLen, cb);
  } else if (st.nBytes >= MAX_BYTES) {
    finish(st, 'header', st.nBytes, bitStart + bitLen, cb);
  }
}

/**
 * Commits the best sync candidate. A burst still being read ends where the new preamble began;
 * the bits after the candidate window are replayed as the new burst's data.
 */
function commitPending(st: FramerState, bitLen: number, cb: FramerCallbacks): void {
  const end = st.bestBit;
  const kind = st.bestKind;
  if (st.mode === 1) {
    let keep = Math.max(4, Math.min(st.nBytes, Math.floor((end - 63 - st.firstBit) / 8)));
    while (keep > 4 && popcount32(st.bytes[keep - 1] ^ PREAMBLE_BYTE) <= PREAMBLE_BYTE_ERRORS) keep--;
    const endBit = st.firstBit + keep * 8;
    finish(st, 'header', keep, st.histStart[(endBit - 1) & HISTORY_MASK] + bitLen, cb);
  }
  commitSync(st, end, kind, cb);
  if (kind === 'eom') {
    finish(st, 'eom', 4, st.histStart[end & HISTORY_MASK] + bitLen, cb);
    return;
  }
  st.mode = 1;
  for (let k = end + 1; k < st.bitCount && st.mode === 1; k++) {
    const slot = k & HISTORY_MASK;
    dataBit(st, st.histSoft[slot], st.histStart[slot], bitLen, cb);
  }
}

/** Ends a burst in progress (end of input). */
export function framerFlush(st: FramerState, endSample: number, bitLen: number, cb: FramerCallbacks): void {
  if (st.lookahead >= 0) commitPending(st, bitLen, cb);
  if (st.mode === 1) finish(st, 'header', st.nBytes, endSample, cb);
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
 * A first window within SYNC_MAX_ERRORS is only a candidate: the next 8 windows are scored too
 * and the best one wins, because a window one byte early (AB AB AB AB AB 'NNN') can itself be
 * within a few bits of the pattern; one a byte late is excluded by lastSyncEnd.
 */
export function framerBit(st: FramerState, s: number, bitStart: number, bitLen: number, cb: FramerCallbacks): void {
  const bit = s > 0 ? 1 : 0;
  const k = st.bitCount;
  const slot = k & HISTORY_MASK;
  st.histBit[slot] = bit;
  st.histSoft[slot] = s;
  st.histStart[slot] = bitStart;
  st.bitCount = k + 1;

  const lo = ((st.lo >>> 1) | ((st.hi & 1) << 31)) >>> 0;
  const hi = ((st.hi >>> 1) | (bit << 31)) >>> 0;
  st.lo = lo;
  st.hi = hi;
  if (st.mode === 1) dataBit(st, s, bitStart, bitLen, cb);

  const pre = popcount32((lo ^ WINDOW_PREAMBLE) >>> 0);
  if (pre <= SYNC_MAX_ERRORS) {
    const dz = pre + popcount32((hi ^ WINDOW_ZCZC) >>> 0);
    const dn = pre + popcount32((hi ^ WINDOW_NNNN) >>> 0);
    const d = dz <= dn ? dz : dn;
    // A window overlapping the last sync is never a new burst: "NNNN" shifted by a byte
    // (AB AB AB 'N' 'NNN?') is within a few bits of the pattern.
    if (d <= SYNC_MAX_ERRORS && d < st.bestErrors && k - 63 > st.lastSyncEnd) {
      st.bestErrors = d;
      st.bestBit = k;
      st.bestKind = dz <= dn ? 'header' : 'eom';
      if (st.lookahead < 0) {
        st.lookahead = 8;
        return;
      }
    }
  }
  if (st.lookahead < 0 || --st.lookahead > 0) return;
  commitPending(st, bitLen, cb);
}
