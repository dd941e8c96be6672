import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { decodeWav, encodeWav16, parseWavHeader, readWavBlocks, WavFormatError, WavHeaderIncomplete, WavToMono, writeWavFile } from '../../native/wav';

const dir = mkdtempSync(join(tmpdir(), 'eas-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RATE = 11025;
function tone(n = 2000, hz = 440, amp = 0.5): Float32Array {
  const x = new Float32Array(n);
  for (let k = 0; k < n; k++) x[k] = amp * Math.sin((2 * Math.PI * hz * k) / RATE);
  return x;
}
function maxErr(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

describe('WAV writer and reader', () => {
  it('round-trips 16-bit mono and clips out-of-range samples', () => {
    const x = tone();
    const back = decodeWav(encodeWav16(x, RATE));
    expect(back.sampleRate).toBe(RATE);
    expect(back.channels).toBe(1);
    expect(maxErr(back.samples, x)).toBeLessThan(1 / 16000);
    const clipped = decodeWav(encodeWav16(Float32Array.from([2, -2, 0.5]), RATE)).samples;
    expect(clipped[0]).toBeCloseTo(32767 / 32768, 6);
    expect(clipped[1]).toBe(-1);
  });

  // Real files from the bundled ffmpeg in each format the reader claims.
  const src = join(dir, 'src.wav');
  const x = tone();
  writeWavFile(src, x, RATE);
  const ffmpeg = ffmpegPath();
  const variants: [string, string[], number][] = [
    ['u8', ['-c:a', 'pcm_u8'], 1 / 100],
    ['s24', ['-c:a', 'pcm_s24le'], 1e-4],
    ['s32', ['-c:a', 'pcm_s32le'], 1e-4],
    ['f32', ['-c:a', 'pcm_f32le'], 1e-4],
    ['f64', ['-c:a', 'pcm_f64le'], 1e-4],
    ['alaw', ['-c:a', 'pcm_alaw'], 1 / 50],
    ['mulaw', ['-c:a', 'pcm_mulaw'], 1 / 50],
    ['stereo', ['-af', 'pan=stereo|c0=c0|c1=c0'], 1e-4],
    ['6ch extensible s24', ['-af', 'pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0', '-c:a', 'pcm_s24le'], 1e-4],
    ['48k', ['-ar', '48000'], -1],
  ];
  it.each(variants)('reads %s', (name, args, tol) => {
    const out = join(dir, `${name.replace(/\W/g, '_')}.wav`);
    execFileSync(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', src, ...args, out]);
    const bytes = new Uint8Array(readFileSync(out));
    const a = decodeWav(bytes);
    if (tol < 0) {
      expect(a.sampleRate).toBe(48000);
      expect(Math.abs(a.samples.length - Math.round((x.length * 48000) / RATE))).toBeLessThan(64);
      return;
    }
    expect(a.sampleRate).toBe(RATE);
    // Every channel carries the source (pan filter), so the mono mix equals it.
    expect(maxErr(a.samples, x)).toBeLessThan(tol);
    if (name.startsWith('6ch')) expect(new DataView(bytes.buffer).getUint16(20, true)).toBe(0xfffe);
  });

  it('streams blocks from a file and from a pipe-style WAV with unknown data size', async () => {
    const big = tone(100_000);
    const path = join(dir, 'big.wav');
    writeWavFile(path, big, RATE);
    const blocks: Float32Array[] = [];
    let rate = 0;
    for await (const b of readWavBlocks(path, (h) => (rate = h.sampleRate), 4099)) blocks.push(b);
    expect(rate).toBe(RATE);
    expect(blocks.length).toBeGreaterThan(10);
    const joined = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of blocks) {
      joined.set(b, at);
      at += b.length;
    }
    expect(maxErr(joined, big)).toBeLessThan(1 / 16000);

    // ffmpeg writing to a pipe leaves the sizes unknown; the reader reads to the end.
    const piped = execFileSync(ffmpeg, ['-nostdin', '-v', 'error', '-i', src, '-c:a', 'pcm_f32le', '-f', 'wav', '-'], { maxBuffer: 1 << 24 });
    const h = parseWavHeader(new Uint8Array(piped));
    expect(h.encoding).toBe('float');
    expect(decodeWav(new Uint8Array(piped)).samples.length).toBe(x.length);
  });

  it('converts frames split across chunk boundaries', () => {
    const conv = new WavToMono({ encoding: 'int', bitsPerSample: 24, channels: 2, sampleRate: RATE, blockAlign: 6 });
    const frame = Uint8Array.from([0, 0, 0x40, 0, 0, 0xc0]); // +0.5 and -0.5 -> mean 0
    const frame2 = Uint8Array.from([0, 0, 0x40, 0, 0, 0x40]); // 0.5
    expect(Array.from(conv.push(frame.subarray(0, 4)))).toEqual([]);
    expect(Array.from(conv.push(Uint8Array.from([...frame.subarray(4), ...frame2.subarray(0, 1)])))).toEqual([0]);
    expect(Array.from(conv.push(frame2.subarray(1)))).toEqual([0.5]);
  });

  it('refuses what it cannot read, with a reason', () => {
    expect(() => parseWavHeader(new TextEncoder().encode('ID3\u0004 not a wav file at all'))).toThrow(WavFormatError);
    expect(() => parseWavHeader(new Uint8Array(8))).toThrow(WavHeaderIncomplete);
    const adpcm = encodeWav16(tone(10), RATE);
    new DataView(adpcm.buffer).setUint16(20, 2, true); // MS ADPCM
    expect(() => decodeWav(adpcm)).toThrow(/unsupported WAV encoding \(format tag 2/);
    writeFileSync(join(dir, 'trunc.wav'), adpcm.subarray(0, 30));
    expect(() => decodeWav(adpcm.subarray(0, 30))).toThrow(/ends before its data chunk/);
  });
});
