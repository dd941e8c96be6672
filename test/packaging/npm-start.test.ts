// `npm start` on a machine without the Electron binary, the first thing a new user runs: one
// clear line saying why, never a stack, then serve mode with its URL.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/serve-process';

const dir = mkdtempSync(join(tmpdir(), 'eas-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const URL_RE = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/;

/** Is Electron's binary really downloaded here (then the "not installed" paths cannot run)? */
function electronInstalled(): boolean {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const rel = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
    return existsSync(join(pkg, 'dist', rel));
  } catch {
    return false;
  }
}

async function startUntilUrl(env: NodeJS.ProcessEnv, name: string): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--data-dir', join(dir, name)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 30 s:\n${stdout}\n${stderr}`)), 30_000);
      child.stdout.on('data', () => {
        if (URL_RE.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) before printing a URL:\n${stdout}\n${stderr}`));
      });
    });
    return { stdout, stderr };
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  expect(text).not.toMatch(/TypeError|fetch failed\n/);
}

describe('npm start without the Electron binary', () => {
  it('says so in one line when there is no display, then serves', async (ctx) => {
    if (electronInstalled()) return ctx.skip(true, 'the Electron binary is installed here');
    const { stdout, stderr } = await startUntilUrl({ DISPLAY: '', WAYLAND_DISPLAY: '' }, 'nodisplay');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Starting in serve mode because the Electron binary is not installed and there is no display; open the URL below in a browser.');
    expect(lines[1]).toMatch(/^EAS console serving at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expectNoStack(stdout + stderr);
  }, 60_000);

  it('with a display, tries the download once and reports a failure in the same one line', async (ctx) => {
    if (electronInstalled()) return ctx.skip(true, 'the Electron binary is installed here');
    // A mirror nobody listens on: the download fails at once, whether or not this machine is online.
    const cache = join(dir, 'electron-cache');
    const { stdout, stderr } = await startUntilUrl(
      { DISPLAY: ':99', WAYLAND_DISPLAY: '', ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache },
      'display',
    );
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Electron is not downloaded yet: downloading it\.\.\. failed \(.+\)\. Starting in serve mode because the Electron binary is not installed; open the URL below in a browser\.$/,
    );
    expect(lines[1]).toMatch(/^EAS console serving at /);
    expectNoStack(stdout + stderr);
  }, 60_000);

  it('honours EAS_FORCE_SERVE', async () => {
    const { stdout } = await startUntilUrl({ EAS_FORCE_SERVE: '1', DISPLAY: ':99' }, 'forced');
    expect(stdout.split('\n')[0]).toBe('Starting in serve mode because EAS_FORCE_SERVE is set; open the URL below in a browser.');
  }, 60_000);
});
