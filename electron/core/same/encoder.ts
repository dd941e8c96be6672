/**
 * SAME audio encoder: AFSK bursts (16 x 0xAB preamble, then the text, LSB first), attention
 * signal, optional voice placeholder and the EOM group, phase-continuous within each burst, at
 * any sample rate. The transmitter-imperfection knobs (bitRate, toneOffsetHz) exist so tests and
 * benchmarks can reproduce real senders; compliant audio leaves them at their defaults.
 */
import { EOM_TEXT, MARK_HZ, NWR_TONE_HZ, PREAMBLE_BYTE, PREAMBLE_BYTES, SAME_BAUD, SPACE_HZ, TWO_TONE_HIGH_HZ, TWO_TONE_LOW_HZ } from './constants';
import type { AttentionKind } from './attention';
import { writeSpeechLikeNoise } from './voice-placeholder';

export type { AttentionKind };

export interface SameEncodeOptions {
  /** Full header including the trailing '-', e.g. 'ZCZC-WXR-RWT-029095+0030-1051700-KEAX/NWS-'. Not validated here. */
  header: string;
  sampleRate: number;
  /** Attention signal; default NWR 1050 Hz for 8 s; null for none. */
  attention?: { kind: AttentionKind; seconds: number } | null;
  /** Speech-like noise between attention signal and EOM (0 or absent: none). */
  voiceSeconds?: number;
  /** Peak amplitude, default 0.5. */
  amplitude?: number;
  leadSilenceS?: number;
  tailSilenceS?: number;
  /** Sender bit clock, default 520.83 bit/s (tests use +/-2 %). */
  bitRate?: number;
  /** Offset added to both AFSK tones, default 0 Hz (tests use +/-50 Hz). */
  toneOffsetHz?: number;
  /** Pause between bursts, default 1 s (47 CFR 11.31(a)). */
  gapS?: number;
}

export interface BurstOptions {
  sampleRate: number;
  amplitude?: number;
  bitRate?: number;
  toneOffsetHz?: number;
  /** Preamble bytes before the payload, default 16. */
  preambleBytes?: number;
}

function textBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new Error(`SAME text must be 7-bit ASCII; character ${JSON.stringify(text[i])} at position ${i} is not`);
    out[i] = c;
  }
  return out;
}

/** Number of samples a burst of `payloadBytes` takes (preamble included). */
export function burstLength(payloadBytes: number, opts: BurstOptions): number {
  const bits = ((opts.preambleBytes ?? PREAMBLE_BYTES) + payloadBytes) * 8;
  return Math.ceil((bits * opts.sampleRate) / (opts.bitRate ?? SAME_BAUD));
}

/** Writes one AFSK burst (preamble + payload) at out[offset]; returns samples written. */
export function writeBurst(out: Float32Array, offset: number, payload: Uint8Array | string, opts: BurstOptions): number {
  const bytes = typeof payload === 'string' ? textBytes(payload) : payload;
  const pre = opts.preambleBytes ?? PREAMBLE_BYTES;
  const rate = opts.sampleRate;
  const bitRate = opts.bitRate ?? SAME_BAUD;
  const amp = opts.amplitude ?? 0.5;
  const off = opts.toneOffsetHz ?? 0;
  const wMark = (2 * Math.PI * (MARK_HZ + off)) / rate;
  const wSpace = (2 * Math.PI * (SPACE_HZ + off)) / rate;
  const total = pre + bytes.length;
  const n = burstLength(bytes.length, opts);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    // Bit boundaries fall at fractional sample times; the sample takes the bit it starts in.
    const bitIndex = Math.floor((i * bitRate) / rate);
    const byteIndex = bitIndex >> 3;
    const byte = byteIndex < pre ? PREAMBLE_BYTE : byteIndex < total ? bytes[byteIndex - pre] : 0;
    const bit = (byte >> (bitIndex & 7)) & 1;
    out[offset + i] = amp * Math.sin(phase);
    phase += bit ? wMark : wSpace;
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
  }
  return n;
}

/** One burst as its own buffer. */
export function encodeBurst(payload: Uint8Array | string, opts: BurstOptions): Float32Array {
  const len = typeof payload === 'string' ? payload.length : payload.length;
  const out = new Float32Array(burstLength(len, opts));
  writeBurst(out, 0, payload, opts);
  return out;
}

/** Writes an attention signal (1050 Hz, or 853 + 960 Hz at half amplitude each). */
export function writeAttention(out: Float32Array, offset: number, count: number, kind: AttentionKind, sampleRate: number, amplitude: number): void {
  if (kind === 'nwr') {
    const w = (2 * Math.PI * NWR_TONE_HZ) / sampleRate;
    for (let i = 0; i < count; i++) out[offset + i] = amplitude * Math.sin(w * i);
  } else {
    const w1 = (2 * Math.PI * TWO_TONE_LOW_HZ) / sampleRate;
    const w2 = (2 * Math.PI * TWO_TONE_HIGH_HZ) / sampleRate;
    const a = amplitude / 2;
    for (let i = 0; i < count; i++) out[offset + i] = a * (Math.sin(w1 * i) + Math.sin(w2 * i));
  }
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A complete SAME message: 3 headers, attention, voice placeholder, 3 EOMs. */
export function encodeSame(opts: SameEncodeOptions): Float32Array {
  const rate = opts.sampleRate;
  if (!(rate >= 8000 && rate <= 192000)) throw new Error(`sample rate ${rate} is outside 8000-192000 Hz; pick a rate in that range`);
  const amp = opts.amplitude ?? 0.5;
  const attention = opts.attention === undefined ? { kind: 'nwr' as const, seconds: 8 } : opts.attention;
  const voiceS = opts.voiceSeconds ?? 0;
  const gap = Math.round((opts.gapS ?? 1) * rate);
  const lead = Math.round((opts.leadSilenceS ?? 0.5) * rate);
  const tail = Math.round((opts.tailSilenceS ?? 0.5) * rate);
  const burst: BurstOptions = { sampleRate: rate, amplitude: amp, bitRate: opts.bitRate, toneOffsetHz: opts.toneOffsetHz };
  const header = textBytes(opts.header);
  const eom = textBytes(EOM_TEXT);
  const hLen = burstLength(header.length, burst);
  const eLen = burstLength(eom.length, burst);
  const attLen = attention && attention.seconds > 0 ? Math.round(attention.seconds * rate) : 0;
  const voiceLen = voiceS > 0 ? Math.round(voiceS * rate) : 0;

  let total = lead + 3 * hLen + 3 * gap;
  if (attLen) total += attLen + gap;
  if (voiceLen) total += voiceLen + gap;
  total += 3 * eLen + 2 * gap + tail;

  const out = new Float32Array(total);
  let at = lead;
  for (let k = 0; k < 3; k++) {
    at += writeBurst(out, at, header, burst);
    at += gap;
  }
  if (attLen && attention) {
    writeAttention(out, at, attLen, attention.kind, rate, amp);
    at += attLen + gap;
  }
  if (voiceLen) {
    writeSpeechLikeNoise(out, at, voiceLen, rate, amp * 0.8, seedOf(opts.header));
    at += voiceLen + gap;
  }
  for (let k = 0; k < 3; k++) {
    at += writeBurst(out, at, eom, burst);
    if (k < 2) at += gap;
  }
  return out;
}
