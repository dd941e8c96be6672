// A data dir the console cannot write (remounted read-only here): serve must say which
// directory and what to do, and exit, not die with a raw SqliteError and a stack.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine';
import { defaultSettings } from '../../electron/engine/settings-store';

const run = promisify(execFile);
const base = mkdtempSync(join(tmpdir(), 'eas-rodir-'));
const dataDir = join(base, 'data');
mkdirSync(dataDir);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dataDir], { stdio: 'pipe' });
  mounted = true;
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ...defaultSettings(), sources: [] }));
  execFileSync('mount', ['-o', 'remount,ro', dataDir], { stdio: 'pipe' });
} catch (err) {
  const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
  process.stdout.write(`alert-readonly-dir: skipped, cannot mount a read-only tmpfs here (${why})\n`);
  if (mounted) execFileSync('umount', [dataDir], { stdio: 'pipe' });
  mounted = false;
}

afterAll(() => {
  if (mounted) execFileSync('umount', [dataDir], { stdio: 'pipe' });
  rmSync(base, { recursive: true, force: true });
});

const MESSAGE = `cannot open the alert history in ${dataDir} (read-only): make the directory writable by this user, or start with --data-dir on a writable disk`;

describe.skipIf(!mounted)('a read-only data dir', () => {
  it('the engine refuses with the directory named and what to do', () => {
    expect(() => new Engine({ dataDir, mode: 'serve', version: 'test' })).toThrow(MESSAGE);
  });

  it('serve prints that one line and exits 1', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', 'serve', '--data-dir', dataDir, '--port', '0'], { timeout: 30_000 }).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toBe(`cannot start: ${MESSAGE}\n`);
  }, 40_000);
});
