import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/serve-process';

// The commands as a user runs them after `npm ci`: the built launcher, not the sources.
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'eas-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eas-console (built)', () => {
  it('encode then decode --json round-trips a header, one line per event', async () => {
    const wav = join(dir, 'tor.wav');
    const header = 'ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-';
    await run(process.execPath, ['bin/eas-console.js', 'encode', '--header', header, '--out', wav, '--attention', 'two-tone', '--rate', '16000'], { cwd: ROOT });
    const { stdout } = await run(process.execPath, ['bin/eas-console.js', 'decode', wav, '--json'], { cwd: ROOT });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; raw?: string });
    const headers = lines.filter((l) => l.raw?.startsWith('ZCZC'));
    expect(headers.map((h) => h.raw)).toEqual([header]);
    expect(lines.filter((l) => l.raw === 'NNNN')).toHaveLength(1);
  });

  it('refuses a malformed header by field', async () => {
    const err = await run(process.execPath, ['bin/eas-console.js', 'encode', '--header', 'ZCZC-WXR-TOR-029095+0030-3671700-KEAX/NWS-', '--out', join(dir, 'x.wav')], { cwd: ROOT }).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toMatch(/issued/);
  });

  it('npm start falls back to serve mode without an Electron binary and prints the URL', async () => {
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--data-dir', join(dir, 'data')], {
      cwd: ROOT,
      env: { ...process.env, DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          if (/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(out).toMatch(/serve mode because (the Electron binary is not installed|there is no display)/);
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)![0];
      const health = await fetch(new URL('/api/health', url));
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
