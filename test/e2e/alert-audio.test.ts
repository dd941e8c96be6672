import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { waitFor } from '../helpers/wait';
import { launchChromium, openConsole } from './chromium';
import { ROOT } from './serve-process';

const TOKEN = 'e2e-audio-token-0123456789';
let te: TestEngine | undefined;
let server: RunningServer | undefined;
let browser: Browser | undefined;
let uiDir: string | undefined;

beforeAll(async () => {
  // The renderer as it is now (dist/ may be older than this checkout), built into a temp dir.
  uiDir = mkdtempSync(join(tmpdir(), 'eas-ui-audio-'));
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir: uiDir, emptyOutDir: true, sourcemap: false } });
  te = await startTestEngine({
    sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?first=0.5&every=0', priority: 10, enabled: true }],
  });
  server = await startServer({ engine: te.engine, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: uiDir });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await te?.cleanup();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
});

describe('alert history in Chromium', () => {
  it('shows a play control with the waveform of the RWT recording, without CSP violations', async () => {
    const engine = te!.engine;
    const [alert] = await waitFor('an alert with a recording', async () => {
      const l = await engine.call('alerts.list', {});
      return l[0]?.recording ? l : null;
    }, 30_000);
    const { page, problems } = await openConsole(browser!, `${server!.url}#alerts`);
    // The player is in the alert's detail view, opened from its history row.
    await page.getByTestId(`history-row-${alert!.id}`).click();
    const control = page.getByTestId(`alert-audio-${alert!.id}`);
    await control.waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => control.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    // The waveform is drawn: some pixels of the canvas are not transparent.
    const inked = await control.locator('canvas').first().evaluate((c: unknown) => {
      const canvas = c as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(100);
    await expect(control.textContent()).resolves.toMatch(/0:00 \/ 0:\d\d/);
    await control.getByRole('button').click();
    await expect.poll(() => control.getByRole('button').getAttribute('aria-label'), { timeout: 10_000 }).toBe('Pause recording');
    await control.getByRole('button').click();
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  }, 90_000);
});
