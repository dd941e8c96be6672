import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ArchiveIndex } from '../../../electron/engine/archive/archive-index';
import { verifyArchive } from '../../../electron/engine/archive/archive-verify';
import { waitFor, within } from '../../helpers/wait';
import { RATE, recoverArchive } from './archive-fixture';

const here = dirname(fileURLToPath(import.meta.url));
let root: string | null = null;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
});

describe('archive after a SIGKILL', () => {
  it('plays the killed segment up to within 2 s of the kill, and the index is consistent after restart', async () => {
    root = mkdtempSync(join(tmpdir(), 'eas-archive-kill-'));
    // Its own process group, so the kill takes the writer's ffmpeg too (a power cut, an OOM kill of the cgroup).
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'archive-kill-child.ts'), root], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const pushed = (): number => Number(/pushed (\d+)\n(?!.*pushed)/s.exec(out)?.[1] ?? 0);
    try {
      await waitFor('the child to archive 5 s of audio', () => pushed() >= 5 * RATE, 30_000, { detail: () => `${out.slice(-400)}\n${err.slice(-400)}` });
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await within('the SIGKILLed archive child to exit', exited, 10_000);
    }
    const atKill = pushed();

    // The next run of the source recovers what the killed writer left open.
    await recoverArchive(root);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const [seg, ...rest] = index.bySource('src');
      expect(rest).toEqual([]);
      expect(seg!.state).toBe('closed');
      expect(seg!.samples / RATE, `kept ${seg!.samples / RATE} s of ${atKill / RATE} s`).toBeGreaterThan(atKill / RATE - 2);
      expect(seg!.samples).toBeLessThanOrEqual(atKill + 0.1 * RATE);
      expect(await verifyArchive(index, root, { deep: true })).toMatchObject({ consistent: true, segments: 1 });
    } finally {
      index.close();
    }
  });
});
