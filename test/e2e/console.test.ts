import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, launchChromium, openConsole, type PageProblems } from './chromium';
import { ROOT, startServe, type ServeProcess } from './serve-process';

const OUTPUT = join(ROOT, 'test', 'e2e', 'output');

async function demoSourceId(page: Page): Promise<string> {
  const card = page.locator('[data-testid^="source-card-"]').first();
  await card.waitFor({ state: 'visible', timeout: 15_000 });
  const testId = await card.getAttribute('data-testid');
  return testId!.slice('source-card-'.length);
}

/** Reads data-rms-db every 200 ms for `ms`; returns the distinct numeric values seen. */
async function sampleRms(page: Page, sourceId: string, ms: number): Promise<number[]> {
  const meter = page.getByTestId(`level-meter-${sourceId}`);
  // First real reading: the meter starts empty until the first levels event.
  await expect
    .poll(async () => Number.parseFloat((await meter.getAttribute('data-rms-db')) ?? ''), { timeout: 15_000, interval: 100 })
    .not.toBeNaN();
  const seen = new Set<number>();
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = Number.parseFloat((await meter.getAttribute('data-rms-db')) ?? '');
    if (Number.isFinite(v)) seen.add(v);
    await page.waitForTimeout(200);
  }
  return [...seen];
}

