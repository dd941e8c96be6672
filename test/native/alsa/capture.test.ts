import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlsaSpec } from '../../../electron/contract';
import { createAlsaAdapter } from '../../../electron/engine/sources/alsa';
import { CaptureError } from '../../../native/capture/capture-error';
import { classifyAlsaFailure } from '../../../native/alsa/errors';
import { captureAlsa } from '../../../native/alsa/capture';
import { arecordProcesses, cleanupAlsaFeeds, FEED_DEVICE, makeAlsaFeed, toneWithSilence, type AlsaFeed } from '../../helpers/alsa-feed';
import { captureFailure, runCapture, type StartCapture } from '../../helpers/capture-run';

const RATE = 22050;

/** The real adapter on the feed's device, as a source pipeline runs it. */
function adapter(feed: AlsaFeed, spec: Partial<AlsaSpec> = {}): StartCapture {
  const full: AlsaSpec = { kind: 'alsa', device: FEED_DEVICE, rate: RATE, channels: 1, ...spec };
  return (ctx) => createAlsaAdapter(full, { env: feed.env }).run(ctx);
}

/** Amplitude of `hz` in `x` by correlation (a one-bin DFT), so noise and offsets do not count. */
function toneAmplitude(x: Float32Array, hz: number, rate = RATE): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

// Every test: no arecord may outlive it; whatever did is killed here and fails the test.
afterEach(async () => {
  expect(await cleanupAlsaFeeds(), 'arecord processes left running after the test (now killed)').toEqual([]);
});

describe('ALSA capture through arecord (file plugin over a null slave)', () => {
  it('delivers the device audio as 22050 Hz mono blocks and leaves no process behind', async () => {
    const signal = toneWithSilence(1000, 1, 0.5, 0.2, 1.5);
    const feed = makeAlsaFeed(signal);
    const { audio } = await runCapture('eas_feed at 22050 Hz mono', adapter(feed), { wantSamples: signal.length - RATE, deliverWithinMs: 15_000 });
    const lead = Math.round(0.2 * RATE);
    // s16 round trip: within one LSB
    let maxErr = 0;
    for (let i = 0; i < audio.length; i++) maxErr = Math.max(maxErr, Math.abs(audio[i]! - signal[i]!));
    expect(maxErr).toBeLessThan(1 / 16384);
    expect(toneAmplitude(audio.subarray(lead, lead + RATE), 1000)).toBeCloseTo(0.5, 2);
    expect(arecordProcesses()).toEqual([]);
  });

  it('opens a device at its own rate and channel count and converts to the bus format', async () => {
    // A stereo 48 kHz card: the feed file is written in that format and opened so.
    const at48 = toneWithSilence(1000, 1, 0.5, 0.2, 1.5, 48000);
    const feed = makeAlsaFeed(at48, { channels: 2, rate: 48000 });
    const { audio } = await runCapture('eas_feed at 48 kHz stereo through ffmpeg', adapter(feed, { rate: 48000, channels: 2 }), { wantSamples: 2 * RATE, deliverWithinMs: 15_000 });
    const env = (from: number, to: number) => toneAmplitude(audio.subarray(Math.round(from * RATE), Math.round(to * RATE)), 1000);
    // The tone is where it was (0.2-1.2 s), at its level (channels averaged, not summed).
    expect(env(0.3, 1.1)).toBeGreaterThan(0.48);
    expect(env(0.3, 1.1)).toBeLessThan(0.52);
    expect(env(0, 0.15)).toBeLessThan(0.01);
    expect(env(1.3, 1.9)).toBeLessThan(0.01);
    expect(arecordProcesses()).toEqual([]);
  });

  it('a missing device is a named, retryable error with a hint', async () => {
    const feed = makeAlsaFeed(new Float32Array(10));
    const err = await captureFailure('alsa_missing from no_such_pcm', adapter(feed, { device: 'no_such_pcm' }), 10_000);
    expect(err).toBeInstanceOf(CaptureError);
    expect(err).toMatchObject({ code: 'alsa_missing', retryable: true, message: 'ALSA device no_such_pcm was not found' });
    expect((err as CaptureError).hint).toMatch(/arecord -L/);
    const card = await captureFailure('alsa_missing from hw:7,0', adapter(feed, { device: 'hw:7,0' }), 10_000);
    expect(card).toMatchObject({ code: 'alsa_missing' });
  });

  it('a converter that dies ends the capture with alsa_convert_failed, arecord stopped and reaped', async () => {
    // ffmpeg reads a little and fails; arecord, still writing into its pipe, must be stopped too.
    const feed = makeAlsaFeed(toneWithSilence(1000, 1, 0.5, 0.2, 1.5, 48000), { channels: 2, rate: 48000 });
    const fakeFfmpeg = join(feed.dir, 'ffmpeg');
    writeFileSync(fakeFfmpeg, '#!/bin/sh\nhead -c 65536 >/dev/null\necho "pipe:0: Invalid data found when processing input" >&2\nexit 1\n');
    chmodSync(fakeFfmpeg, 0o755);
    const saved = process.env.EAS_FFMPEG;
    process.env.EAS_FFMPEG = fakeFfmpeg;
    try {
      const err = await captureFailure('alsa_convert_failed after ffmpeg exited', adapter(feed, { rate: 48000, channels: 2 }), 5000);
      expect(err).toMatchObject({ code: 'alsa_convert_failed', message: expect.stringContaining('Invalid data found') });
    } finally {
      if (saved === undefined) delete process.env.EAS_FFMPEG;
      else process.env.EAS_FFMPEG = saved;
    }
    expect(arecordProcesses()).toEqual([]);
  });

  it('a converted capture ends within 2 s of the abort, every time', async () => {
    // When ffmpeg goes first its stdin closes and arecord's stdout is unpiped while paused by
    // backpressure: EOF is never read, so the child's 'close' never comes, and a stop that
    // waited for it hung until the test timeout. About every other stop here takes that path.
    const feed = makeAlsaFeed(toneWithSilence(1000, 1, 0.5, 0.2, 1.5, 48000), { channels: 2, rate: 48000 });
    for (let i = 0; i < 8; i++) {
      const run = await runCapture(`stop ${i + 1} of eas_feed at 48 kHz stereo through ffmpeg`, adapter(feed, { rate: 48000, channels: 2 }), { wantSamples: RATE / 2, deliverWithinMs: 15_000, endWithinMs: 2000 });
      expect(run.endedAfterMs).toBeLessThan(2000);
    }
    expect(arecordProcesses()).toEqual([]);
  });
});

