/**
 * Cuts an encoder's byte stream into whole MP3 frames, ADTS frames or Ogg pages, so the
 * sender can drop old audio without breaking the stream and can start a new connection at
 * a boundary a listener's decoder can sync on.
 */
export interface EncodedUnit {
  data: Buffer;
  /**
   * 'header': an Ogg page carrying codec headers (identification, comment, setup). A new
   * connection must send the current chain's headers first; they are never dropped.
   */
  kind: 'audio' | 'header';
  /** Ogg only: this page starts a new chain (beginning-of-stream). */
  bos: boolean;
  /** Ogg only: the logical stream's serial number, and the page's sequence number. */
  serial: number;
  pageSeq: number;
}

export interface Framer {
  /** Feeds encoder output; returns the units it completes. Partial units stay inside. */
  push(chunk: Buffer): EncodedUnit[];
  /** Bytes skipped because they were not part of any unit (corruption, or an ID3 tag). */
  readonly skippedBytes: number;
}

export function createFramer(kind: 'mp3' | 'adts' | 'ogg'): Framer {
  switch (kind) {
    case 'mp3':
      return new SyncFramer(mp3FrameLength);
    case 'adts':
      return new SyncFramer(adtsFrameLength);
    case 'ogg':
      return new OggFramer();
  }
}

/** Growable byte buffer that hands out subarrays and compacts lazily. */
class ByteQueue {
  private buf = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }
  append(chunk: Buffer): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + chunk.length;
      if (need > this.buf.length || this.start === 0) {
        const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2, 8192));
        this.buf.copy(next, 0, this.start, this.end);
        this.buf = next;
      } else {
        this.buf.copy(this.buf, 0, this.start, this.end);
      }
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }
  byte(i: number): number {
    return this.buf[this.start + i]!;
  }
  view(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }
  /** Copies out n bytes (a unit outlives the buffer's next compaction). */
  take(n: number): Buffer {
    const out = Buffer.from(this.buf.subarray(this.start, this.start + n));
    this.start += n;
    return out;
  }
  skip(n: number): void {
    this.start += n;
  }
}

type LengthFn = (q: ByteQueue) => number;

/** MPEG audio and ADTS: a sync word, a header that gives the frame length. */
class SyncFramer implements Framer {
  private readonly q = new ByteQueue();
  skippedBytes = 0;
  constructor(private readonly frameLength: LengthFn) {}

  push(chunk: Buffer): EncodedUnit[] {
    this.q.append(chunk);
    const out: EncodedUnit[] = [];
    while (this.q.length >= 10) {
      const len = this.frameLength(this.q);
      if (len < 0) {
        this.q.skip(1);
        this.skippedBytes++;
        continue;
      }
      if (this.q.length < len) break;
      out.push({ data: this.q.take(len), kind: 'audio', bos: false, serial: 0, pageSeq: 0 });
    }
    return out;
  }
}

const MP3_KBPS = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MP3_RATES = { v1: [44100, 48000, 32000], v2: [22050, 24000, 16000], v25: [11025, 12000, 8000] };

/** Length of the MPEG-1/2/2.5 layer III frame at the queue head, or -1 if no valid header. */
function mp3FrameLength(q: ByteQueue): number {
  const b0 = q.byte(0);
  const b1 = q.byte(1);
  const b2 = q.byte(2);
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return -1;
  const version = (b1 >> 3) & 3; // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
  const layer = (b1 >> 1) & 3; // 1 = layer III
  const brIndex = b2 >> 4;
  const srIndex = (b2 >> 2) & 3;
  if (version === 1 || layer !== 1 || brIndex === 0 || brIndex === 15 || srIndex === 3) return -1;
  const pad = (b2 >> 1) & 1;
  if (version === 3) return Math.floor((144 * MP3_KBPS.v1[brIndex]! * 1000) / MP3_RATES.v1[srIndex]!) + pad;
  const rate = (version === 2 ? MP3_RATES.v2 : MP3_RATES.v25)[srIndex]!;
  return Math.floor((72 * MP3_KBPS.v2[brIndex]! * 1000) / rate) + pad;
}

/** Length of the ADTS frame at the queue head (header included), or -1. */
function adtsFrameLength(q: ByteQueue): number {
  if (q.byte(0) !== 0xff || (q.byte(1) & 0xf6) !== 0xf0) return -1;
  const len = ((q.byte(3) & 0x03) << 11) | (q.byte(4) << 3) | (q.byte(5) >> 5);
  const headerLen = (q.byte(1) & 1) === 1 ? 7 : 9;
  return len >= headerLen ? len : -1;
}

/** Ogg pages; knows which pages hold codec headers by counting header packets per chain. */
class OggFramer implements Framer {
  private readonly q = new ByteQueue();
  skippedBytes = 0;
  /** Per serial: header packets still expected (Vorbis 3, Opus 2). */
  private readonly headersLeft = new Map<number, number>();

  push(chunk: Buffer): EncodedUnit[] {
    this.q.append(chunk);
    const out: EncodedUnit[] = [];
    while (this.q.length >= 27) {
      const v = this.q.view();
      if (v[0] !== 0x4f || v[1] !== 0x67 || v[2] !== 0x67 || v[3] !== 0x53 || v[4] !== 0) {
        const next = v.indexOf('OggS', 1);
        const skip = next < 0 ? v.length - 3 : next;
        this.q.skip(skip);
        this.skippedBytes += skip;
        continue;
      }
      const nsegs = v[26]!;
      if (v.length < 27 + nsegs) break;
      let body = 0;
      for (let i = 0; i < nsegs; i++) body += v[27 + i]!;
      const len = 27 + nsegs + body;
      if (v.length < len) break;
      const flags = v[5]!;
      const serial = v.readUInt32LE(14);
      const pageSeq = v.readUInt32LE(18);
      const bos = (flags & 0x02) !== 0;
      if (bos) {
        const first = v.subarray(27 + nsegs, len);
        this.headersLeft.set(serial, headerPacketCount(first));
      }
      const left = this.headersLeft.get(serial) ?? 0;
      let kind: EncodedUnit['kind'] = 'audio';
      if (left > 0) {
        kind = 'header';
        let ended = 0;
        for (let i = 0; i < nsegs; i++) if (v[27 + i]! < 255) ended++;
        this.headersLeft.set(serial, Math.max(0, left - ended));
      }
      if (flags & 0x04) this.headersLeft.delete(serial);
      out.push({ data: this.q.take(len), kind, bos, serial, pageSeq });
    }
    return out;
  }
}

function headerPacketCount(firstPacket: Buffer): number {
  if (firstPacket.subarray(0, 8).toString('latin1') === 'OpusHead') return 2;
  if (firstPacket[0] === 1 && firstPacket.subarray(1, 7).toString('latin1') === 'vorbis') return 3;
  if (firstPacket.subarray(0, 8).toString('latin1') === 'Speex   ') return 2;
  if (firstPacket.subarray(0, 5).toString('latin1') === '\x7fFLAC') return 1 + firstPacket.readUInt16BE(7);
  return 1;
}

// ---- page rewriting -------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, not reflected, no final xor). */
export function oggCrc(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ page[i]!) & 0xff]!) >>> 0;
  return crc;
}

/**
 * Gives an Ogg page a new sequence number (and a fresh CRC), in place. Used when pages were
 * dropped or a new connection starts after the header pages, so listeners' decoders see an
 * unbroken page sequence.
 */
export function setOggPageSeq(page: Buffer, seq: number): void {
  page.writeUInt32LE(seq >>> 0, 18);
  page.writeUInt32LE(0, 22);
  page.writeUInt32LE(oggCrc(page), 22);
}
