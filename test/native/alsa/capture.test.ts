import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { AlsaSpec } from '../../../electron/contract';
import type { CaptureContext } from '../../../electron/engine/sources/adapter';
import { CaptureError } from '../../../electron/engine/sources/adapter';
import { createAlsaAdapter } from '../../../electron/engine/sources/alsa';
import { classifyAlsaFailure } from '../../../native/alsa/errors';
import { captureAlsa } from '../../../native/alsa/capture';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeAlsaFeed, toneWithSilence, type AlsaFeed } from '../../helpers/alsa-feed';

/** Runs the real adapter, collecting audio until `enough(total)` says stop (or it throws). */
async function capture(spec: AlsaSpec, env: NodeJS.ProcessEnv, wantSamples: number) {
  const ac = new AbortController();
  const chunks: Float32Array[] = [];
  let total = 0;
  const logs: string[] = [];
  const ctx: CaptureContext = {
    emit(block) {
      if (total >= wantSamples) return;
      chunks.push(block.slice());
      total += block.length;
      if (total >= wantSamples) ac.abort();
    },
    setNowPlaying() {},
    setSignalDb() {},
    log: (_l, m) => logs.push(m),
    signal: ac.signal,
  };
  const guard = setTimeout(() => ac.abort(), 20_000);
  try {
    await createAlsaAdapter(spec, { env }).run(ctx);
  } finally {
    clearTimeout(guard);
  }
  const all = new Float32Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return { audio: all.subarray(0, wantSamples), logs };
}

/** Amplitude of `hz` in `x` by correlation (a one-bin DFT), so noise and offsets do not count. */
function toneAmplitude(x: Float32Array, hz: number, rate = 22050): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

function arecordPids(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid,ppid,stat,comm'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => /\barecord\b/.test(l) && l.trim().split(/\s+/)[1] === String(process.pid))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe('ALSA capture through arecord (file plugin over a null slave)', () => {
  let feed: AlsaFeed | undefined;
  afterEach(() => feed?.cleanup());

  it('delivers the device audio as 22050 Hz mono blocks and leaves no process behind', async () => {
    const signal = toneWithSilence(1000, 1, 0.5, 0.2, 1.5);
    feed = makeAlsaFeed(signal);
    const { audio } = await capture({ kind: 'alsa', device: 'eas_feed', rate: 22050, channels: 1 }, feed.env, signal.length - 22050);
    const lead = Math.round(0.2 * 22050);
    // s16 round trip: within one LSB
    let maxErr = 0;
    for (let i = 0; i < audio.length; i++) maxErr = Math.max(maxErr, Math.abs(audio[i]! - signal[i]!));
    expect(maxErr).toBeLessThan(1 / 16384);
    expect(toneAmplitude(audio.subarray(lead, lead + 22050), 1000)).toBeCloseTo(0.5, 2);
    expect(arecordPids()).toEqual([]);
  });

  it('opens a device at its own rate and channel count and converts to the bus format', async () => {
    // A stereo 48 kHz card: the feed file is written in that format and opened so.
    const at48 = toneWithSilence(1000, 1, 0.5, 0.2, 1.5, 48000);
    feed = makeAlsaFeed(at48, 2);
    const { audio } = await capture({ kind: 'alsa', device: 'eas_feed', rate: 48000, channels: 2 }, feed.env, 2 * 22050);
    const env = (from: number, to: number) => toneAmplitude(audio.subarray(Math.round(from * 22050), Math.round(to * 22050)), 1000);
    // The tone is where it was (0.2-1.2 s), at its level (channels averaged, not summed).
    expect(env(0.3, 1.1)).toBeGreaterThan(0.48);
    expect(env(0.3, 1.1)).toBeLessThan(0.52);
    expect(env(0, 0.15)).toBeLessThan(0.01);
    expect(env(1.3, 1.9)).toBeLessThan(0.01);
    expect(arecordPids()).toEqual([]);
  });

  it('a missing device is a named, retryable error with a hint', async () => {
    feed = makeAlsaFeed(new Float32Array(10));
    const err = await createAlsaAdapter({ kind: 'alsa', device: 'no_such_pcm', rate: 22050, channels: 1 }, { env: feed.env })
      .run({ emit() {}, setNowPlaying() {}, setSignalDb() {}, log() {}, signal: new AbortController().signal })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect(err).toMatchObject({ code: 'alsa_missing', retryable: true, message: 'ALSA device no_such_pcm was not found' });
    expect((err as CaptureError).hint).toMatch(/arecord -L/);
    const card = await createAlsaAdapter({ kind: 'alsa', device: 'hw:7,0', rate: 22050, channels: 1 }, { env: feed.env })
      .run({ emit() {}, setNowPlaying() {}, setSignalDb() {}, log() {}, signal: new AbortController().signal })
      .then(() => null, (e: unknown) => e);
    expect(card).toMatchObject({ code: 'alsa_missing' });
  });

  it('stops at once when the source is stopped', async () => {
    // 60 s of tone: the abort, not the end of the file, ends the capture.
    feed = makeAlsaFeed(toneWithSilence(440, 60, 0.3));
    const ac = new AbortController();
    let blocks = 0;
    const run = createAlsaAdapter({ kind: 'alsa', device: 'eas_feed', rate: 22050, channels: 1 }, { env: feed.env }).run({
      emit: () => {
        if (++blocks === 5) ac.abort();
      },
      setNowPlaying() {},
      setSignalDb() {},
      log() {},
      signal: ac.signal,
    });
    await expect(run).resolves.toBeUndefined();
    expect(arecordPids()).toEqual([]);
  });
});

