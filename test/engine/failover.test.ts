import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LevelFrame, ProgramChange } from '../../electron/contract';
import { writeWavFile } from '../../native/wav';
import { startTestEngine, waitFor, type TestEngine } from '../helpers/engine';

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
  it('silence on the first source moves the program to the second in silenceSeconds; failback waits the hold time', async () => {
    const silenceSeconds = 2;
    const holdSeconds = 3;
    te = await startTestEngine({
      failover: { silenceThresholdDb: -50, silenceSeconds, stallSeconds: 5, holdSeconds },
      sources: [
        { id: 'main', name: 'Main', uri: burstyFile(4, 5), priority: 1, enabled: true },
        { id: 'backup', name: 'Backup', uri: 'demo:?first=0', priority: 2, enabled: true },
      ],
    });
    const changes: Array<ProgramChange & { t: number }> = [];
    const quietSince: number[] = [];
    const loudSince: number[] = [];
    let wasQuiet: boolean | null = null;
    te.engine.on('program.changed', (c) => changes.push({ ...c, t: Date.now() }));
    te.engine.on('levels', ({ frames }: { frames: LevelFrame[] }) => {
      for (const f of frames) {
        if (f.sourceId !== 'main') continue;
        const quiet = f.rmsDb < -50;
        if (quiet !== wasQuiet) (quiet ? quietSince : loudSince).push(Date.now());
        wasQuiet = quiet;
      }
    });
    await waitFor('main on program', () => changes.find((c) => c.sourceId === 'main'), 10_000);
    const toBackup = await waitFor('failover to backup', () => changes.find((c) => c.sourceId === 'backup'), 15_000);
    expect(toBackup.previous).toBe('main');
    expect(toBackup.reason).toMatch(/silent/);
    const silenceStart = quietSince.filter((t) => t <= toBackup.t).at(-1)!;
    const failoverAfter = (toBackup.t - silenceStart) / 1000;
    expect(failoverAfter).toBeGreaterThanOrEqual(silenceSeconds - 0.3);
    expect(failoverAfter).toBeLessThan(silenceSeconds + 1.5);

    const back = await waitFor('failback to main', () => changes.find((c) => c.sourceId === 'main' && c.t > toBackup.t), 20_000);
    expect(back.reason).toMatch(/failback/);
    const audioBack = loudSince.filter((t) => t > toBackup.t && t <= back.t).at(0)!;
    const heldFor = (back.t - audioBack) / 1000;
    expect(heldFor).toBeGreaterThanOrEqual(holdSeconds - 0.3);
    expect(heldFor).toBeLessThan(holdSeconds + 1.5);
    const statuses = te.engine.sourceStatuses();
    expect(statuses.find((s) => s.id === 'main')?.program).toBe(true);
    expect(statuses.find((s) => s.id === 'backup')?.program).toBe(false);
  }, 45_000);
});
