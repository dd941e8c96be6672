/**
 * Stage 4: preamble sync and byte framing. A 64-bit sliding window is compared with the end of
 * the preamble followed by the first four characters (AB AB AB AB 'ZCZC', or AB AB AB AB 'NNNN');
 * at most SYNC_MAX_ERRORS differing bits give sync. Requiring the preamble and the message start
 * together makes a false sync on noise or programme audio vanishingly rare (under 1e-10 per bit)
 * while tolerating several bit errors at low SNR. After sync, bytes are read LSB first until the
 * header's structure says it is complete ('+' then 22 more characters), two bytes in a row fall
 * outside the SAME alphabet (carrier gone), or the longest legal header length is reached.
 */
import { MAX_HEADER_CHARS, PREAMBLE_BYTE, PREAMBLE_BYTES, TAIL_AFTER_PLUS } from './constants';

export type BurstKind = 'header' | 'eom';

export interface Burst {
  kind: BurstKind;
  /** Bytes after the preamble, as received (starting with the 4 sync characters). */
  bytes: Uint8Array;
  /** Soft value of each bit (8 per byte, LSB first), in [-1, 1]; positive is mark (1). */
  soft: Float32Array;
  /** Input sample index of the first preamble bit found. */
  startSample: number;
  /** Input sample index just after the last bit. */
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

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export interface FramerState {
  /** 0: searching for sync; 1: reading header bytes. */
  mode: 0 | 1;
  /** Bits left to look for a better-aligned sync after a first hit (-1: no candidate). */
  lookahead: number;
  bestErrors: number;
  bestSlot: number;
  bestKind: BurstKind;
  lo: number;
  hi: number;
  readonly histBit: Uint8Array;
  readonly histSoft: Float32Array;
  readonly histStart: Float64Array;
  histPos: number;
  readonly bytes: Uint8Array;
  readonly soft: Float32Array;
  nBytes: number;
  cur: number;
  nBit: number;
  invalidRun: number;
  plusAt: number;
  startSample: number;
}

export interface FramerCallbacks {
  /** Sync found (the timing loop switches to tracking gains). */
  onSync(startSample: number, kind: BurstKind): void;
  onBurst(burst: Burst): void;
}

export function createFramer(): FramerState {
  return {
    mode: 0,
    lookahead: -1,
    bestErrors: 99,
    bestSlot: 0,
    bestKind: 'header',
    lo: 0,
    hi: 0,
    histBit: new Uint8Array(HISTORY),
    histSoft: new Float32Array(HISTORY),
    histStart: new Float64Array(HISTORY),
    histPos: 0,
    bytes: new Uint8Array(MAX_HEADER_CHARS + 4),
    soft: new Float32Array((MAX_HEADER_CHARS + 4) * 8),
    nBytes: 0,
    cur: 0,
    nBit: 0,
    invalidRun: 0,
    plusAt: -1,
    startSample: 0,
  };
}

function finish(st: FramerState, kind: BurstKind, keep: number, endSample: number, cb: FramerCallbacks): void {
  st.lookahead = -1;
  st.bestErrors = 99;
  const burst: Burst = {
    kind,
    bytes: st.bytes.slice(0, keep),
    soft: st.soft.slice(0, keep * 8),
    startSample: st.startSample,
    endSample,
  };
  st.mode = 0;
  st.lo = 0;
  st.hi = 0;
  st.nBytes = 0;
  cb.onBurst(burst);
}

/** Ends a burst in progress (end of input). */
export function framerFlush(st: FramerState, endSample: number, bitLen: number, cb: FramerCallbacks): void {
  if (st.mode === 0 && st.lookahead >= 0) commitPending(st, bitLen, cb);
  if (st.mode === 1) finish(st, 'header', Math.max(4, st.nBytes - st.invalidRun), endSample, cb);
}

export function isFraming(st: FramerState): boolean {
  return st.mode === 1;
}

/** Rebuilds the 64-bit window ending at history slot `slot` (lo = oldest 32 bits). */
function windowAt(st: FramerState, slot: number): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < 32; k++) {
    lo |= st.histBit[(slot - 63 + k) & HISTORY_MASK] << k;
    hi |= st.histBit[(slot - 31 + k) & HISTORY_MASK] << k;
  }
  return [lo >>> 0, hi >>> 0];
}

