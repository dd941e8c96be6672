import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../electron/engine/settings-store';
import { ensureBuilt, launchChromium, openConsole } from './chromium';
import { ROOT, startServe, type ServeProcess } from './serve-process';

/** Settings with no sources: the terminal is all this test looks at, and sources cost CPU. */
function emptyStation(): { dataDir: string; settings: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-e2e-term-'));
  const settings = join(dataDir, 'settings.json');
  writeFileSync(settings, JSON.stringify({ ...defaultSettings(), sources: [] }));
  return { dataDir, settings };
}

describe('Diagnostics terminal in Chromium', () => {
  let browser: Browser | undefined;
  const serves: ServeProcess[] = [];
  const dirs: string[] = [];

  async function serve(extra: string[]): Promise<ServeProcess> {
    const { dataDir, settings } = emptyStation();
    dirs.push(dataDir);
    const s = await startServe(['--port', '0', '--data-dir', dataDir, '--settings', settings, ...extra]);
    serves.push(s);
    return s;
  }

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(serves.map((s) => s.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs a command typed into xterm.js (serve --terminal), without a CSP violation', async () => {
    const s = await serve(['--terminal']);
    const { page, problems } = await openConsole(browser!, s.url + '#diagnostics');
    await page.getByTestId('terminal-open').click();
    const rows = page.locator('[data-testid="terminal"] .xterm-rows');
    // The prompt shows once the shell is up; then type as the engineer would.
    await expect.poll(async () => (await rows.innerText()).trim().length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.type('echo e2e-$((2+3))');
    await page.keyboard.press('Enter');
    // "e2e-5" alone on a line is the shell's answer; the typed command line shows the unexpanded form.
    await expect.poll(async () => (await rows.innerText()).split('\n').some((l) => l.trim() === 'e2e-5'), { timeout: 15_000 }).toBe(true);
    // xterm's measured cell size arrived through the constructed style sheets: rows have height.
    const rowHeight = await rows.locator('div').first().evaluate((el) => el.getBoundingClientRect().height);
    expect(rowHeight).toBeGreaterThan(5);
    await page.keyboard.type('exit 4');
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('terminal-panel');
    await expect.poll(() => panel.innerText(), { timeout: 10_000 }).toContain('shell exited (4)');
    await page.screenshot({ path: join(ROOT, 'test', 'e2e', 'output', 'terminal.png') });
    expect(problems.csp, s.output()).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.console).toEqual([]);
    await page.close();
  });

  it('shows why the terminal is off when serve runs without --terminal', async () => {
    const s = await serve([]);
    const { page, problems } = await openConsole(browser!, s.url + '#diagnostics');
    await page.getByTestId('terminal-open').click();
    const msg = page.getByTestId('terminal-unavailable');
    await msg.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await msg.innerText();
    expect(text).toContain('serve --terminal');
    expect(text).toContain('remote shell');
    expect(problems.csp).toEqual([]);
    await page.close();
  });
});
