/**
 * WAV in and out. Reading accepts what recorders and ffmpeg write: PCM 8/16/24/32-bit integer,
 * 32/64-bit float, A-law and mu-law, WAVE_FORMAT_EXTENSIBLE, RIFF or RF64, any rate and channel count,
 * and a data chunk whose size is unknown (0 or 0xFFFFFFFF, as ffmpeg writes to a pipe). Everything is
 * mixed to mono Float32 in -1..1. Blocks can be converted as they arrive, so hours of audio never
 * have to sit in memory. Writing produces 16-bit PCM mono.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { f32ToS16Sample, s16ToF32Sample } from '../electron/core/dsp/pcm16';

export type WavEncoding = 'int' | 'float' | 'alaw' | 'mulaw';

export interface WavFormat {
  encoding: WavEncoding;
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
  /** Bytes per frame (all channels of one sample instant). */
  blockAlign: number;
}

export interface WavHeader extends WavFormat {
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of sample data, or null when the writer did not know it (read to end of stream). */
  dataBytes: number | null;
}

export class WavFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}

/** Thrown when more bytes are needed to find the data chunk; `needed` is a total length to retry with. */
export class WavHeaderIncomplete extends Error {
  constructor(readonly needed: number) {
    super(`WAV header needs at least ${needed} bytes`);
    this.name = 'WavHeaderIncomplete';
  }
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** True when the bytes start like a RIFF/RF64 WAVE file. */
export function looksLikeWav(b: Uint8Array): boolean {
  return b.length >= 12 && (fourcc(b, 0) === 'RIFF' || fourcc(b, 0) === 'RF64') && fourcc(b, 8) === 'WAVE';
}

/**
 * Finds the format and the start of the data chunk. Throws WavHeaderIncomplete when `b` ends before
 * the data chunk starts (call again with more bytes) and WavFormatError for files it cannot read.
 */
export function parseWavHeader(b: Uint8Array): WavHeader {
  if (b.length < 12) throw new WavHeaderIncomplete(12);
  if (!looksLikeWav(b)) throw new WavFormatError('not a WAV file (no RIFF/WAVE signature)');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const rf64 = fourcc(b, 0) === 'RF64';
  let rf64DataBytes: number | null = null;
  let format: WavFormat | null = null;
  let at = 12;
  for (;;) {
    if (at + 8 > b.length) throw new WavHeaderIncomplete(at + 8);
    const id = fourcc(b, at);
    const size = dv.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      if (!format) throw new WavFormatError('WAV data chunk comes before its fmt chunk');
      let dataBytes: number | null = size;
      if (rf64 && size === 0xffffffff) dataBytes = rf64DataBytes;
      else if (size === 0 || size === 0xffffffff) dataBytes = null;
      return { ...format, dataOffset: body, dataBytes };
    }
    if (body + size > b.length) throw new WavHeaderIncomplete(body + size + 8);
    if (id === 'fmt ') format = parseFmt(dv, body, size);
    else if (id === 'ds64' && size >= 16) {
      const lo = dv.getUint32(body + 8, true);
      const hi = dv.getUint32(body + 12, true);
      rf64DataBytes = hi * 2 ** 32 + lo;
    }
    at = body + size + (size & 1); // chunks are word aligned
  }
}

function parseFmt(dv: DataView, at: number, size: number): WavFormat {
  if (size < 16) throw new WavFormatError('WAV fmt chunk is too short');
  let tag = dv.getUint16(at, true);
  const channels = dv.getUint16(at + 2, true);
  const sampleRate = dv.getUint32(at + 4, true);
  const blockAlign = dv.getUint16(at + 12, true);
  const bitsPerSample = dv.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new WavFormatError('WAVE_FORMAT_EXTENSIBLE fmt chunk is too short');
    tag = dv.getUint16(at + 24, true); // first two bytes of the sub-format GUID
  }
  if (channels < 1) throw new WavFormatError('WAV file has no channels');
  if (sampleRate < 1) throw new WavFormatError('WAV file has no sample rate');
  let encoding: WavEncoding;
  if (tag === FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) encoding = 'int';
  else if (tag === FORMAT_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) encoding = 'float';
  else if (tag === FORMAT_ALAW && bitsPerSample === 8) encoding = 'alaw';
  else if (tag === FORMAT_MULAW && bitsPerSample === 8) encoding = 'mulaw';
  else throw new WavFormatError(`unsupported WAV encoding (format tag ${tag}, ${bitsPerSample} bits)`);
  const frame = (bitsPerSample / 8) * channels;
  return { encoding, bitsPerSample, channels, sampleRate, blockAlign: blockAlign >= frame ? blockAlign : frame };
}