/** Sync at the window ending at history slot `slot`: sets up the burst's first four bytes. */
function commitSync(st: FramerState, slot: number, kind: BurstKind, cb: FramerCallbacks): void {
  const histBit = st.histBit;
  const [, hi] = windowAt(st, slot);
  // Walk back over earlier preamble bytes to find where the burst began.
  const first = (slot - 63) & HISTORY_MASK;
  let startSlot = first;
  for (let b = 1; b <= PREAMBLE_BYTES - 4; b++) {
    const at = (first - 8 * b) & HISTORY_MASK;
    let byte = 0;
    for (let k = 0; k < 8; k++) byte |= histBit[(at + k) & HISTORY_MASK] << k;
    if (popcount32(byte ^ PREAMBLE_BYTE) > PREAMBLE_BYTE_ERRORS) break;
    startSlot = at;
  }
  st.startSample = st.histStart[startSlot];
  // The four characters in the window become the first four bytes.
  for (let k = 0; k < 4; k++) {
    st.bytes[k] = (hi >>> (8 * k)) & 0xff;
    for (let j = 0; j < 8; j++) st.soft[8 * k + j] = st.histSoft[(slot - 31 + 8 * k + j) & HISTORY_MASK];
  }
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
  st.bytes[n] = byte;
  st.nBytes = n + 1;
  st.cur = 0;
  st.nBit = 0;
  if (SAME_ALPHABET[byte]) {
    st.invalidRun = 0;
    if (byte === 43 && st.plusAt < 0) st.plusAt = n;
  } else if (++st.invalidRun >= 2) {
    finish(st, 'header', st.nBytes - 2, bitStart + bitLen - 16 * bitLen, cb); // end of the last valid byte
    return;
  }
  if ((st.plusAt >= 0 && st.nBytes >= st.plusAt + TAIL_AFTER_PLUS) || st.nBytes >= MAX_HEADER_CHARS) {
    finish(st, 'header', st.nBytes - st.invalidRun, bitStart + bitLen, cb);
  }
}

/**
 * Consumes bits: soft[i] in [-1, 1] (sign is the bit), start[i] the input sample index where
 * the bit starts, bitLen the bit length in input samples (for end stamps).
 *
 * A first window within SYNC_MAX_ERRORS is only a candidate: the next 8 windows are scored too
 * and the best one wins, because a window one byte early (AB AB AB AB AB 'NNN') can itself be
 * within a few bits of the pattern. The bits after the winner are then replayed as data.
 */
export function framerPush(st: FramerState, soft: Float32Array, start: Float64Array, count: number, bitLen: number, cb: FramerCallbacks): void {
  for (let i = 0; i < count; i++) framerBit(st, soft[i], start[i], bitLen, cb);
}

/** One bit: soft value in [-1, 1] and the input sample index where it starts. */
export function framerBit(st: FramerState, s: number, bitStart: number, bitLen: number, cb: FramerCallbacks): void {
  const bit = s > 0 ? 1 : 0;
  const pos = st.histPos;
  st.histBit[pos] = bit;
  st.histSoft[pos] = s;
  st.histStart[pos] = bitStart;
  st.histPos = (pos + 1) & HISTORY_MASK;

  if (st.mode === 1) {
    dataBit(st, s, bitStart, bitLen, cb);
    return;
  }
  const lo = ((st.lo >>> 1) | ((st.hi & 1) << 31)) >>> 0;
  const hi = ((st.hi >>> 1) | (bit << 31)) >>> 0;
  st.lo = lo;
  st.hi = hi;
  const pre = popcount32((lo ^ WINDOW_PREAMBLE) >>> 0);
  if (pre <= SYNC_MAX_ERRORS) {
    const dz = pre + popcount32((hi ^ WINDOW_ZCZC) >>> 0);
    const dn = pre + popcount32((hi ^ WINDOW_NNNN) >>> 0);
    const d = dz <= dn ? dz : dn;
    if (d <= SYNC_MAX_ERRORS && d < st.bestErrors) {
      st.bestErrors = d;
      st.bestSlot = pos;
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

/** Commits the best sync candidate, then replays the bits that followed it as data. */
function commitPending(st: FramerState, bitLen: number, cb: FramerCallbacks): void {
  const slot = st.bestSlot;
  const kind = st.bestKind;
  commitSync(st, slot, kind, cb);
  if (kind === 'eom') {
    finish(st, 'eom', 4, st.histStart[slot] + bitLen, cb);
    return;
  }
  st.mode = 1;
  for (let r = (slot + 1) & HISTORY_MASK; r !== st.histPos && st.mode === 1; r = (r + 1) & HISTORY_MASK) {
    dataBit(st, st.histSoft[r], st.histStart[r], bitLen, cb);
  }
}
