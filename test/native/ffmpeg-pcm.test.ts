import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileAdapter } from '../../electron/engine/sources/file';
import type { CaptureContext } from '../../electron/engine/sources/adapter';
import { CaptureError } from '../../native/capture/capture-error';
import { FfmpegMissingError } from '../../native/ffmpeg-path';
import { FfmpegExitError, runFfmpegPcm } from '../../native/ffmpeg-pcm';
import { writeWavFile } from '../../native/wav';
import { f32ToS16Sample, s16ToF32Sample } from '../../electron/core/dsp/pcm16';
import { within } from '../helpers/wait';

const RATE = 22050;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-ffpcm-'));
  dirs.push(d);
  return d;
}

/** A WAV at the bus rate (so ffmpeg passes the samples through) and what a reader should get back. */
function wavFixture(seconds: number): { path: string; expected: Float32Array } {
  const n = Math.round(seconds * RATE);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.6 * Math.sin((2 * Math.PI * 853 * i) / RATE) + 0.2 * Math.sin((2 * Math.PI * 960 * i) / RATE);
  const path = join(tempDir(), 'in.wav');
  writeWavFile(path, x, RATE);
  // The WAV holds s16: the exact floats a reader gets are those codes / 32768.
  const expected = x.map((v) => s16ToF32Sample(f32ToS16Sample(v)));
  return { path, expected };
}

describe('file source PCM through ffmpeg and the PcmFramer', () => {
  it('delivers every sample in blocks of at most the block size, reusing one block', async () => {
    const { path, expected } = wavFixture(3);
    const got = new Float32Array(expected.length + 4096);
    let at = 0;
    let longest = 0;
    const buffers = new Set<ArrayBufferLike>();
    await within(
      'ffmpeg to decode a 3 s file',
      runFfmpegPcm({
        inputArgs: ['-i', path],
        rate: RATE,
        signal: new AbortController().signal,
        maxBlockSamples: 1024,
        onBlock: (b) => {
          longest = Math.max(longest, b.length);
          buffers.add(b.buffer);
          got.set(b, at);
          at += b.length;
        },
      }),
      30_000,
    );
    expect(at).toBe(expected.length);
    expect(longest).toBeLessThanOrEqual(1024);
    // One preallocated block, handed out again and again (the consumer copies what it keeps).
    expect(buffers.size).toBe(1);
    expect(got.subarray(0, at)).toEqual(expected);
  });

  it('the file adapter emits the same audio, bounded blocks, and names failures', async () => {
    const { path, expected } = wavFixture(1);
    const abort = new AbortController();
    let samples = 0;
    let longest = 0;
    const ctx: CaptureContext = {
      emit: (b) => {
        samples += b.length;
        longest = Math.max(longest, b.length);
      },
      setNowPlaying: () => {},
      setSignalDb: () => {},
      log: () => {},
      signal: abort.signal,
    };
    // -re plays in real time: a 1 s file takes about 1 s.
    await within('the file adapter to play a 1 s file', createFileAdapter({ kind: 'file', path, loop: false }).run(ctx), 30_000);
    expect(samples).toBe(expected.length);
    expect(longest).toBeLessThanOrEqual(2048);

    const notAudio = join(tempDir(), 'not-audio.wav');
    writeFileSync(notAudio, 'this is text, not a WAV file\n'.repeat(100));
    const err = await createFileAdapter({ kind: 'file', path: notAudio, loop: false }).run(ctx).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('decode_failed');
    expect((err as CaptureError).retryable).toBe(false);
  });

  it('abort ends a looping file at once (ffmpeg stopped and reaped), and resolves', async () => {
    const { path } = wavFixture(1);
    const abort = new AbortController();
    let samples = 0;
    const run = runFfmpegPcm({
      inputArgs: ['-re', '-stream_loop', '-1', '-i', path],
      rate: RATE,
      signal: abort.signal,
      onBlock: (b) => {
        samples += b.length;
        if (samples > RATE / 4) abort.abort();
      },
    });
    await within('a looping file to end after abort', run, 30_000);
    expect(samples).toBeGreaterThan(RATE / 4);
  });

  it('ffmpeg failing is FfmpegExitError with its last words; no ffmpeg is FfmpegMissingError', async () => {
    const err = await runFfmpegPcm({ inputArgs: ['-i', join(tempDir(), 'absent.wav')], rate: RATE, signal: new AbortController().signal, onBlock: () => {} }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FfmpegExitError);
    expect((err as FfmpegExitError).message).toMatch(/No such file/);
    const missing = await runFfmpegPcm({ inputArgs: ['-i', 'x'], rate: RATE, signal: new AbortController().signal, onBlock: () => {}, ffmpeg: '/nonexistent/ffmpeg' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(FfmpegMissingError);
  });
});
