import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LevelFrame, ProgramChange } from '../../electron/contract';
import { writeWavFile } from '../../native/wav';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { waitFor } from '../helpers/wait';

const RATE = 22050;
let te: TestEngine | null = null;
const dir = mkdtempSync(join(tmpdir(), 'eas-failover-'));
afterAll(async () => {
  await te?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Looping file: `onS` seconds of noise at about -20 dBFS RMS, then `offS` seconds of silence. */
function burstyFile(onS: number, offS: number): string {
  const x = new Float32Array(Math.round((onS + offS) * RATE));
  let seed = 7;
  for (let i = 0; i < onS * RATE; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    x[i] = ((seed / 2 ** 32) * 2 - 1) * 0.17;
  }
  const file = join(dir, 'bursty.wav');
  writeWavFile(file, x, RATE);
  return `file:${file}?loop=1`;
}

describe('failover through the engine (real sources, real time)', () => {
  // Order, reasons and the audio each switch followed, with bounds that hold on a loaded
  // 2-core machine; how long the policy waits, to the tick, is test/core/sources/failover.test.ts
  // (injected clock) and the bench's.
  it('silence on the first source moves the program to the second; its audio back, the program fails back after the hold', async () => {
    const silenceSeconds = 2;
    const holdSeconds = 3;
    te = await startTestEngine({
      failover: { silenceThresholdDb: -50, silenceSeconds, stallSeconds: 5, holdSeconds },
      sources: [
        // 4 s of audio, 5 s of silence, looped: each switch has a stretch of 2 s or more to happen in.
        { id: 'main', name: 'Main', uri: burstyFile(4, 5), priority: 1, enabled: true },
        { id: 'backup', name: 'Backup', uri: 'demo:?first=0', priority: 2, enabled: true },
      ],
    });
    const changes: Array<ProgramChange & { t: number }> = [];
    // Main's level as the UI sees it: each change between quiet and loud, and every frame.
    const mainLevels: Array<{ quiet: boolean; t: number }> = [];
    const edges: Array<{ quiet: boolean; t: number }> = [];
    te.engine.on('program.changed', (c) => changes.push({ ...c, t: Date.now() }));
    te.engine.on('levels', ({ frames }: { frames: LevelFrame[] }) => {
      for (const f of frames) {
        if (f.sourceId !== 'main') continue;
        const level = { quiet: f.rmsDb < -50, t: Date.now() };
        if (edges.at(-1)?.quiet !== level.quiet) edges.push(level);
        mainLevels.push(level);
      }
    });
    const levelAt = (t: number) => edges.filter((e) => e.t <= t).at(-1);

    const toMain = await waitFor('main on program', () => changes.find((c) => c.sourceId === 'main'), 15_000);
    const toBackup = await waitFor('failover to backup', () => changes.find((c) => c.sourceId === 'backup' && c.t >= toMain.t), 20_000);
    expect(toBackup.previous).toBe('main');
    expect(toBackup.reason).toMatch(/silent/);
    // Main had gone quiet before the switch and was still quiet at it.
    const silence = levelAt(toBackup.t);
    expect(silence?.quiet).toBe(true);
    expect((toBackup.t - silence!.t) / 1000).toBeLessThan(silenceSeconds + 3);

    const back = await waitFor('failback to main', () => changes.find((c) => c.sourceId === 'main' && c.t > toBackup.t), 25_000);
    expect(back.previous).toBe('backup');
    expect(back.reason).toMatch(/failback/);
    // No switch in between: the program stayed on the backup until main's audio had held.
    expect(changes.filter((c) => c.t > toBackup.t && c.t < back.t)).toEqual([]);
    // Main's audio was back before the failback and still there at it ...
    const audio = levelAt(back.t);
    expect(audio?.quiet).toBe(false);
    expect(audio!.t).toBeGreaterThan(toBackup.t);
    expect((back.t - audio!.t) / 1000).toBeLessThan(holdSeconds + 3);
    // ... and the failback waited for it to hold rather than taking its first loud frames (a zero
    // hold fails back at the next 250 ms tick): counted in the level frames main's worker sent
    // while its audio was back (about 30 over the 3 s hold here), a quarter of them at least.
    const loudFramesBeforeBack = mainLevels.filter((l) => !l.quiet && l.t >= audio!.t && l.t <= back.t).length;
    expect(loudFramesBeforeBack).toBeGreaterThanOrEqual(8);
    const statuses = te.engine.sourceStatuses();
    expect(statuses.find((s) => s.id === 'main')?.program).toBe(true);
    expect(statuses.find((s) => s.id === 'backup')?.program).toBe(false);
  }, 60_000);
});
