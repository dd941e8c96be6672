// The data dir on a full filesystem (a 2 MB tmpfs made here) while an alert arrives: the alert
// must be on screen at once (event, active list, stream title path), the status must name the
// problem, and the history must take the alert once space is freed. Real engine, real demo
// source worker, real SQLite on a really full disk.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert, EngineProblem } from '../../electron/contract';
import { Engine } from '../../electron/engine/engine';
import { defaultSettings } from '../../electron/engine/settings-store';
import { waitFor } from '../helpers/wait';

const base = mkdtempSync(join(tmpdir(), 'eas-fulldisk-'));
const mountPoint = join(base, 'data');
mkdirSync(mountPoint);
let mounted = false;
let why = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  why = `${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`;
  process.stdout.write(`alert-full-disk: skipped, cannot mount a tmpfs here (${why}); run as root or in a container with CAP_SYS_ADMIN\n`);
}

let engine: Engine | null = null;
afterAll(async () => {
  await engine?.stop();
  if (mounted) {
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch (err) {
      process.stdout.write(`alert-full-disk: umount ${mountPoint} failed: ${(err as Error).message}\n`);
    }
  }
  rmSync(base, { recursive: true, force: true });
});

/** Fills the filesystem to the last byte: the file grows until the kernel says ENOSPC. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x55);
  try {
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        if (chunk.length === 1) break;
        // Smaller pieces take what is left.
        return fillRest(fd);
      }
    }
  } finally {
    closeSync(fd);
  }
}

function fillRest(fd: number): void {
  for (let size = 32 * 1024; size >= 1; size = Math.floor(size / 2)) {
    const b = Buffer.alloc(size, 0x55);
    for (;;) {
      try {
        writeSync(fd, b);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        break;
      }
    }
  }
}

function storedAlerts(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT raw FROM alerts').pluck().all() as string[]);
  } finally {
    db.close();
  }
}

describe.skipIf(!mounted)('the data dir on a full disk', () => {
  it('shows the alert at once, names the problem, and stores the alert once space returns', async () => {
    const settings = { ...defaultSettings(), sources: [{ id: 'demo', name: 'Demo', uri: 'demo:?first=6&every=0', priority: 10, enabled: true }] };
    writeFileSync(join(mountPoint, 'settings.json'), JSON.stringify(settings));
    engine = new Engine({ dataDir: mountPoint, mode: 'serve', version: 'test' });
    const seen: Alert[] = [];
    const problems: EngineProblem[][] = [];
    engine.on('alerts.changed', ({ active }) => seen.push(...active));
    engine.on('problems.changed', ({ problems: p }) => problems.push(p));
    await engine.start();
    const filler = join(mountPoint, 'filler.bin');
    fill(filler);
    expect(statfsSync(mountPoint).bavail).toBe(0);

    // The demo's RWT: published although nothing can be written.
    const alert = await waitFor('the RWT to be published', () => seen.find((a) => a.event === 'RWT'), 40_000);
    expect((await engine.call('alerts.active', {})).map((a) => a.id)).toContain(alert.id);
    const snapshot = await waitFor('the status to name the history problem', async () => {
      const s = await engine!.call('status.snapshot', {});
      return s.problems.some((p) => p.code === 'history_not_writable') ? s : null;
    }, 20_000);
    expect(snapshot.activeAlerts.map((a) => a.id)).toContain(alert.id);
    expect(snapshot.problems.find((p) => p.code === 'history_not_writable')!.message).toMatch(
      new RegExp(`^history not writable: disk full at ${mountPoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ changes? waiting in memory, written when it can be: free some space on that disk\\)`),
    );
    expect(engine.snapshot().problems.map((p) => p.code)).toContain('history_not_writable');
    expect(storedAlerts(join(mountPoint, 'history.sqlite'))).toEqual([]);
    // Listed in the history all the same (from memory).
    expect((await engine.call('alerts.history', {})).alerts.map((a) => a.id)).toEqual([alert.id]);

    rmSync(filler);
    await waitFor('the alert to reach the database', () => storedAlerts(join(mountPoint, 'history.sqlite')).includes(alert.raw), 30_000);
    await waitFor('the history problem to clear', () => !engine!.snapshot().problems.some((p) => p.code === 'history_not_writable'), 10_000);
    expect(problems.some((p) => p.some((x) => x.code === 'history_not_writable'))).toBe(true);
    const storage = await engine.call('alerts.storage', {});
    expect(storage).toMatchObject({ writable: true, pendingWrites: 0, alerts: 1 });
    const log = await engine.call('events.log', { filter: { kinds: ['history'] } });
    expect(log.entries.map((e) => e.message)).toEqual([expect.stringMatching(/^history writable again \(was disk full\): \d+ waiting changes written$/)]);
    const db = new Database(join(mountPoint, 'history.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 120_000);
});
