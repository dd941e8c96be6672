import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncoderError, encoderArgs, FfmpegEncoder } from '../../../native/encoder/ffmpeg-encoder';
import { encoderPlan } from '../../../native/encoder/formats';
import { createFramer, type EncodedUnit } from '../../../native/encoder/framer';
import { FfmpegMissingError, ffmpegPath } from '../../../native/ffmpeg-path';
import { sleep, waitFor } from '../../helpers/wait';

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
      await waitFor('first output', () => out.units.length > 20);
      const pid = enc.stats.pid!;
      process.kill(pid, 'SIGKILL');
      await waitFor('restart', () => restarted === 1);
      const before = out.units.length;
      await waitFor('output after the restart', () => out.units.length > before + 20);
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
    await waitFor('the broken-ffmpeg error', () => errors.some((e) => e.code === 'ffmpeg_broken'));
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

  it('supervision cannot spiral: kills after output restart within 1 s, and a short healthy run resets the backoff', async () => {
    const enc = new FfmpegEncoder({ format: 'mp3', bitrateKbps: 64, healthyRunMs: 1500 });
    encoders.push(enc);
    const out = collect(enc);
    enc.start();
    let fed = 0;
    const feed = setInterval(() => {
      enc.write(toneBlock(fed, 441));
      fed += 441;
    }, 20);
    const delays: number[] = [];
    try {
      for (let k = 0; k < 6; k++) {
        await waitFor(`encoder ${k + 1} producing output`, () => enc.stats.outputSince !== null, 10_000, { detail: () => JSON.stringify(enc.stats) });
        const pid = enc.stats.pid!;
        process.kill(pid, 'SIGKILL');
        await waitFor(`restart ${k + 1} scheduled`, () => enc.stats.restartDelayMs !== null && enc.stats.failures === k + 1, 10_000, { detail: () => JSON.stringify(enc.stats) });
        delays.push(enc.stats.restartDelayMs!);
      }
      // An encoder that worked and was killed comes back soon, however often it happens.
      expect(delays).toEqual([250, 500, 1000, 1000, 1000, 1000]);
      await waitFor('output after the last restart', () => enc.stats.outputSince !== null, 10_000);
      const since = enc.stats.outputSince!;
      await waitFor('a healthy run resetting the backoff', () => enc.stats.failures === 0, 10_000, { detail: () => JSON.stringify(enc.stats) });
      expect(enc.stats.lastOutputAt! - since).toBeGreaterThanOrEqual(1500);
    } finally {
      clearInterval(feed);
    }
    expect(out.chunks.length).toBeGreaterThan(0);
    expect(enc.stats.restarts).toBe(6);
  });

  it('PCM held across a restart is bounded to 2 s, fed at the pace ffmpeg drains it, the rest dropped and counted', async () => {
    const enc = new FfmpegEncoder({ format: 'mp3', bitrateKbps: 64, restartDelay: { minMs: 1000 } });
    encoders.push(enc);
    collect(enc);
    const errors: EncoderError[] = [];
    enc.on('error', (e) => errors.push(e));
    enc.start();
    enc.write(toneBlock(0, 441 * 10));
    await waitFor('first output', () => enc.stats.outputSince !== null);
    process.kill(enc.stats.pid!, 'SIGKILL');
    await waitFor('the death noticed', () => errors.length === 1);
    const lostAtDeath = enc.stats.samplesLost;
    // 10 s of PCM at once while no encoder runs: only the newest 2 s may wait for the next one.
    let fed = 441 * 10;
    for (let i = 0; i < 500; i++, fed += 441) enc.write(toneBlock(fed, 441));
    expect(enc.stats.samplesPending).toBe(RATE * 2);
    expect(enc.stats.samplesLost - lostAtDeath).toBe(500 * 441 - RATE * 2);
    await waitFor('the next encoder producing output', () => enc.stats.outputSince !== null, 10_000);
    // It took the held 2 s without being called stuck; real-time input carries on.
    const feed = setInterval(() => {
      enc.write(toneBlock(fed, 441));
      fed += 441;
    }, 20);
    try {
      const bytes = enc.stats.bytesOut;
      await waitFor('output carrying on', () => enc.stats.bytesOut > bytes + 8000, 10_000);
      await sleep(500);
    } finally {
      clearInterval(feed);
    }
    expect(errors.map((e) => e.code)).toEqual(['encoder_exit']);
    expect(enc.stats.samplesPending).toBeLessThan(RATE / 2);
    expect(enc.stats.samplesIn).toBe(fed);
    expect(enc.stats.samplesToFfmpeg + enc.stats.samplesLost + enc.stats.samplesPending).toBe(enc.stats.samplesIn);
  });

  it('an ffmpeg that never reads its input is stuck after the startup limit, and its input is dropped, bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-deaf-ffmpeg-'));
    dirs.push(dir);
    const fake = join(dir, 'ffmpeg');
    writeFileSync(fake, '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });
    const enc = new FfmpegEncoder({ format: 'mp3', bitrateKbps: 64, ffmpeg: fake, startupTimeoutMs: 1000, restartDelay: { minMs: 5000 } });
    encoders.push(enc);
    const errors: EncoderError[] = [];
    enc.on('error', (e) => errors.push(e));
    enc.start();
    let fed = 0;
    const feed = setInterval(() => {
      // Four times real time: the pipe fills within a second or so.
      for (let i = 0; i < 4; i++, fed += 441) enc.write(toneBlock(fed, 441));
    }, 20);
    try {
      await waitFor('the stuck encoder reported', () => errors.length > 0, 10_000, { detail: () => JSON.stringify(enc.stats) });
    } finally {
      clearInterval(feed);
    }
    expect(errors[0]!.code).toBe('encoder_stuck');
    expect(errors[0]!.message).toMatch(/read no input/);
    expect(enc.stats.samplesPending).toBeLessThanOrEqual(RATE * 2);
    expect(enc.stats.samplesToFfmpeg + enc.stats.samplesLost + enc.stats.samplesPending).toBe(enc.stats.samplesIn);
  });
});
