import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedIcecast, findIcecastBinary, freePort, type ManagedIcecastStatus } from '../../../native/icecast/managed';
import { IcecastNotInstalledError, IcecastStartError, redact } from '../../../native/icecast/errors';
import { randomPassword } from '../../../native/icecast/config';
import { waitFor, within } from '../../helpers/wait';

const isRoot = process.getuid?.() === 0;

/** Resolves when `child` has exited, also when that happened before the call (no lost 'exit'). */
const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(parent = tmpdir()): string {
  const d = mkdtempSync(join(parent, 'eas-managed-test-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function make(opts: Partial<ConstructorParameters<typeof ManagedIcecast>[0]> = {}): ManagedIcecast {
  const m = new ManagedIcecast({ dir: tempDir(), sourcePassword: randomPassword(), adminPassword: randomPassword(), killAfterMs: 3000, ...opts });
  cleanups.push(async () => {
    await m.stop();
    if (m.dir !== opts.dir) rmSync(m.dir, { recursive: true, force: true });
  });
  return m;
}

function alive(pid: number): boolean {
  // /proc/PID disappears only once the process is reaped: a zombie still has it.
  return existsSync(`/proc/${pid}`);
}

/** For processes that are not our children (their reaping is up to PID 1): not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('ManagedIcecast (real icecast2)', () => {
  it('finds the binary, or names the missing package', () => {
    expect(findIcecastBinary()).toMatch(/icecast2?$/);
    expect(() => findIcecastBinary('/nonexistent/icecast2')).toThrow(IcecastNotInstalledError);
    expect(() => findIcecastBinary('/nonexistent/icecast2')).toThrow(/Icecast is not installed: apt-get install icecast2/);
  });

  it('starts, answers, logs, and stops with no leftover process', async () => {
    const m = make();
    const states: string[] = [];
    m.on('state', (s: ManagedIcecastStatus) => states.push(s.state));
    await m.start();
    const pid = m.pid!;
    expect(m.state).toBe('running');
    expect(alive(pid)).toBe(true);
    const res = await fetch(`${m.url}/status-json.xsl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('server')).toMatch(/^Icecast 2\./);
    expect(JSON.parse(await res.text()).icestats.host).toBe('127.0.0.1');
    // The config holds both passwords: only its owner may read it.
    expect(statSync(m.configPath).mode & 0o077).toBe(0);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    if (isRoot) expect(uid).not.toBe(0);
    else expect(uid).toBe(process.getuid!());
    expect(m.logTail()).toMatch(/server started/);

    await m.stop();
    expect(m.state).toBe('stopped');
    expect(m.pid).toBeNull();
    expect(alive(pid)).toBe(false);
    expect(states).toEqual(['starting', 'running', 'stopped']);
  });

  it('restarts after an unexpected death, on the same port, with backoff', async () => {
    const m = make({ backoff: { initialMs: 200, maxMs: 1000 } });
    const states: ManagedIcecastStatus[] = [];
    m.on('state', (s) => states.push(s));
    await m.start();
    const { port } = m;
    const first = m.pid!;
    m.kill('SIGKILL');
    await waitFor('icecast running again under a new pid', () => m.state === 'running' && m.pid !== first);
    expect(alive(first)).toBe(false);
    expect(m.port).toBe(port);
    expect(m.status().restarts).toBe(1);
    const restarting = states.find((s) => s.state === 'restarting')!;
    expect(restarting.lastError).toMatch(/SIGKILL/);
    expect(restarting.nextAttemptAt).toBeGreaterThan(0);
    expect((await fetch(`${m.url}/status-json.xsl`)).status).toBe(200);
  });

  it('a taken port is a named start error with the server log, and nothing is left running', async () => {
    const port = await freePort();
    const blocker: Server = createServer((s) => s.resume());
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const m = make({ port });
    const err = await m.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IcecastStartError);
    expect((err as IcecastStartError).message).toMatch(/exited during start/);
    expect((err as IcecastStartError).logTail).toMatch(/listener socket|bind/i);
    expect(m.state).toBe('failed');
    expect(m.pid).toBeNull();
  });

  it.skipIf(!isRoot)('as root, a runtime dir the service user cannot reach moves to a temp dir', async () => {
    const locked = tempDir();
    chmodSync(locked, 0o700);
    const m = make({ dir: join(locked, 'icecast') });
    await m.start();
    expect(m.dir.startsWith(locked)).toBe(false);
    expect(existsSync(join(m.dir, 'error.log'))).toBe(true);
    const first = m.dir;
    await m.stop();
    // The same wanted dir maps to the same temp dir: the next run finds an orphan's pidfile.
    const again = make({ dir: join(locked, 'icecast') });
    await again.start();
    expect(again.dir).toBe(first);
  });

  it('the app exiting without stop() takes icecast2 along; one killed outright is ended at the next start', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755); // reachable by the service user when we are root
    const script = join(dir, 'owner.mts');
    const managedUrl = new URL(`file://${resolve('native/icecast/managed.ts')}`).href;
    writeFileSync(script, `
      import { ManagedIcecast } from ${JSON.stringify(managedUrl)};
      const m = new ManagedIcecast({ dir: process.argv[2], sourcePassword: 'x', adminPassword: 'y', port: Number(process.argv[3]) || undefined });
      await m.start();
      console.log(JSON.stringify({ pid: m.pid, port: m.port, dir: m.dir }));
      if (process.argv[4] === 'exit') process.exit(0);
      setInterval(() => {}, 1000);
    `);
    const runOwner = async (args: string[]): Promise<{ child: ReturnType<typeof spawn>; info: { pid: number; port: number; dir: string } }> => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      cleanups.push(() => void child.kill('SIGKILL'));
      const line = await new Promise<string>((res, rej) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) res(out.split('\n')[0]);
        });
        child.once('exit', (code) => rej(new Error(`owner exited ${code}`)));
      });
      return { child, info: JSON.parse(line) };
    };

    const graceful = await runOwner([join(dir, 'a'), '0', 'exit']);
    await within('the graceful owner to exit', exited(graceful.child), 15_000);
    await waitFor(`icecast pid ${graceful.info.pid} gone after its owner exited`, () => !running(graceful.info.pid));

    const crashed = await runOwner([join(dir, 'b'), '0', 'wait']);
    crashed.child.kill('SIGKILL');
    await within('the SIGKILLed owner to exit', exited(crashed.child), 10_000);
    expect(running(crashed.info.pid)).toBe(true); // orphaned: nothing ran in the owner
    const next = make({ dir: join(dir, 'b'), port: crashed.info.port });
    await next.start();
    expect(running(crashed.info.pid)).toBe(false);
    expect(next.pid).not.toBe(crashed.info.pid);
  });

  it('redacts passwords in text meant for logs and the UI', () => {
    expect(redact('user:p@ss w0rd! in p%40ss%20w0rd!', ['p@ss w0rd!'])).toBe('user:*** in ***');
  });
});
