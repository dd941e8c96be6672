import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHILD_STOP_GRACE_MS, SupervisedChild, WORKER_STOP_WAIT_MS } from '../../../native/process/supervised-child';
import { waitFor, within } from '../../helpers/wait';

const node = process.execPath;
const started: SupervisedChild[] = [];
const strays: number[] = [];
const dirs: string[] = [];

afterEach(async () => {
  // Whatever a failed test left running is ended here, grandchildren included.
  for (const c of started.splice(0)) await c.stop(0);
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(command: string, args: string[], options: ConstructorParameters<typeof SupervisedChild>[2] = {}): SupervisedChild {
  const c = new SupervisedChild(command, args, options);
  started.push(c);
  return c;
}

/** /proc/PID disappears only once the process is reaped: a zombie still has it. */
function exists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

const ENDS = 10_000;

describe('SupervisedChild: how a child ended', () => {
  it('a clean exit and a failing one are "exited" with their code', async () => {
    const ok = run(node, ['-e', 'process.exit(0)']);
    const bad = run(node, ['-e', 'process.exit(3)']);
    expect(await within('node exiting 0', ok.exited, ENDS)).toMatchObject({ kind: 'exited', code: 0 });
    const exit = await within('node exiting 3', bad.exited, ENDS);
    expect(exit).toMatchObject({ kind: 'exited', code: 3, signal: null, spawnError: null });
    expect(bad.describe(exit)).toBe('node exited with code 3');
    expect(bad.running).toBe(false);
    expect(bad.exit).toBe(exit);
  });

  it('a child killed from outside is "killed" with the signal', async () => {
    const c = run(node, ['-e', 'setInterval(() => {}, 1000)']);
    await waitFor('the child to have a pid', () => c.pid);
    process.kill(c.pid!, 'SIGKILL');
    const exit = await within('the killed child to be reported', c.exited, ENDS);
    expect(exit).toMatchObject({ kind: 'killed', signal: 'SIGKILL', code: null });
    expect(c.describe(exit)).toBe('node was killed by SIGKILL');
  });

  it('a missing program is "spawn_failed" (ENOENT), named with what to install', async () => {
    const c = run('/nonexistent/arecord', ['-L'], { installHint: 'install alsa-utils (sudo apt install alsa-utils)' });
    const exit = await within('the spawn failure to be reported', c.exited, ENDS);
    expect(exit.kind).toBe('spawn_failed');
    expect(SupervisedChild.missing(exit)).toBe(true);
    expect(c.running).toBe(false);
    expect(c.describe(exit)).toBe('arecord not found (/nonexistent/arecord); install alsa-utils (sudo apt install alsa-utils)');
    // Its streams exist (empty), so callers wire them up the same way either way.
    expect(c.stdout.readable).toBe(true);
    // stop() on a child that never ran resolves at once with the same report.
    expect(await c.stop()).toBe(exit);
  });

  it('a file that is not executable is named as such (EACCES)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-child-'));
    dirs.push(dir);
    const file = join(dir, 'rtl_sdr');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    const c = run(file, []);
    const exit = await within('the spawn failure to be reported', c.exited, ENDS);
    // Root may execute nothing without an x bit either, so this holds for every user.
    expect(exit.kind).toBe('spawn_failed');
    expect(SupervisedChild.missing(exit)).toBe(false);
    expect(c.describe(exit)).toMatch(/^rtl_sdr is not executable .*ls -l/);
  });
});

