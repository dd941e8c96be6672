// A file source must come back by itself: after its ffmpeg is SIGKILLed (and the file
// replaced meanwhile), and when the file it names only appears later. Real engine, real
// worker threads, real ffmpeg; the alert in the new file proves decoding works afterwards.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeWavFile } from '../../native/wav';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { waitFor } from '../helpers/wait';
import { alive, ffmpegChildren, headerNow, programme, programmeWithAlert, RATE, SourceWatch } from './sources-fixtures';

let te: TestEngine | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await te?.cleanup();
  te = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-rel-file-'));
  dirs.push(d);
  return d;
}

/** Writes next to `path` and renames over it, so a reader never sees half a file. */
function replaceWav(path: string, samples: Float32Array): void {
  const tmp = `${path}.new.wav`;
  writeWavFile(tmp, samples, RATE);
  renameSync(tmp, path);
}

describe('file source reliability', () => {
  it("comes back running after its ffmpeg is SIGKILLed and the file replaced, and decodes the new file's alert", async () => {
    const dir = tempDir();
    const path = join(dir, 'programme.wav');
    writeWavFile(path, programme(6, 11), RATE);
    te = await startTestEngine({ sources: [{ id: 'file', name: 'File', uri: `file:${path}?loop=1`, priority: 1, enabled: true }] });
    const watch = new SourceWatch(te.engine);
    await watch.waitState('file', 'running', 20_000);
    const first = await waitFor('the file source ffmpeg in /proc', () => ffmpegChildren(path)[0], 10_000);

    const header = headerNow('TOR');
    replaceWav(path, programmeWithAlert(header, 1, 4, 21));
    process.kill(first, 'SIGKILL');

    await waitFor('the kill to show as retrying', () => watch.states.get('file')?.some((s) => s.state === 'retrying'), 10_000, { detail: () => watch.history('file') });
    const retrying = watch.states.get('file')!.find((s) => s.state === 'retrying')!;
    expect(retrying.error).toMatch(/ffmpeg decoding .*programme\.wav was killed \(SIGKILL\) — retrying in [\d.]+ s/);
    const back = await watch.waitState('file', 'running', 20_000, 'the file source to run again after the kill');
    expect(back.error).toBeNull();
    const second = await waitFor('a new ffmpeg for the file source', () => ffmpegChildren(path).find((p) => p !== first), 10_000);
    expect(alive(first), `the killed ffmpeg ${first} was not reaped`).toBe(false);
    expect(alive(second)).toBe(true);
    await watch.waitHeader('file', header, 30_000);
  });

  it('a file that appears later is picked up: "retrying every 15 s" meanwhile, then running and decoding', async () => {
    const dir = tempDir();
    const path = join(dir, 'late.wav');
    te = await startTestEngine({ sources: [{ id: 'late', name: 'Late file', uri: `file:${path}?loop=1`, priority: 1, enabled: true }] });
    const watch = new SourceWatch(te.engine);
    const waiting = await watch.waitState('late', 'retrying', 20_000);
    expect(waiting.error).toBe(`file not found: ${path} — retrying every 15 s — check the path in the source settings`);
    // Still retrying, not given up, a moment later (the old behaviour ended in "failed").
    await new Promise((r) => setTimeout(r, 500));
    expect(watch.status('late')?.state).toBe('retrying');

    const header = headerNow('SVR');
    replaceWav(path, programmeWithAlert(header, 1, 4, 31));
    // One slow interval (15 s) plus the start of ffmpeg.
    await watch.waitState('late', 'running', 25_000, 'the late file to be picked up within one retry interval');
    await watch.waitHeader('late', header, 30_000);
  });
});
