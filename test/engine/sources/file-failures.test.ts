import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureContext } from '../../../electron/engine/sources/adapter';
import { CaptureError } from '../../../electron/engine/sources/adapter';
import { createFileAdapter } from '../../../electron/engine/sources/file';
import { RetryPolicy } from '../../../electron/engine/pipeline/retry-policy';
import { writeWavFile } from '../../../native/wav';
import { waitFor, within } from '../../helpers/wait';

const RATE = 22050;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-file-fail-'));
  dirs.push(d);
  return d;
}

function tone(seconds: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / RATE);
  return x;
}

function context(signal: AbortSignal): { ctx: CaptureContext; logs: string[]; samples: () => number } {
  const logs: string[] = [];
  let samples = 0;
  return {
    logs,
    samples: () => samples,
    ctx: {
      emit: (b) => (samples += b.length),
      setNowPlaying: () => {},
      setSignalDb: () => {},
      log: (level, message) => logs.push(`${level}: ${message}`),
      signal,
    },
  };
}

async function failure(run: Promise<void>): Promise<CaptureError> {
  const err = await within('the file adapter to fail', run.then(() => null, (e: unknown) => e), 30_000);
  expect(err).toBeInstanceOf(CaptureError);
  return err as CaptureError;
}

describe('file source failures, each classified for the retry policy', () => {
  it('a missing file is not_found, retried slowly, and the plan says how often', async () => {
    const path = join(tempDir(), 'absent.wav');
    const err = await failure(createFileAdapter({ kind: 'file', path, loop: false }).run(context(new AbortController().signal).ctx));
    expect(err).toMatchObject({ code: 'not_found', retryable: false, message: `file not found: ${path}` });
    expect(new RetryPolicy().plan(err, 0)).toEqual({ final: false, waitMs: 15_000, note: 'retrying every 15 s' });
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file is file_unreadable (retried slowly), not "not found" (skipped as root, who reads any file)', async () => {
    const path = join(tempDir(), 'locked.wav');
    writeWavFile(path, tone(0.5), RATE);
    chmodSync(path, 0o000);
    const err = await failure(createFileAdapter({ kind: 'file', path, loop: false }).run(context(new AbortController().signal).ctx));
    expect(err).toMatchObject({ code: 'file_unreadable', retryable: false });
  });

  it('a folder is file_unreadable with a reason, not "not audio" (runs as root too)', async () => {
    const path = join(tempDir(), 'a-folder.wav');
    mkdirSync(path);
    const err = await failure(createFileAdapter({ kind: 'file', path, loop: false }).run(context(new AbortController().signal).ctx));
    expect(err).toMatchObject({ code: 'file_unreadable', retryable: false, message: `cannot read ${path}: it is a folder` });
  });

  it('a killed ffmpeg is ffmpeg_died, retried at once with backoff (it used to be final)', async () => {
    const path = join(tempDir(), 'loop.wav');
    writeWavFile(path, tone(1), RATE);
    const c = context(new AbortController().signal);
    const run = createFileAdapter({ kind: 'file', path, loop: true }).run(c.ctx);
    // The adapter logs the pid, so an operator (or this test) can find the process.
    const pid = await waitFor('the adapter to log the ffmpeg pid', () => Number(/ffmpeg pid (\d+)/.exec(c.logs.join('\n'))?.[1] ?? 0), 20_000);
    await waitFor('audio from the looping file', () => c.samples() > 0, 20_000);
    process.kill(pid, 'SIGKILL');
    const err = await failure(run);
    expect(err).toMatchObject({ code: 'ffmpeg_died', retryable: true, message: expect.stringContaining('SIGKILL') });
    expect(new RetryPolicy().plan(err, 0)).toMatchObject({ final: false, note: expect.stringMatching(/^retrying in /) });
  });

  it('a file that is not audio is decode_failed, retried slowly (only a new file helps)', async () => {
    const path = join(tempDir(), 'text.wav');
    writeFileSync(path, 'not a wav\n'.repeat(200));
    const err = await failure(createFileAdapter({ kind: 'file', path, loop: false }).run(context(new AbortController().signal).ctx));
    expect(err).toMatchObject({ code: 'decode_failed', retryable: false });
  });
});
