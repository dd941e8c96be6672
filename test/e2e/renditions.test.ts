import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../native/icecast/managed';
import { defaultSettings } from '../../electron/engine/settings-store';
import { ensureBuilt, launchChromium, openConsole, readListenProbe, type ListenProbe, type PageProblems } from './chromium';
import { ROOT, startServe, type ServeProcess } from './serve-process';

const OUTPUT = join(ROOT, 'test', 'e2e', 'output');

/**
 * Renditions as a station engineer adds and hears them, with the built `eas-console serve`
 * and its managed icecast2: a preset rendition in one step on the tile (the managed server's
 * source password filled in by the engine), then the console's player choosing between two
 * live renditions by measured throughput, and the manual override.
 */
describe('renditions: one-step presets and the player choosing by throughput', () => {
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let problems: PageProblems;
  let dataDir: string;
  let icePort: number;
  const token = randomBytes(16).toString('hex');

  const probe = (): Promise<ListenProbe> => readListenProbe(page);
  const playing = async (): Promise<string> => {
    const p = await probe();
    return `${p.path}:${p.streamId}:${p.phase}`;
  };
  const streamState = (streamId: string) => page.getByTestId(`stream-${streamId}`).getAttribute('data-state');
  const savedStreams = (): Array<{ id: string; mount: string; format: string; bitrateKbps: number; enabled: boolean; port: number }> =>
    (JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { streams: [] }).streams;
  const status = async (): Promise<Array<{ sourceId: string; state: string; bitrateKbps: number | null }>> =>
    ((await fetch(`http://127.0.0.1:${serve!.port}/api/status`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as { streams: [] }).streams;
  /** Listeners per mount by the managed server's own public status page. */
  const serverListeners = async (): Promise<Record<string, number>> => {
    const body = (await fetch(`http://127.0.0.1:${icePort}/status-json.xsl`).then((r) => r.json())) as {
      icestats: { source?: { listenurl: string; listeners: number } | Array<{ listenurl: string; listeners: number }> };
    };
    const src = body.icestats.source;
    const list = src === undefined ? [] : Array.isArray(src) ? src : [src];
    return Object.fromEntries(list.map((s) => [new URL(s.listenurl).pathname, s.listeners]));
  };

  beforeAll(async () => {
    await ensureBuilt();
    mkdirSync(OUTPUT, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'eas-e2e-renditions-'));
    // As root the managed icecast2 runs as its own user and must reach its files in the data dir.
    chmodSync(dataDir, 0o755);
    icePort = await freePort();
    const settings = defaultSettings();
    settings.sources = [{ id: 'demo', name: 'Demo station', uri: 'demo:?every=0', priority: 10, enabled: true }];
    settings.icecast = { ...settings.icecast, managed: { enabled: true, port: icePort } };
    settings.archive = { ...settings.archive, enabled: false };
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2));
    serve = await startServe(['--port', '0', '--token', token, '--data-dir', dataDir]);
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    ({ page, problems } = await openConsole(browser, serve.url));
    page.setDefaultTimeout(10_000);
  }, 90_000);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await serve?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds a preset rendition in one step on the tile, on the source server and mount naming', async () => {
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 15_000, message: 'the page never connected' }).toBe('connected');
    // The source's first stream, on the managed server, through the editor (no password: the engine has the managed one).
    await page.getByTestId('tab-settings').click();
    const editor = page.getByTestId('stream-editor');
    await editor.waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Add stream' }).click();
    await editor.getByLabel('Port', { exact: true }).fill(String(icePort));
    await editor.getByRole('button', { name: 'Save stream' }).click();
    await editor.locator('tbody tr', { hasText: '/demo-station.mp3' }).waitFor({ timeout: 10_000 });

    await page.getByTestId('tab-console').click();
    await page.getByTestId('stream-toggle-demo').click();
    await expect.poll(() => streamState('demo-mp3'), { timeout: 30_000, message: 'the first stream never went live on the managed icecast2' }).toBe('live');

    // One step: the use, nothing else.
    await page.getByTestId('add-rendition-select-demo').selectOption('high');
    await expect
      .poll(() => savedStreams().find((s) => s.id === 'demo-hq'), { timeout: 10_000, message: 'the preset rendition was not saved' })
      .toMatchObject({ mount: '/demo-station-hq.mp3', format: 'mp3', bitrateKbps: 192, enabled: true, port: icePort });
    await expect.poll(() => streamState('demo-hq'), { timeout: 30_000, message: 'the preset rendition never went live' }).toBe('live');
    await expect.poll(serverListeners, { timeout: 10_000, message: 'icecast2 does not serve the new mount' }).toHaveProperty(['/demo-station-hq.mp3']);
    // The same use is not offered twice.
    await expect(page.getByTestId('add-rendition-select-demo').locator('option[value="high"]').isDisabled()).resolves.toBe(true);
    expect(problems.csp).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }, 120_000);

  it('plays the rendition auto picks by measured throughput, and the manual override switches it', async () => {
    // Two live renditions whose bitrates the engine has measured (a stream just live has none yet).
    await expect
      .poll(async () => (await status()).filter((s) => s.sourceId === 'demo' && s.state === 'live' && s.bitrateKbps !== null).length, {
        timeout: 15_000,
        message: 'the two renditions never both reported a bitrate',
      })
      .toBe(2);
    const button = page.getByTestId('listen-button-demo');
    await expect.poll(() => button.isEnabled(), { timeout: 15_000, message: 'the Listen button never became enabled' }).toBe(true);
    await button.click();
    // Loopback carries far more than 192/0.7 kbit/s: auto takes the highest rendition.
    await expect.poll(playing, { timeout: 20_000, message: 'auto did not play the 192 kbit/s rendition' }).toBe('icecast:demo-hq:playing');
    const p = await probe();
    expect(p.throughputBps, 'no throughput measured').toBeGreaterThan(192_000 / 0.7);
    expect(p.pickReason).toMatch(/^auto: \d+ kbit\/s fits [\d.]+ [kM]bit\/s$/);
    await expect(page.getByTestId('listen-why-demo').textContent()).resolves.toContain(p.pickReason!);
    // The player is a real client of that mount, not of the other one.
    await expect
      .poll(async () => { const l = await serverListeners(); return `${l['/demo-station-hq.mp3']}:${l['/demo-station.mp3']}`; }, { timeout: 15_000, message: 'icecast2 does not count the player on the 192 kbit/s mount only' })
      .toBe('1:0');
    await page.getByTestId('source-card-demo').screenshot({ path: join(OUTPUT, 'renditions-tile.png') });

    const choice = page.getByTestId('listen-choice-demo');
    await choice.selectOption('stream:demo-mp3');
    await expect.poll(playing, { timeout: 15_000, message: 'choosing the 128 kbit/s rendition by hand did not play it' }).toBe('icecast:demo-mp3:playing');
    expect((await probe()).pickReason).toMatch(/^chosen by hand: \d+ kbit\/s$/);
    await expect
      .poll(async () => { const l = await serverListeners(); return `${l['/demo-station-hq.mp3']}:${l['/demo-station.mp3']}`; }, { timeout: 15_000, message: 'icecast2 does not count the player on the 128 kbit/s mount only' })
      .toBe('0:1');

    await choice.selectOption('auto');
    await expect.poll(playing, { timeout: 15_000, message: 'back on auto the player did not return to the 192 kbit/s rendition' }).toBe('icecast:demo-hq:playing');
    expect(problems.csp).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }, 120_000);
});
