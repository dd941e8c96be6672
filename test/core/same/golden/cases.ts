/**
 * Golden decodes: short generated recordings, each named by what it holds, its rate and its sample
 * format (the sameold habit: long_message.22050.s16le), and the event lines `eas-console decode`
 * prints for it, kept as text next to this file. A change in the decoder's output then shows as a
 * diff of those lines. The audio is generated here, deterministically, never committed.
 *
 * scripts/same-golden.ts rewrites the .txt files (after a deliberate change) and can write the
 * WAVs out for listening or for other decoders.
 */
import { encodeBurst, encodeSame, writeAttention } from '../../../../electron/core/same/index';
import { addAwgn, concat, silence } from '../../../helpers/signals';

export type SampleFormat = 'u8' | 's16' | 's24' | 'f32';

export interface GoldenCase {
  /** File name stem: what.rate.format */
  name: string;
  rate: number;
  format: SampleFormat;
  make: () => Float32Array;
  /** Also list the bursts as heard (decode --verbose), for cases where they are the point. */
  verbose?: boolean;
}

/** The time `decode` is told it received them (the header's year follows from it). */
export const RECEIVED = '2026-04-15T17:01:00Z';

const TOR = 'ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-';

function bursts(header: string, rate: number, which: readonly boolean[], opts: { bitRate?: number; toneOffsetHz?: number } = {}): Float32Array {
  const b = encodeBurst(header, { sampleRate: rate, ...opts });
  const parts: Float32Array[] = [];
  for (const on of which) parts.push(on ? b : new Float32Array(b.length), silence(1, rate));
  return concat(...parts);
}

function eoms(rate: number): Float32Array {
  const e = encodeBurst('NNNN', { sampleRate: rate });
  return concat(e, silence(1, rate), e, silence(1, rate), e);
}

function tone(kind: 'nwr' | 'two-tone', seconds: number, rate: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  writeAttention(x, 0, x.length, kind, rate, 0.5);
  return x;
}

/** Noise at `snr` with the density of that SNR at 22050 Hz (the definition). */
function noise(x: Float32Array, rate: number, snr: number, seed: number): Float32Array {
  return addAwgn(x, snr + 10 * Math.log10(22050 / rate), seed);
}

export const GOLDEN_CASES: readonly GoldenCase[] = [
  {
    name: 'tor-nwr.22050.s16',
    rate: 22050,
    format: 's16',
    make: () => encodeSame({ header: TOR, sampleRate: 22050, attention: { kind: 'nwr', seconds: 2 } }),
  },
  {
    name: 'rwt-noisy.8000.u8',
    rate: 8000,
    format: 'u8',
    make: () => noise(encodeSame({ header: 'ZCZC-WXR-RWT-020103-020209-020091+0030-1051700-KEAX/NWS-', sampleRate: 8000, attention: { kind: 'nwr', seconds: 2 } }), 8000, 3, 1),
  },
  {
    name: 'svr-middle-burst-lost.48000.f32',
    rate: 48000,
    format: 'f32',
    make: () => concat(silence(0.3, 48000), bursts('ZCZC-WXR-SVR-048201-048157+0100-1051710-KHGX/NWS-', 48000, [true, false, true]), tone('nwr', 2, 48000), silence(1, 48000), eoms(48000), silence(0.5, 48000)),
  },
  {
    name: 'rwt-tv-station-id.16000.s24',
    rate: 16000,
    format: 's24',
    make: () => encodeSame({ header: 'ZCZC-EAS-RWT-012057-012081-012101+0030-2780415-WTSP/TV-', sampleRate: 16000, attention: { kind: 'two-tone', seconds: 2 } }),
  },
  {
    name: 'ffw-clock-and-tone-off.44100.s16',
    rate: 44100,
    format: 's16',
    make: () =>
      noise(concat(silence(0.3, 44100), bursts('ZCZC-CIV-FFW-036061+0600-0011200-NYCEM   -', 44100, [true, true, true], { bitRate: 531.25, toneOffsetHz: -50 }), eoms(44100), silence(0.5, 44100)), 44100, 0, 2),
  },
  {
    name: 'eom-only.11025.s16',
    rate: 11025,
    format: 's16',
    make: () => concat(silence(0.5, 11025), eoms(11025), silence(0.5, 11025)),
  },
  {
    name: 'tor-deep-noise.22050.f32',
    rate: 22050,
    format: 'f32',
    make: () => noise(encodeSame({ header: TOR, sampleRate: 22050, attention: { kind: 'nwr', seconds: 3 } }), 22050, -5, 3),
  },
  {
    name: 'single-burst.22050.s16',
    rate: 22050,
    format: 's16',
    verbose: true,
    make: () => concat(silence(0.3, 22050), bursts(TOR, 22050, [true]), silence(4, 22050)),
  },
];

/** A mono WAV file of `x` in `format` (clipped to full scale for the integer formats). */
export function wavBytes(x: Float32Array, rate: number, format: SampleFormat): Buffer {
  const bytesPer = format === 'u8' ? 1 : format === 's16' ? 2 : format === 's24' ? 3 : 4;
  const data = Buffer.alloc(x.length * bytesPer);
  for (let i = 0; i < x.length; i++) {
    const v = Math.max(-1, Math.min(1, x[i]));
    if (format === 'u8') data[i] = Math.round(v * 127) + 128;
    else if (format === 's16') data.writeInt16LE(Math.round(v * 32767), 2 * i);
    else if (format === 's24') data.writeIntLE(Math.round(v * 8388607), 3 * i, 3);
    else data.writeFloatLE(x[i], 4 * i);
  }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(format === 'f32' ? 3 : 1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * bytesPer, 28);
  h.writeUInt16LE(bytesPer, 32);
  h.writeUInt16LE(8 * bytesPer, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
