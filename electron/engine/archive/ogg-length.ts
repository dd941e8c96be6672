import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Opus granule positions count 48 kHz samples, whatever the input rate was. */
const OPUS_RATE = 48_000;
const HEADER = 27;
/**
 * The first look at the end: the encoder cuts a page every 250 ms (about 1 KB at 32 kbit/s), so
 * this holds the last whole pages of a cleanly closed file. Verify reads it for every row.
 */
const FIRST_TAIL_BYTES = 8 * 1024;
/** An Ogg page is at most 27 + 255 + 255 * 255 bytes: one straddling a window's edge is read whole. */
const MAX_PAGE = HEADER + 255 + 255 * 255;
/**
 * How far back a damaged end is searched for the last whole page (a crash can zero the tail).
 * Beyond it the length is unknown (null), never 0: 0 lets a repair drop the row.
 */
const MAX_SCAN_BYTES = 64 * 1024 * 1024;

let crcTable: Uint32Array | null = null;
function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    crcTable[i] = r >>> 0;
  }
  return crcTable;
}

/** Ogg's page CRC (polynomial 0x04c11db7, no reflection), with the CRC field itself as zeros. */
function pageCrc(buf: Buffer, start: number, end: number): number {
  const t = table();
  let crc = 0;
  for (let i = start; i < end; i++) {
    const b = i - start >= 22 && i - start < 26 ? 0 : buf[i]!;
    crc = ((crc << 8) ^ t[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  }
  return crc;
}

/** The page at `p` if it is whole and its CRC holds: its end and granule position. */
function pageAt(buf: Buffer, p: number): { end: number; granule: bigint } | null {
  if (p + HEADER > buf.length || buf.toString('latin1', p, p + 4) !== 'OggS' || buf[p + 4] !== 0) return null;
  const nsegs = buf[p + 26]!;
  if (p + HEADER + nsegs > buf.length) return null;
  let body = 0;
  for (let i = 0; i < nsegs; i++) body += buf[p + HEADER + i]!;
  const end = p + HEADER + nsegs + body;
  if (end > buf.length || pageCrc(buf, p, end) !== buf.readUInt32LE(p + 22)) return null;
  return { end, granule: buf.readBigInt64LE(p + 6) };
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  const n = readSync(fd, buf, 0, len, pos);
  return buf.subarray(0, n);
}

/**
 * How much audio an Ogg Opus segment holds, from its pages alone (no decoding): the granule
 * position of its last whole page, less the encoder's pre-skip, at `rate`. That is the length a
 * decoder yields, to within a frame, including for a file cut short mid-page (the torn page
 * fails its CRC and the one before counts) or whose end a crash left zeroed (the search goes
 * back until a whole page). Reads two small parts of a sound file, so every segment of a week
 * can be checked in seconds. 0 for an empty file or one with headers only; null when it is not
 * Ogg Opus or cannot be read (only decoding can say more).
 */
export function oggOpusSamples(file: string, rate: number): number | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    // Certainly nothing in it (a writer that failed before its first page).
    if (size === 0) return 0;
    const head = readAt(fd, 0, Math.min(size, 4096));
    const first = pageAt(head, 0);
    if (!first || head.toString('latin1', HEADER + head[26]!, HEADER + head[26]! + 8) !== 'OpusHead') return null;
    const preSkip = head.readUInt16LE(HEADER + head[26]! + 10);
    // Windows back from the end, each twice the last: a clean end is found in the first, a
    // tail zeroed by a crash in a few more, never scanning the whole file unless it must.
    let end = size;
    let chunk = FIRST_TAIL_BYTES;
    /** Bytes [start, start + buf.length) of the file: this window plus a page's length after it. */
    let buf = Buffer.alloc(0);
    while (end > 0) {
      if (size - end > MAX_SCAN_BYTES) return null;
      const start = Math.max(0, end - chunk);
      buf = Buffer.concat([readAt(fd, start, end - start), buf]);
      if (buf.length > end - start + MAX_PAGE) buf = buf.subarray(0, end - start + MAX_PAGE);
      for (let p = buf.lastIndexOf('OggS', end - start - 1); p >= 0; p = p > 0 ? buf.lastIndexOf('OggS', p - 1) : -1) {
        const page = pageAt(buf, p);
        // -1: no packet ends on this page; 0 or less than the pre-skip: the headers, no audio yet.
        if (!page || page.granule < 0n) continue;
        const audio = Number(page.granule) - preSkip;
        return audio > 0 ? Math.round((audio * rate) / OPUS_RATE) : 0;
      }
      end = start;
      chunk *= 2;
    }
    // Not even the header page, which was whole at the start: the file changed under us.
    return null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