function alawToFloat(v: number): number {
  v ^= 0x55;
  const sign = v & 0x80;
  const exp = (v >> 4) & 7;
  const mant = v & 0x0f;
  let mag = exp === 0 ? (mant << 4) + 8 : ((mant << 4) + 0x108) << (exp - 1);
  mag /= 32768;
  return sign ? mag : -mag;
}

function mulawToFloat(v: number): number {
  v = ~v & 0xff;
  const sign = v & 0x80;
  const exp = (v >> 4) & 7;
  const mant = v & 0x0f;
  const mag = (((mant << 3) + 0x84) << exp) - 0x84;
  return (sign ? -mag : mag) / 32768;
}

/**
 * Converts interleaved frames to mono (channel mean) as bytes arrive; keeps a partial frame between
 * calls. One converter per stream.
 */
export class WavToMono {
  private readonly fmt: WavFormat;
  private readonly bytesPerSample: number;
  private carry: Uint8Array;
  private carryLen = 0;
  private table: Float32Array | null = null;

  constructor(fmt: WavFormat) {
    this.fmt = fmt;
    this.bytesPerSample = fmt.bitsPerSample / 8;
    this.carry = new Uint8Array(fmt.blockAlign);
    if (fmt.encoding === 'alaw' || fmt.encoding === 'mulaw') {
      const t = new Float32Array(256);
      for (let k = 0; k < 256; k++) t[k] = fmt.encoding === 'alaw' ? alawToFloat(k) : mulawToFloat(k);
      this.table = t;
    }
  }

  /** Mono samples for the whole frames in carry + chunk. */
  push(chunk: Uint8Array): Float32Array {
    const align = this.fmt.blockAlign;
    let src = chunk;
    if (this.carryLen > 0) {
      const joined = new Uint8Array(this.carryLen + chunk.length);
      joined.set(this.carry.subarray(0, this.carryLen), 0);
      joined.set(chunk, this.carryLen);
      src = joined;
      this.carryLen = 0;
    }
    const frames = Math.floor(src.length / align);
    const rest = src.length - frames * align;
    const out = this.convert(src, frames);
    if (rest > 0) {
      this.carry.set(src.subarray(frames * align), 0);
      this.carryLen = rest;
    }
    return out;
  }

  private convert(src: Uint8Array, frames: number): Float32Array {
    const out = new Float32Array(frames);
    const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const { channels, blockAlign, encoding, bitsPerSample } = this.fmt;
    const bps = this.bytesPerSample;
    const scale = 1 / channels;
    const table = this.table;
    for (let f = 0; f < frames; f++) {
      let acc = 0;
      let p = f * blockAlign;
      for (let c = 0; c < channels; c++, p += bps) {
        let v: number;
        if (encoding === 'int') {
          if (bitsPerSample === 16) v = s16ToF32Sample(dv.getInt16(p, true));
          else if (bitsPerSample === 8) v = (src[p] - 128) / 128;
          else if (bitsPerSample === 24) v = ((src[p] | (src[p + 1] << 8) | (src[p + 2] << 16)) << 8 >> 8) / 8388608;
          else v = dv.getInt32(p, true) / 2147483648;
        } else if (encoding === 'float') {
          v = bitsPerSample === 32 ? dv.getFloat32(p, true) : dv.getFloat64(p, true);
        } else {
          v = table![src[p]];
        }
        acc += v;
      }
      out[f] = acc * scale;
    }
    return out;
  }
}

export interface WavAudio {
  sampleRate: number;
  channels: number;
  format: WavFormat;
  /** Mono mix. */
  samples: Float32Array;
}

