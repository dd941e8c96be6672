import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStreamUri } from '../../electron/contract';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { startIcecast, type IcecastHandle } from '../helpers/icecast';
import { ListenerHistory } from '../../electron/engine/icecast/listener-history';
import { launchChromium, openConsole, readListenProbe, type ListenProbe, type PageProblems } from './chromium';
import { buildRenderer } from './in-process-console';
import { ROOT } from './serve-process';

const TOKEN = 'e2e-listen-ice-token-0123456789';
const OUTPUT = join(ROOT, 'test', 'e2e', 'output');

/**
 * The player's two paths against a real icecast2: a live mount plays through serve's
 * /api/listen relay; the mount dropping (icecast2 killed) moves it to the direct path in the
 * same page.
 */
describe('listening through a live Icecast mount', () => {
  let ice: IcecastHandle | undefined;
  let te: TestEngine | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let uiDir: string | undefined;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    uiDir = await buildRenderer('eas-ui-listen-ice-');
    ice = await startIcecast();
    const stream = parseStreamUri(`icecast://source:${encodeURIComponent(ice.sourcePassword)}@127.0.0.1:${ice.port}/listen.mp3?format=mp3&bitrate=64`, {
      id: 'demo-stream1',
      sourceId: 'demo',
      enabled: true,
    });
    te = await startTestEngine({ sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?every=0', priority: 10, enabled: true }] }, { extraStreams: [stream] });
    // Two minutes of listener history, as an earlier run would have left them in the data dir.
    const minute = 60_000;
    let t = Math.floor(Date.now() / minute) * minute - 2 * minute;
    const seed = new ListenerHistory({ file: join(te.dataDir, 'listeners.sqlite'), now: () => t });
    seed.observe(`127.0.0.1:${ice.port}`, '/listen.mp3', 2);
    t += minute;
    seed.observe(`127.0.0.1:${ice.port}`, '/listen.mp3', 3);
    seed.forget(`127.0.0.1:${ice.port}`, '/listen.mp3');
    seed.close();
    server = await startServer({ engine: te.engine, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: uiDir });
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    ({ page, problems } = await openConsole(browser, server.url));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await te?.cleanup();
    await ice?.stop();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });

  const probe = (): Promise<ListenProbe> => readListenProbe(page);

  it('plays the mount when the source has a live mount, falls back to direct when it drops and returns after', async () => {
    await expect
      .poll(async () => (await te!.engine.snapshot()).streams.find((s) => s.streamId === 'demo-stream1')?.state, { timeout: 20_000, message: 'the stream never went live' })
      .toBe('live');
    const button = page.getByTestId('listen-button-demo');
    await expect.poll(() => button.isEnabled(), { timeout: 15_000, message: 'the Listen button never became enabled' }).toBe(true);
    await button.click();
    await expect
      .poll(async () => { const p = await probe(); return `${p.path}:${p.streamId}:${p.phase}`; }, { timeout: 15_000, message: 'the player did not play the Icecast mount' })
      .toBe('icecast:demo-stream1:playing');
    await expect(page.getByTestId('listen-demo').textContent()).resolves.toMatch(/Playing from Icecast \/listen\.mp3 · \d+ kbps/);
    mkdirSync(OUTPUT, { recursive: true });
    await page.getByTestId('source-card-demo').screenshot({ path: join(OUTPUT, 'listen-tile-icecast.png') });
    // A manual override to the direct path, and back to automatic.
    const choice = page.getByTestId('listen-choice-demo');
    await choice.selectOption('direct');
    await expect
      .poll(async () => { const p = await probe(); return `${p.path}:${p.phase}`; }, { timeout: 15_000, message: 'choosing "direct" did not play the direct path' })
      .toBe('direct:playing');
    await choice.selectOption('auto');
    await expect
      .poll(async () => { const p = await probe(); return `${p.path}:${p.streamId}:${p.phase}`; }, { timeout: 15_000, message: 'choosing "auto" did not return to the mount' })
      .toBe('icecast:demo-stream1:playing');
    // The relay is a real Icecast client of the mount.
    const stats = (await fetch(`${ice!.url}/status-json.xsl`).then((r) => r.json())) as { icestats: { source?: { listenurl: string; listeners: number } } };
    expect(stats.icestats.source?.listenurl).toMatch(/\/listen\.mp3$/);
    expect(stats.icestats.source?.listeners).toBeGreaterThanOrEqual(1);
    // ...and the engine says which of the mount's listeners is the console itself.
    await expect
      .poll(async () => (await te!.engine.snapshot()).streams.find((s) => s.streamId === 'demo-stream1')?.consoleListeners, { timeout: 10_000, message: 'the engine did not count its own relay' })
      .toBe(1);

    // The Icecast page: our mount's links with copy buttons, and its listener chart.
    await page.getByTestId('tab-icecast').click();
    const links = page.getByTestId('stream-links-demo-stream1');
    await links.waitFor({ state: 'visible', timeout: 10_000 });
    const listenUrl = (await te!.engine.snapshot()).streams.find((s) => s.streamId === 'demo-stream1')?.listenUrl;
    expect(listenUrl).toBe(`http://127.0.0.1:${ice!.port}/listen.mp3`);
    await expect(page.getByTestId('copy-listen-demo-stream1').locator('input').inputValue()).resolves.toBe(listenUrl);
    await expect(page.getByTestId('copy-m3u-demo-stream1').locator('input').inputValue()).resolves.toBe(`${listenUrl}.m3u`);
    await expect(page.getByTestId('copy-listen-demo-stream1').getByRole('button', { name: 'Copy' }).count()).resolves.toBe(1);
    const chart = links.getByTestId('listener-chart-/listen.mp3');
    await chart.waitFor({ state: 'visible', timeout: 10_000 });
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    await links.screenshot({ path: join(OUTPUT, 'listen-stream-links.png') });
    await page.getByTestId('tab-console').click();
    // The tile's sparkline of the same history.
    await page.getByTestId('source-card-demo').locator('.listener-sparkline').waitFor({ state: 'visible', timeout: 10_000 });

    ice!.kill();
    await expect
      .poll(async () => { const p = await probe(); return `${p.path}:${p.phase}`; }, { timeout: 30_000, message: 'the player did not fall back to the direct path after icecast2 was killed' })
      .toBe('direct:playing');
    expect((await te!.engine.snapshot()).streams.find((s) => s.streamId === 'demo-stream1')?.consoleListeners ?? 0, 'a dead relay still counted as ours').toBe(0);

    // Back on air: the same page returns to the mount.
    await ice!.restart();
    await expect
      .poll(async () => { const p = await probe(); return `${p.path}:${p.phase}`; }, { timeout: 45_000, message: 'the player did not return to the Icecast mount after icecast2 came back' })
      .toBe('icecast:playing');
    expect(problems.csp).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }, 120_000);
});
