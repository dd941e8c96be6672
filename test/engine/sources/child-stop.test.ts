import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SourcePipeline } from '../../../electron/engine/pipeline/source-pipeline';
import { CHILD_STOP_GRACE_MS, WORKER_STOP_WAIT_MS } from '../../../native/process/supervised-child';
import { waitFor, within } from '../../helpers/wait';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function pidsIn(file: string): number[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

/** /proc/PID disappears only once the process is reaped: a zombie still has it. */
function exists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/**
 * An arecord hung in its driver: it ignores SIGTERM (a disposition that survives exec, so
 * the sleep it becomes ignores it too) and delivers nothing; only SIGKILL ends it.
 */
function hungArecord(): { bin: string; pidFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eas-hung-arecord-'));
  const pidFile = join(dir, 'pids');
  const bin = join(dir, 'arecord');
  writeFileSync(bin, `#!/bin/sh\ntrap '' TERM\necho $$ >> '${pidFile}'\nexec sleep 600\n`);
  chmodSync(bin, 0o755);
  cleanups.push(() => {
    for (const pid of pidsIn(pidFile)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { bin, pidFile };
}

describe('stopping a source whose child ignores SIGTERM', () => {
  it('the grace before SIGKILL is shorter than the wait before the worker is terminated', () => {
    expect(CHILD_STOP_GRACE_MS).toBeLessThan(WORKER_STOP_WAIT_MS);
  });

  it('after SourcePipeline.stop() resolves, the hung arecord is gone (killed and reaped, not orphaned)', async () => {
    const { bin, pidFile } = hungArecord();
    // The worker copies process.env when it starts; native/alsa runs EAS_ARECORD.
    const saved = process.env.EAS_ARECORD;
    process.env.EAS_ARECORD = bin;
    cleanups.push(() => {
      if (saved === undefined) delete process.env.EAS_ARECORD;
      else process.env.EAS_ARECORD = saved;
    });
    const pipeline = new SourcePipeline({ id: 'hung', name: 'Hung card', uri: 'alsa:eas_hung', priority: 0, enabled: true });
    const states: string[] = [];
    pipeline.on('state', (s) => states.push(s));
    const logs: string[] = [];
    pipeline.on('log', (_l, m) => logs.push(m));
    cleanups.push(() => pipeline.stop());
    pipeline.start();
    const pid = await waitFor('the worker to start the fake arecord', () => pidsIn(pidFile)[0], 30_000, { detail: () => `states: ${states.join(', ')}` });
    expect(exists(pid), `fake arecord ${pid} not running (states: ${states.join(', ')}; log: ${logs.join(' / ')})`).toBe(true);
    await within('SourcePipeline.stop()', pipeline.stop(), 30_000);
    expect(states.at(-1)).toBe('stopped');
    expect(exists(pid), `arecord ${pid} outlived its worker (states: ${states.join(', ')})`).toBe(false);
  });
});