/** A whole WAV file in memory, mixed to mono. */
export function decodeWav(bytes: Uint8Array): WavAudio {
  let h: WavHeader;
  try {
    h = parseWavHeader(bytes);
  } catch (err) {
    if (err instanceof WavHeaderIncomplete) throw new WavFormatError('WAV file ends before its data chunk');
    throw err;
  }
  const end = h.dataBytes === null ? bytes.length : Math.min(bytes.length, h.dataOffset + h.dataBytes);
  const samples = new WavToMono(h).push(bytes.subarray(h.dataOffset, end));
  return { sampleRate: h.sampleRate, channels: h.channels, format: h, samples };
}

/**
 * Mono Float32 blocks from a WAV byte stream (a file or ffmpeg's stdout), converted as the bytes
 * arrive so hours of audio never sit in memory. `onHeader` sees the format before the first block.
 */
export async function* wavStreamBlocks(chunks: AsyncIterable<Uint8Array>, onHeader?: (h: WavHeader) => void): AsyncGenerator<Float32Array> {
  let head: Uint8Array = new Uint8Array(0);
  let conv: WavToMono | null = null;
  let left = Number.POSITIVE_INFINITY;
  for await (const chunk of chunks) {
    let bytes: Uint8Array = chunk;
    if (!conv) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head, 0);
      joined.set(chunk, head.length);
      head = joined;
      let h: WavHeader;
      try {
        h = parseWavHeader(head);
      } catch (err) {
        if (err instanceof WavHeaderIncomplete) continue;
        throw err;
      }
      onHeader?.(h);
      conv = new WavToMono(h);
      left = h.dataBytes ?? Number.POSITIVE_INFINITY;
      bytes = head.subarray(h.dataOffset);
      head = new Uint8Array(0);
    }
    if (bytes.length > left) bytes = bytes.subarray(0, left);
    left -= bytes.length;
    const mono = conv.push(bytes);
    if (mono.length > 0) yield mono;
    if (left <= 0) return;
  }
  if (!conv) throw new WavFormatError(head.length === 0 ? 'the audio is empty' : looksLikeWav(head) ? 'the WAV data ends before its data chunk' : 'not a WAV file (no RIFF/WAVE signature)');
}

/** A WAV file as mono Float32 blocks of about `blockBytes` of input each. */
export function readWavBlocks(path: string, onHeader?: (h: WavHeader) => void, blockBytes = 1 << 18): AsyncGenerator<Float32Array> {
  return wavStreamBlocks(createReadStream(path, { highWaterMark: blockBytes }), onHeader);
}

/** Bytes before the samples in the 16-bit mono WAV files written here (RIFF + fmt + data headers). */
export const WAV16_HEADER_BYTES = 44;
/** Size written while a file is still being recorded: readers (parseWavHeader) take it as "to end of file". */
const UNKNOWN_SIZE = 0xffffffff;

/**
 * The one WAV header writer: the 44-byte header of 16-bit PCM mono at `sampleRate` with
 * `dataBytes` of samples, or with the "unknown" sizes when null (a file still being written).
 */
export function wav16Header(sampleRate: number, dataBytes: number | null): Uint8Array {
  const out = new Uint8Array(WAV16_HEADER_BYTES);
  const dv = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let k = 0; k < s.length; k++) out[at + k] = s.charCodeAt(k);
  };
  ascii(0, 'RIFF');
  dv.setUint32(4, dataBytes === null ? UNKNOWN_SIZE : 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, FORMAT_PCM, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  ascii(36, 'data');
  dv.setUint32(40, dataBytes === null ? UNKNOWN_SIZE : dataBytes, true);
  return out;
}

/** 16-bit PCM mono WAV bytes; samples are rounded and clipped as f32ToS16 does. */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(WAV16_HEADER_BYTES + dataBytes);
  out.set(wav16Header(sampleRate, dataBytes), 0);
  const dv = new DataView(out.buffer);
  for (let k = 0, p = WAV16_HEADER_BYTES; k < samples.length; k++, p += 2) dv.setInt16(p, f32ToS16Sample(samples[k]), true);
  return out;
}

export function writeWavFile(path: string, samples: Float32Array, sampleRate: number): void {
  writeFileSync(path, encodeWav16(samples, sampleRate));
}