describe('ALSA stall watchdog', () => {
  let feed: AlsaFeed | undefined;
  afterEach(() => feed?.cleanup());

  it('a device that hangs (its data source never delivers) ends with alsa_stalled and no process left', async () => {
    feed = makeAlsaFeed(new Float32Array(10));
    // The file plugin's infile becomes a FIFO nobody writes: alsa-lib blocks on it like a hung driver.
    const infile = join(feed.dir, 'feed.raw');
    rmSync(infile);
    execFileSync('mkfifo', [infile]);
    const err = await captureAlsa({ device: 'eas_feed', rate: 22050, channels: 1, env: feed.env, signal: new AbortController().signal, onBlock() {}, stallTimeoutMs: 400 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'alsa_stalled', retryable: true, message: 'ALSA device eas_feed delivered no audio for 0.4 s' });
    expect(arecordPids()).toEqual([]);
  });
});

describe('ALSA failure wording', () => {
  it('names busy, missing, permission and format failures from arecord stderr', () => {
    const busy = classifyAlsaFailure('hw:1,0', 'arecord: main:830: audio open error: Device or resource busy\n', 1);
    expect(busy).toMatchObject({ code: 'alsa_busy', retryable: true });
    expect(busy.hint).toMatch(/dsnoop/);
    expect(classifyAlsaFailure('hw:3,0', "ALSA lib confmisc.c:855:(parse_card) cannot find card '3'\narecord: main:830: audio open error: No such file or directory\n", 1).code).toBe('alsa_missing');
    expect(classifyAlsaFailure('hw:0,0', 'arecord: main:830: audio open error: Permission denied\n', 1)).toMatchObject({ code: 'alsa_permission', hint: expect.stringContaining('audio') });
    expect(classifyAlsaFailure('hw:0,0', 'arecord: set_params:1352: Channels count non available\n', 1)).toMatchObject({ code: 'alsa_format', retryable: false });
    const rate = classifyAlsaFailure('hw:0,0', 'Warning: rate is not accurate (requested = 22050Hz, got = 48000Hz)\n         please, try the plug plugin \n', null);
    expect(rate).toMatchObject({ code: 'alsa_format', retryable: false });
    expect(rate.hint).toContain('?rate=48000');
    expect(classifyAlsaFailure('x', 'something odd\n', 1)).toMatchObject({ code: 'alsa_failed', message: 'ALSA capture from x failed: something odd' });
  });
});
