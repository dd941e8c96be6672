import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeSame, SameReceiver, type SameEvent } from '../../../electron/core/same/index';
import { ffmpegPath } from '../../../native/ffmpeg-path';
import { addAwgn, bandLimit, clip, deEmphasis, fromS16le, preEmphasis, quantizeS16, scaleToPeakDbfs, wavS16 } from '../../helpers/signals';

const HEADER = 'ZCZC-CIV-EVI-048201-048157+0100-0451830-KHOU/TV -';
const RATE = 22050;

function decode(x: Float32Array, rate = RATE): SameEvent[] {
  const events: SameEvent[] = [];
  const rx = new SameReceiver({ sampleRate: rate, onEvent: (e) => events.push(e) });
  rx.push(x);
  rx.flush();
  return events;
}

function summary(events: SameEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'header') out.push(e.raw === HEADER ? 'header' : `WRONG ${e.raw}`);
    else if (e.type === 'eom') out.push('eom');
    else if (e.type === 'attention') out.push(`${e.phase}:${e.kind}`);
  }
  return out;
}

describe('SameReceiver through broadcast channel impairments', () => {
  const clean = encodeSame({ header: HEADER, sampleRate: RATE, attention: { kind: 'two-tone', seconds: 3 } });
  const impairments: Array<[string, (x: Float32Array) => Float32Array]> = [
    ['FM pre-emphasis (75 us)', (x) => preEmphasis(x, RATE, 75)],
    ['FM de-emphasis (75 us)', (x) => deEmphasis(x, RATE, 75)],
    ['de-emphasis twice (150 us tilt)', (x) => deEmphasis(deEmphasis(x, RATE, 75), RATE, 75)],
    ['300-3000 Hz band limit', (x) => bandLimit(x, RATE, 300, 3000)],
    ['hard clipping (+18 dB into full scale)', (x) => clip(x, 8)],
    ['-40 dBFS input through 16-bit quantisation', (x) => quantizeS16(scaleToPeakDbfs(x, -40))],
  ];
  for (const [label, impair] of impairments) {
    it(`decodes after ${label}, clean and with noise at 3 dB SNR`, () => {
      expect(summary(decode(impair(clean)))).toEqual(['header', 'start:two-tone', 'end:two-tone', 'eom']);
      for (const seed of [1, 2, 3]) {
        const got = summary(decode(impair(addAwgn(clean, 3, seed))));
        expect(got.filter((s) => s.startsWith('WRONG'))).toEqual([]);
        expect(got).toContain('header');
        expect(got).toContain('eom');
      }
    });
  }

  it('decodes after an MP3 24 kbit/s encode/decode round trip through the bundled ffmpeg', () => {
    const ff = ffmpegPath();
    for (const snr of [40, 6]) {
      const wav = wavS16(addAwgn(clean, snr, 11), RATE);
      const enc = spawnSync(ff, ['-hide_banner', '-loglevel', 'error', '-f', 'wav', '-i', 'pipe:0', '-c:a', 'libmp3lame', '-b:a', '24k', '-f', 'mp3', 'pipe:1'], {
        input: wav,
        maxBuffer: 64 << 20,
        timeout: 30_000,
      });
      expect(enc.status, String(enc.stderr)).toBe(0);
      // 24 kbit/s: the MP3 must be much smaller than the 352 kbit/s PCM.
      expect(enc.stdout.length).toBeLessThan(wav.length / 10);
      const dec = spawnSync(ff, ['-hide_banner', '-loglevel', 'error', '-f', 'mp3', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'], {
        input: enc.stdout,
        maxBuffer: 64 << 20,
        timeout: 30_000,
      });
      expect(dec.status, String(dec.stderr)).toBe(0);
      const got = summary(decode(fromS16le(dec.stdout)));
      expect(got).toEqual(['header', 'start:two-tone', 'end:two-tone', 'eom']);
    }
  });
});