describe('ALSA capture from a device that keeps time (paced fake arecord)', () => {
  it('stops at once when the source is stopped: ends within 2 s of the abort, no process left', async () => {
    // 60 s of tone on a live card: the abort, not the end of the file, ends the capture.
    const feed = makeAlsaFeed(toneWithSilence(440, 60, 0.3), { paced: true });
    const run = await runCapture('paced eas_feed', adapter(feed), { wantSamples: Math.round(0.5 * RATE), deliverWithinMs: 15_000, endWithinMs: 2000 });
    expect(run.endedAfterMs).toBeLessThan(2000);
    expect(toneAmplitude(run.audio.subarray(Math.round(0.25 * RATE)), 440)).toBeCloseTo(0.3, 2);
    expect(arecordProcesses()).toEqual([]);
  });

  it('an arecord that ignores SIGTERM (stuck in its driver) is SIGKILLed and reaped', async () => {
    const feed = makeAlsaFeed(toneWithSilence(440, 60, 0.3), { paced: { ignoreSigterm: true } });
    // Bounded by the child's grace before SIGKILL, plus the reaping, on a busy machine.
    const run = await runCapture('paced eas_feed ignoring SIGTERM', adapter(feed), { wantSamples: Math.round(0.25 * RATE), deliverWithinMs: 15_000, endWithinMs: 5000 });
    expect(run.endedAfterMs).toBeLessThan(5000);
    expect(arecordProcesses()).toEqual([]);
  });
});

describe('ALSA stall watchdog', () => {
  it('a device that hangs (its data source never delivers) ends with alsa_stalled and no process left', async () => {
    const feed = makeAlsaFeed(new Float32Array(10));
    // The file plugin's infile becomes a FIFO nobody writes: alsa-lib blocks on it like a hung driver.
    rmSync(feed.infile);
    execFileSync('mkfifo', [feed.infile]);
    const start: StartCapture = (ctx) => captureAlsa({ device: FEED_DEVICE, rate: RATE, channels: 1, env: feed.env, signal: ctx.signal, onBlock: ctx.emit, stallTimeoutMs: 400 });
    const err = await captureFailure('alsa_stalled from a device that never delivers', start, 10_000);
    expect(err).toMatchObject({ code: 'alsa_stalled', retryable: true, message: 'ALSA device eas_feed delivered no audio for 0.4 s' });
    expect(arecordProcesses()).toEqual([]);
  });

  it('a device that stops delivering mid-stream ends with alsa_stalled after the audio it gave', async () => {
    // Half a second of tone, then the card goes silent without closing (a USB card half-gone).
    const feed = makeAlsaFeed(toneWithSilence(440, 0.5, 0.3, 0, 0), { paced: { afterEnd: 'hang' } });
    let samples = 0;
    const start: StartCapture = (ctx) =>
      captureAlsa({ device: FEED_DEVICE, rate: RATE, channels: 1, env: feed.env, signal: ctx.signal, onBlock: (b) => (samples += b.length), stallTimeoutMs: 1500 });
    const err = await captureFailure('alsa_stalled after the card went quiet', start, 15_000);
    expect(err).toMatchObject({ code: 'alsa_stalled', message: 'ALSA device eas_feed delivered no audio for 1.5 s' });
    // Whole 50 ms periods of the 0.5 s it played.
    expect(samples).toBeGreaterThanOrEqual(Math.round(0.45 * RATE));
    expect(samples).toBeLessThanOrEqual(Math.round(0.55 * RATE));
    expect(arecordProcesses()).toEqual([]);
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
