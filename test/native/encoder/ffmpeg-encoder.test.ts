import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncoderError, encoderArgs, FfmpegEncoder } from '../../../native/encoder/ffmpeg-encoder';
import { encoderPlan } from '../../../native/encoder/formats';
import { createFramer, type EncodedUnit } from '../../../native/encoder/framer';
import { FfmpegMissingError, ffmpegPath } from '../../../native/ffmpeg-path';
import { sleep, waitFor } from '../../helpers/stream-audio';

const RATE = 22050;
const encoders: FfmpegEncoder[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(encoders.splice(0).map((e) => e.stop(true)));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function toneBlock(start: number, n: number, hz = 440): Int16Array {
  const b = new Int16Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.round(12000 * Math.sin((2 * Math.PI * hz * (start + i)) / RATE));
  return b;
}

function collect(enc: FfmpegEncoder): { chunks: Buffer[]; units: EncodedUnit[] } {
  const framer = createFramer(enc.plan.framing);
  const out = { chunks: [] as Buffer[], units: [] as EncodedUnit[] };
  enc.on('data', (c) => {
    out.chunks.push(c);
    out.units.push(...framer.push(c));
  });
  return out;
}

function decodedSeconds(data: Buffer, demux: string): number {
  const pcm = execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', demux, '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'], { input: data, maxBuffer: 1 << 25 });
  return pcm.length / 2 / RATE;
}

describe('FfmpegEncoder', () => {
  for (const [format, kbps, demux] of [
    ['mp3', 128, 'mp3'],
    ['aac', 64, 'aac'],
    ['vorbis', 64, 'ogg'],
    ['opus', 48, 'ogg'],
  ] as const) {
    it(`${format}: 3 s of bus PCM in, a decodable ${format} stream of 3 s out`, async () => {
      const enc = new FfmpegEncoder({ format, bitrateKbps: kbps });
      encoders.push(enc);
      const out = collect(enc);
      enc.start();
      enc.write(toneBlock(0, RATE * 3));
      await enc.stop();
      const all = Buffer.concat(out.chunks);
      expect(enc.stats.samplesIn).toBe(RATE * 3);
      expect(enc.stats.bytesOut).toBe(all.length);
      expect(out.units.reduce((n, u) => n + u.data.length, 0)).toBe(all.length);
      // Encoders pad the start and end by up to a couple of frames.
      const secs = decodedSeconds(all, demux);
      expect(secs).toBeGreaterThan(2.93);
      expect(secs).toBeLessThan(3.15);
    });
  }

  it('low-latency arguments: no probing, packets flushed at once, ~100 ms Ogg pages, Opus at 48 kHz', () => {
    const opus = encoderArgs(encoderPlan('opus', 48), RATE, 'T');
    expect(opus.join(' ')).toContain('-probesize 32 -analyzeduration 0');
    expect(opus.join(' ')).toContain('-flush_packets 1');
    expect(opus.join(' ')).toContain('-page_duration 100000');
    expect(opus.join(' ')).toContain('-ar 48000');
    expect(opus.join(' ')).toContain('TITLE=T');
    const mp3 = encoderArgs(encoderPlan('mp3', 128), RATE, 'T');
    // 22050 Hz in and out: no resampler.
    expect(mp3.filter((a) => a === '-ar').length).toBe(1);
    expect(mp3.join(' ')).toContain('-id3v2_version 0 -write_xing 0');
    expect(mp3.join(' ')).not.toContain('TITLE');
  });

  it('plans rates and bitrates each codec accepts for mono', () => {
    expect(encoderPlan('mp3', 128).sampleRate).toBe(22050);
    expect(encoderPlan('mp3', 192).sampleRate).toBe(44100);
    expect(encoderPlan('vorbis', 128).sampleRate).toBe(44100);
    expect(encoderPlan('vorbis', 320).bitrateKbps).toBe(240);
    expect(encoderPlan('vorbis', 320).note).toMatch(/240/);
    expect(encoderPlan('opus', 320).bitrateKbps).toBe(256);
    expect(encoderPlan('aac', 128).sampleRate).toBe(44100);
  });

  it('restarts a killed encoder and keeps taking PCM; output carries on', async () => {
    const enc = new FfmpegEncoder({ format: 'mp3', bitrateKbps: 64, restartDelay: { minMs: 100 } });
    encoders.push(enc);
    const out = collect(enc);
    const errors: EncoderError[] = [];
    enc.on('error', (e) => errors.push(e));
    let restarted = 0;
    enc.on('restart', () => restarted++);
    enc.start();
    let fed = 0;
    const feed = setInterval(() => {
      enc.write(toneBlock(fed, 441));
      fed += 441;
    }, 20);
    try {
      await waitFor(() => out.units.length > 20, 'first output');
      const pid = enc.stats.pid!;
      process.kill(pid, 'SIGKILL');
      await waitFor(() => restarted === 1, 'restart');
      const before = out.units.length;
      await waitFor(() => out.units.length > before + 20, 'output after the restart');
      expect(enc.stats.pid).not.toBe(pid);
    } finally {
      clearInterval(feed);
    }
    expect(errors[0]?.code).toBe('encoder_exit');
    expect(enc.stats.restarts).toBe(1);
    expect(enc.stats.samplesIn).toBe(fed);
    expect(enc.stats.samplesLost).toBe(0);
  });

  it('no ffmpeg at the configured path: FfmpegMissingError at construction', () => {
    expect(() => new FfmpegEncoder({ format: 'mp3', bitrateKbps: 64, ffmpeg: '/nonexistent/ffmpeg' })).toThrow(FfmpegMissingError);
  });

  it('a broken ffmpeg (exits at once) is named, and retried with backoff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-broken-ffmpeg-'));
    dirs.push(dir);
    const fake = join(dir, 'ffmpeg');
    writeFileSync(fake, "#!/bin/sh\necho \"Unknown encoder 'libmp3lame'\" >&2\nexit 1\n", { mode: 0o755 });
    const enc = new FfmpegEncoder({ format: 'mp3', bitrateKbps: 64, ffmpeg: fake, restartDelay: { minMs: 50, maxMs: 400 } });
    encoders.push(enc);
    const errors: EncoderError[] = [];
    enc.on('error', (e) => errors.push(e));
    enc.start();
    enc.write(toneBlock(0, 441));
    await waitFor(() => errors.some((e) => e.code === 'ffmpeg_broken'), 'the broken-ffmpeg error');
    const broken = errors.find((e) => e.code === 'ffmpeg_broken')!;
    expect(broken.message).toMatch(/Unknown encoder 'libmp3lame'/);
    expect(broken.message).toMatch(/bundled ffmpeg/);
    // PCM written meanwhile is held (bounded), not thrown at a dead process.
    expect(enc.stats.samplesIn).toBe(441);
  });

  it('rechain: a new Ogg chain whose comment header carries the new title, no PCM lost', async () => {
    const enc = new FfmpegEncoder({ format: 'opus', bitrateKbps: 32, title: 'Before' });
    encoders.push(enc);
    const out = collect(enc);
    enc.start();
    enc.write(toneBlock(0, RATE));
    await sleep(300);
    enc.rechain('EAS: Tornado Warning');
    enc.write(toneBlock(RATE, RATE));
    await enc.stop();
    const bos = out.units.filter((u) => u.bos);
    expect(bos.length).toBe(2);
    expect(bos[0]!.serial).not.toBe(bos[1]!.serial);
    const all = Buffer.concat(out.chunks);
    const second = all.indexOf(bos[1]!.data);
    expect(all.indexOf('TITLE=Before')).toBeGreaterThan(-1);
    expect(all.indexOf('TITLE=EAS: Tornado Warning')).toBeGreaterThan(second);
    // The first chain ends (EOS) before the second begins: output order was kept.
    const eos = out.units.findIndex((u) => (u.data[5]! & 0x04) !== 0);
    expect(eos).toBeLessThan(out.units.indexOf(bos[1]!));
    expect(enc.stats.samplesIn).toBe(2 * RATE);
    expect(enc.stats.samplesToFfmpeg).toBe(2 * RATE);
    expect(enc.stats.rechains).toBe(1);
  });
});
