import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait';
import { ensureBuilt, launchChromium, openConsole } from './chromium';
import { ROOT, startServe, type ServeProcess } from './serve-process';

const OUTPUT = join(ROOT, 'test', 'e2e', 'output');

describe('engine problems in Chromium', () => {
  let browser: Browser | undefined;
  let serve: ServeProcess | undefined;
  let dataDir: string;
  let locker: Database.Database | null = null;

  beforeAll(async () => {
    await ensureBuilt();
    mkdirSync(OUTPUT, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'eas-e2e-problems-'));
    // The demo's test alert 5 s in: by then this test holds the history database's write lock,
    // so the engine cannot store it (SQLITE_BUSY, as when another program holds the file).
    serve = await startServe(['--port', '0', '--token', randomBytes(16).toString('hex'), '--data-dir', dataDir, '--source', 'demo:?first=5&every=0']);
    const file = join(dataDir, 'history.sqlite');
    await waitFor('the engine to create history.sqlite', () => existsSync(file), 10_000);
    locker = new Database(file);
    locker.pragma('busy_timeout = 5000');
    locker.exec('BEGIN EXCLUSIVE');
    browser = await launchChromium();
  });

  afterAll(async () => {
    if (locker?.inTransaction) locker.exec('ROLLBACK');
    locker?.close();
    await browser?.close();
    await serve?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows what the engine cannot do as a red bar at the top, with since when, until it is fixed', async () => {
    const { page, problems } = await openConsole(browser!, serve!.url, undefined, { viewport: { width: 1024, height: 768 } });
    const bar = page.getByTestId('problems-bar');
    await bar.waitFor({ state: 'visible', timeout: 30_000 });
    await expect(bar.textContent()).resolves.toMatch(/history not writable: .* at .*since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+/);
    // At the very top, above the station header.
    const box = await bar.boundingBox();
    expect(box?.y).toBe(0);
    await page.screenshot({ path: join(OUTPUT, 'problems-bar-1024x768.png') });

    // The lock goes: the engine writes what waited, and the bar goes with the problem.
    locker!.exec('COMMIT');
    locker!.close();
    locker = null;
    await bar.waitFor({ state: 'detached', timeout: 30_000 });
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
    await page.close();
  });
});
