import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, startIcecast, type IcecastHandle, type TestListener } from '../helpers/icecast';
import { ensureBuilt, launchChromium, openConsole, type PageProblems } from './chromium';
import { ROOT, startServe, type ServeProcess } from './serve-process';

const OUTPUT = join(ROOT, 'test', 'e2e', 'output');
const NO_PROBLEMS: PageProblems = { console: [], pageErrors: [], csp: [] };

/** Resolves with `p`, or fails saying what did not happen within `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The Icecast side of the console as a station engineer uses it, against a real icecast2 and
 * the built `eas-console serve`: a --stream going live, the server form (admin password
 * write-only), "Test connection", the mount table with our listeners, a confirmed kick, the
 * one-click stream toggle, and a stream saved through the editor whose toggle persists.
 */
describe('Icecast admin viewer and stream toggle against a real icecast2', () => {
  let ice: IcecastHandle;
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let problems: PageProblems;
  let dataDir: string;
  const listeners: TestListener[] = [];
  /** Every WebSocket frame the page received: secrets must never be in one. */
  const framesIn: string[] = [];
  const token = randomBytes(16).toString('hex');

  /** Mounts the server itself lists right now (its public status page). */
  const serverMounts = async (): Promise<string[]> => {
    const body = (await fetch(`${ice.url}/status-json.xsl`).then((r) => r.json())) as {
      icestats: { source?: { listenurl: string } | Array<{ listenurl: string }> };
    };
    const src = body.icestats.source;
    return (src === undefined ? [] : Array.isArray(src) ? src : [src]).map((s) => new URL(s.listenurl).pathname);
  };
  const savedStream = (id: string): { enabled: boolean } | undefined => {
    const s = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { streams: Array<{ id: string; enabled: boolean }> };
    return s.streams.find((x) => x.id === id);
  };
  const streamState = (streamId: string) => page.getByTestId(`stream-${streamId}`).getAttribute('data-state');
  const gotoTab = async (tab: string, panel: string) => {
    await page.getByTestId(`tab-${tab}`).click();
    await page.getByTestId(panel).first().waitFor({ state: 'visible', timeout: 10_000 });
  };

  beforeAll(async () => {
    await ensureBuilt();
    mkdirSync(OUTPUT, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'eas-e2e-icecast-'));
    ice = await startIcecast();
    // src1 (this run only) streams to /demo.mp3; the saved "demo" source of the default
    // settings gets its stream later, through the editor.
    serve = await startServe([
      '--port', '0', '--token', token, '--data-dir', dataDir,
      '--source', 'demo:?first=0',
      '--stream', `icecast://source:${encodeURIComponent(ice.sourcePassword)}@127.0.0.1:${ice.port}/demo.mp3?format=mp3&bitrate=64`,
    ]);
    browser = await launchChromium();
    ({ page, problems } = await openConsole(browser, serve.url, (p) =>
      p.on('websocket', (ws) => ws.on('framereceived', (f) => framesIn.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')))),
    ));
    // A missing element fails within a few poll intervals, not at the 60 s test timeout.
    page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    for (const l of listeners) l.close();
    await page?.close();
    await browser?.close();
    await serve?.stop();
    await ice?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the --stream of the source card live', async () => {
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    await expect.poll(() => streamState('src1-stream1'), { timeout: 15_000 }).toBe('live');
    const row = page.getByTestId('stream-src1-stream1');
    await expect(row.locator('.pill').textContent()).resolves.toBe('live');
    await expect(row.textContent()).resolves.toContain('/demo.mp3');
    await expect(page.getByTestId('stream-toggle-src1').getAttribute('aria-checked')).resolves.toBe('true');
    expect(await serverMounts()).toContain('/demo.mp3');
    expect(problems).toEqual(NO_PROBLEMS);
  });

  it('configures the server with a write-only admin password and tests the connection', async () => {
    await gotoTab('icecast', 'icecast');
    await page.getByLabel('Server URL').fill(ice.url);
    await page.getByLabel('Admin user').fill(ice.adminUser);
    await page.getByLabel('Admin password').fill(ice.adminPassword);
    await page.getByLabel('Poll every').fill('1');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor({ timeout: 10_000 });
    await expect(page.getByLabel('Admin password').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('Admin password').getAttribute('placeholder')).resolves.toMatch(/^set/);

    await page.getByTestId('icecast-test').click();
    const result = page.getByTestId('icecast-test-result');
    await result.waitFor({ timeout: 10_000 });
    await expect(result.getAttribute('class')).resolves.toBe('ok-box');
    await expect(result.textContent()).resolves.toMatch(/admin login: ok.*2\.4\.4/s);
    // The stats poller now reads the admin stats: the server block shows the same version.
    await expect.poll(() => page.getByTestId('icecast').textContent(), { timeout: 10_000 }).toContain('2.4.4');

    expect(await page.content()).not.toContain(ice.adminPassword);
    expect(framesIn.length).toBeGreaterThan(0);
    expect(framesIn.filter((f) => f.includes(ice.adminPassword) || f.includes(ice.sourcePassword))).toEqual([]);
    expect(problems).toEqual(NO_PROBLEMS);
  });

  it('lists our mount with two listeners and kicks one after confirmation', async () => {
    listeners.push(await listen(ice, '/demo.mp3', 'eas-e2e-player-A'), await listen(ice, '/demo.mp3', 'eas-e2e-player-B'));
    const closed = new Set<number>();
    listeners.forEach((l, i) => void l.closed.then(() => closed.add(i)));
    const row = page.getByTestId('mount-/demo.mp3');
    await expect.poll(() => row.locator('strong').textContent(), { timeout: 10_000 }).toBe('2');
    await expect(row.textContent()).resolves.toContain('OURS');

    await row.getByRole('button', { name: 'Listeners' }).click();
    const list = page.getByTestId('listeners-/demo.mp3');
    await list.waitFor({ timeout: 10_000 });
    await expect.poll(() => list.locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await list.textContent()).toContain('eas-e2e-player-A');
    expect(await list.textContent()).toContain('eas-e2e-player-B');

    await list.locator('tr', { hasText: 'eas-e2e-player-B' }).getByRole('button', { name: 'Kick' }).click();
    const confirm = page.getByTestId('confirm-bar');
    await expect(confirm.textContent()).resolves.toMatch(/Kick listener \d+ .* from \/demo\.mp3/);
    // Nothing happens before the confirmation.
    expect(closed.has(1)).toBe(false);
    await expect(list.locator('tbody tr').count()).resolves.toBe(2);
    await page.getByTestId('confirm-yes').click();
    await confirm.waitFor({ state: 'detached', timeout: 10_000 });

    await within(listeners[1]!.closed, 10_000, 'the kicked listener\'s socket to close');
    expect(closed.has(0)).toBe(false);
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).not.toContain('eas-e2e-player-B');
    expect(await list.textContent()).toContain('eas-e2e-player-A');
    await expect.poll(() => row.locator('strong').textContent(), { timeout: 10_000 }).toBe('1');
    await page.getByTestId('icecast').first().screenshot({ path: join(OUTPUT, 'icecast.png') });
    expect(problems).toEqual(NO_PROBLEMS);
  });

  it('turns the --stream off and on with the one-click toggle', async () => {
    await gotoTab('console', 'source-card-src1');
    const toggle = page.getByTestId('stream-toggle-src1');
    await toggle.click();
    await expect.poll(() => streamState('src1-stream1'), { timeout: 10_000 }).toBe('off');
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('false');
    await expect.poll(serverMounts, { timeout: 10_000 }).not.toContain('/demo.mp3');

    await toggle.click();
    await expect.poll(() => streamState('src1-stream1'), { timeout: 15_000 }).toBe('live');
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('true');
    await expect.poll(serverMounts, { timeout: 10_000 }).toContain('/demo.mp3');
    // Run-only streams stay out of the settings file.
    expect(savedStream('src1-stream1')).toBeUndefined();
    expect(problems).toEqual(NO_PROBLEMS);
  });

  it('saves a stream for the saved source in the editor, and its toggle persists', async () => {
    await gotoTab('settings', 'stream-editor');
    await page.getByRole('button', { name: 'Add stream' }).click();
    const editor = page.getByTestId('stream-editor');
    // The first select is the source (its label's name includes the chosen option).
    await expect(editor.locator('select').first().inputValue()).resolves.toBe('demo');
    await editor.getByLabel('Bitrate').fill('64');
    await editor.getByLabel('Port', { exact: true }).fill(String(ice.port));
    await editor.getByLabel('Source password', { exact: true }).fill(ice.sourcePassword);
    const mount = await editor.getByLabel('Mount', { exact: true }).inputValue();
    expect(mount).toBe('/demo-station.mp3');
    await editor.getByRole('button', { name: 'Save stream' }).click();
    await editor.locator('tbody tr', { hasText: mount }).waitFor({ timeout: 10_000 });
    expect(savedStream('demo-mp3')).toMatchObject({ enabled: false });
    expect(readFileSync(join(dataDir, 'settings.json'), 'utf8')).not.toContain(ice.sourcePassword);

    await gotoTab('console', 'source-card-demo');
    const toggle = page.getByTestId('stream-toggle-demo');
    await expect.poll(() => streamState('demo-mp3'), { timeout: 10_000 }).toBe('off');
    // The new stream replaced the "not configured" row.
    await expect(page.getByTestId('source-card-demo').locator('.stream-row').count()).resolves.toBe(1);
    await toggle.click();
    await expect.poll(() => streamState('demo-mp3'), { timeout: 15_000 }).toBe('live');
    await expect.poll(serverMounts, { timeout: 10_000 }).toContain(mount);
    expect(savedStream('demo-mp3')).toMatchObject({ enabled: true });

    await toggle.click();
    await expect.poll(() => streamState('demo-mp3'), { timeout: 10_000 }).toBe('off');
    await expect.poll(serverMounts, { timeout: 10_000 }).not.toContain(mount);
    expect(savedStream('demo-mp3')).toMatchObject({ enabled: false });

    // The Settings tab reads the same choice back through settings.get.
    await gotoTab('settings', 'stream-editor');
    await expect(editor.locator('tbody tr', { hasText: mount }).locator('td').nth(5).textContent()).resolves.toBe('no');

    expect(await page.content()).not.toContain(ice.sourcePassword);
    expect(framesIn.filter((f) => f.includes(ice.adminPassword) || f.includes(ice.sourcePassword))).toEqual([]);
    expect(problems).toEqual(NO_PROBLEMS);
  });
});