describe('console in Chromium against `eas-console serve`', () => {
  let browser: Browser | undefined;
  let serve: ServeProcess | undefined;
  // One page for the whole story (load, toggle, engine restart), as an engineer would keep it
  // open; also keeps the file's CPU time down.
  let page: Page;
  let problems: PageProblems;
  let dataDir: string;
  const token = randomBytes(16).toString('hex');
  // The demo source, with its Required Weekly Test 1 s in instead of 20 s, so the alert path
  // (decoder -> alert banner, decoder events) is seen within the test's time.
  const serveArgs = (port: number) => ['--port', String(port), '--token', token, '--data-dir', dataDir, '--source', 'demo:?first=1&every=0'];

  beforeAll(async () => {
    await ensureBuilt();
    mkdirSync(OUTPUT, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'eas-e2e-'));
    serve = await startServe(serveArgs(0));
    browser = await launchChromium();
    ({ page, problems } = await openConsole(browser, serve.url));
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await serve?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the demo source with a moving level meter, without errors or CSP violations', async () => {
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    const id = await demoSourceId(page);
    await expect(page.getByTestId(`source-card-${id}`).textContent()).resolves.toMatch(/demo/i);

    const values = await sampleRms(page, id, 2000);
    expect(values.length, `data-rms-db stayed at ${values.join(', ')} for 2 s`).toBeGreaterThan(1);
    for (const v of values) {
      expect(v).toBeGreaterThan(-120);
      expect(v).toBeLessThanOrEqual(0);
    }

    await expect(page.getByTestId(`stream-toggle-${id}`).isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('alert-banner').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('decoder-events').isVisible()).resolves.toBe(true);
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });

  it('shows the RWT decoded from the demo source in the alert banner and the decoder events', async () => {
    const banner = page.getByTestId('alert-banner');
    await expect.poll(() => banner.getAttribute('data-count'), { timeout: 60_000, message: 'no alert banner after the demo RWT (sent 20 s after start)' }).not.toBe('0');
    const alert = banner.locator('.alert').first();
    await expect(alert.textContent()).resolves.toMatch(/Required Weekly Test/);
    await expect(alert.getAttribute('class')).resolves.toMatch(/\bcat-test\b/);

    const header = page.getByTestId('decoder-events').locator('tr[data-kind="header"]').first();
    await header.waitFor({ state: 'visible', timeout: 10_000 });
    await expect(header.textContent()).resolves.toMatch(/ZCZC-EAS-RWT-\d{6}/);
    await page.screenshot({ path: join(OUTPUT, 'console.png'), fullPage: true });
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  }, 90_000);

  it('answers a stream toggle click with a state or a message the user can act on', async () => {
    const id = await demoSourceId(page);
    const card = page.getByTestId(`source-card-${id}`);
    const toggle = page.getByTestId(`stream-toggle-${id}`);
    await toggle.click();
    // Settled: the button is usable again and the card shows a stream row or the refusal.
    await expect.poll(() => toggle.isEnabled(), { timeout: 10_000 }).toBe(true);
    await expect
      .poll(async () => (await card.locator('.stream-row, .error-text').count()) > 0, { timeout: 10_000 })
      .toBe(true);
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });

  it('renders every tab without errors', async () => {
    for (const [tab, panel] of [
      ['alerts', 'alert-history'],
      ['icecast', 'icecast'],
      ['settings', 'settings'],
      ['diagnostics', 'diagnostics'],
      ['console', 'decoder-events'],
    ] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.getByTestId(panel).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    // Settings loaded from the engine (not stuck on "Loading…") and it shows the demo source.
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('stream-editor').waitFor({ state: 'visible', timeout: 10_000 });
    // The source picker offers the NOAA channels (and the engine's ALSA scan) and fills the URI.
    const row = page.locator('table.settings-sources tbody tr').first();
    await row.locator('select.source-picker').selectOption({ label: 'WX1 162.550 MHz' });
    await expect(row.locator('input.mono.wide').inputValue()).resolves.toBe('rtlsdr:?freq=162550000&rate=1024000&gain=auto&mode=nfm');

    // Removing a row removes that row's elements: the row below keeps its own (an index key
    // would hand the removed row's <tr> and inputs to its neighbour). Nothing is saved.
    const rows = page.locator('table.settings-sources tbody tr');
    const before = await rows.count();
    await page.getByRole('button', { name: 'Add source' }).click();
    await expect.poll(() => rows.count(), { timeout: 5_000, message: 'Add source added no row' }).toBe(before + 1);
    const added = rows.nth(before);
    await added.evaluate((el) => el.setAttribute('data-probe', 'added'));
    await added.locator('td').nth(2).locator('input').fill('Kept row');
    await rows.first().getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => rows.count(), { timeout: 5_000, message: 'Remove left the row in place' }).toBe(before);
    const survivor = rows.nth(before - 1);
    await expect(survivor.getAttribute('data-probe'), 'the added row lost its own <tr> when the row above it was removed').resolves.toBe('added');
    await expect(survivor.locator('td').nth(2).locator('input').inputValue()).resolves.toBe('Kept row');
    await page.getByTestId('tab-console').click();
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });

  it('shows "disconnected — reconnecting" when the engine goes away and recovers when it returns', async () => {
    const id = await demoSourceId(page);

    const port = serve!.port;
    await serve!.stop();
    await page.getByTestId('disconnected-banner').waitFor({ state: 'visible', timeout: 15_000 });
    await expect(page.getByTestId('connection-state').getAttribute('data-state')).resolves.toBe('reconnecting');
    // Nothing updates the cards now: their states must say they are the last ones received.
    const card = page.getByTestId(`source-card-${id}`);
    await expect(card.getAttribute('data-stale'), 'the source card still looks current with the engine gone').resolves.toBe('true');
    await expect(page.getByTestId(`source-state-${id}`).getAttribute('title')).resolves.toMatch(/before the connection to the engine dropped/);
    await expect.poll(() => page.getByTestId(`level-meter-${id}`).getAttribute('data-stale'), { timeout: 5_000, message: 'the meter never went stale with the engine gone' }).toBe('true');

    // Same port and token: the page's cookie and URL stay valid, as after an engine restart.
    serve = await startServe(['--port', String(port), '--token', token, '--data-dir', dataDir, '--source', 'demo:']);
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    await expect(page.getByTestId('disconnected-banner').count()).resolves.toBe(0);
    await expect(card.getAttribute('data-stale'), 'the source card stayed stale after the reconnect').resolves.toBe('false');
    // The meter keeps its last reading, marked stale, until the restarted engine sends levels.
    const meter = page.getByTestId(`level-meter-${id}`);
    await expect.poll(() => meter.getAttribute('data-stale'), { timeout: 15_000 }).toBe('false');
    const values = await sampleRms(page, id, 2000);
    expect(values.length).toBeGreaterThan(1);
    // The browser logs the failed WebSocket handshakes while the engine is down; that is the
    // point of this test, so only those are allowed here.
    expect(problems.console.filter((m) => !/WebSocket connection to .* failed/.test(m))).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.csp).toEqual([]);
  });
});