describe('SupervisedChild: stderr', () => {
  it('keeps only a bounded tail, whose end is the last thing the child said', async () => {
    // 200 kB of stderr, then the line that explains the failure.
    const c = run(node, ['-e', 'process.stderr.write("x".repeat(200000)); process.stderr.write("\\nfatal: the reason\\n"); process.exitCode = 1'], { stderrTailChars: 1000 });
    await within('the noisy child to exit', c.exited, ENDS);
    expect(c.stderr.length).toBeLessThanOrEqual(1000);
    expect(c.stderr.trim().split('\n').at(-1)).toBe('fatal: the reason');
  });

  it('hands out stderr lines split on \\n, \\r\\n and \\r, blank ones dropped', async () => {
    const lines: string[] = [];
    const c = run(node, ['-e', 'process.stderr.write("one\\r\\ntwo\\rthr"); setTimeout(() => process.stderr.write("ee\\n\\n  \\nfour\\n"), 50)'], { onStderrLine: (l) => lines.push(l) });
    await within('the child to exit', c.exited, ENDS);
    expect(lines).toEqual(['one', 'two', 'three', 'four']);
  });

  it('reports the end even when a grandchild keeps the pipes open', async () => {
    // The shell exits at once, but the background sleep inherited its stdout and stderr.
    const c = run('/bin/sh', ['-c', 'sleep 30 & echo $! >&2; exit 4']);
    const pid = Number(await waitFor('the grandchild pid on stderr', () => c.stderr.trim()));
    strays.push(pid);
    const exit = await within('the shell exit to be reported despite the open pipes', c.exited, ENDS);
    expect(exit).toMatchObject({ kind: 'exited', code: 4 });
  });
});

describe('SupervisedChild: stop()', () => {
  it('a child that ends on SIGTERM is reaped when stop() resolves', async () => {
    const c = run(node, ['-e', 'setInterval(() => {}, 1000)']);
    const pid = await waitFor('the child to have a pid', () => c.pid);
    const exit = await within('stop() of a child that obeys SIGTERM', c.stop(), ENDS);
    expect(exit).toMatchObject({ kind: 'killed', signal: 'SIGTERM' });
    expect(exists(pid)).toBe(false);
  });

  it('a child that ignores SIGTERM is SIGKILLed after the grace and reaped, before a worker would be terminated', async () => {
    expect(CHILD_STOP_GRACE_MS).toBeLessThan(WORKER_STOP_WAIT_MS);
    const c = run(node, ['-e', 'process.on("SIGTERM", () => console.error("TERM ignored")); console.error("ready"); setInterval(() => {}, 1000)'], {});
    await waitFor('the child to install its SIGTERM handler', () => c.stderr.includes('ready'));
    const pid = c.pid!;
    const t0 = performance.now();
    const exit = await within('stop() of a child that ignores SIGTERM', c.stop(), ENDS);
    const tookMs = performance.now() - t0;
    // It got SIGTERM first, ignored it, and only SIGKILL ended it.
    expect(c.stderr).toContain('TERM ignored');
    expect(exit).toMatchObject({ kind: 'killed', signal: 'SIGKILL' });
    expect(exists(pid)).toBe(false);
    // The kill waited for the grace (the timer cannot fire early); the upper bound is the
    // engine-level test's job (test/engine/sources/child-stop.test.ts), which needs no clock.
    expect(tookMs).toBeGreaterThanOrEqual(CHILD_STOP_GRACE_MS - 5);
  });

  it('waitOrKill lets a child finish by itself (stdin closed) and kills one that does not', async () => {
    const polite = run(node, ['-e', 'process.stdin.resume(); process.stdin.on("end", () => process.exit(0))'], { stdin: 'pipe' });
    polite.stdin.end();
    expect(await within('a child finishing after stdin closed', polite.waitOrKill(5000), ENDS)).toMatchObject({ kind: 'exited', code: 0 });
    const stubborn = run(node, ['-e', 'setInterval(() => {}, 1000)'], { stdin: 'pipe' });
    stubborn.stdin.end();
    expect(await within('a child that ignores stdin being killed', stubborn.waitOrKill(100), ENDS)).toMatchObject({ kind: 'killed', signal: 'SIGKILL' });
  });

  it('stdout carries the output, and a pid file proves the process is gone afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-child-'));
    dirs.push(dir);
    const pidFile = join(dir, 'pid');
    const c = run('/bin/sh', ['-c', `echo $$ > ${pidFile}; exec ${node} -e 'process.stdout.write("hello"); setInterval(() => {}, 1000)'`]);
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor('the child to print hello', () => out === 'hello');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBe(c.pid);
    await within('stop()', c.stop(), ENDS);
    expect(exists(pid)).toBe(false);
  });
});
