import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_SETTINGS } from '../../electron/contract';
import { defaultSettings } from '../../electron/engine/settings-store';
import { decodeWav } from '../../native/wav';
import { ensureBuilt, launchChromium, openConsole } from './chromium';
import { startServe, type ServeProcess } from './serve-process';

describe('time-shift player in Chromium', () => {
  let browser: Browser | undefined;
  let serve: ServeProcess | undefined;
  let dataDir = '';

  beforeAll(async () => {
    await ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'eas-e2e-archive-'));
    const settings = join(dataDir, 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        ...defaultSettings(),
        sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?first=0.5&every=0', priority: 10, enabled: true }],
        archive: { ...DEFAULT_ARCHIVE_SETTINGS, segmentSeconds: 5 },
      }),
    );
    serve = await startServe(['--port', '0', '--data-dir', dataDir, '--settings', settings]);
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the timeline with the alert marker, jumps to it and plays; exports a 20 s range', async () => {
    const { page, problems } = await openConsole(browser!, `${serve!.url}#archive`);
    await expect.poll(() => page.getByTestId('archive-timeline').count(), { timeout: 15_000 }).toBe(1);
    const marker = page.getByTestId('archive-marker').first();
    await marker.waitFor({ timeout: 40_000 });
    await marker.click();
    const audioEl = page.getByTestId('archive-audio');
    await audioEl.waitFor({ timeout: 10_000 });
    expect(await audioEl.getAttribute('src')).toMatch(/\/api\/archive\/demo\/audio\/\d{4}-\d{2}-\d{2}\/[0-9.]+Z\.ogg#t=/);
    const state = () => audioEl.evaluate((a: { currentTime: number; readyState: number; networkState: number; paused: boolean; error: { code: number; message: string } | null; src: string }) => `t=${a.currentTime} ready=${a.readyState} net=${a.networkState} paused=${a.paused} err=${a.error?.code}:${a.error?.message} ${a.src}`);
    await expect.poll(() => audioEl.evaluate((a: { currentTime: number }) => a.currentTime), { timeout: 15_000, message: 'the archive audio to play' }).toBeGreaterThan(0).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${await state()} ${JSON.stringify(problems)}`);
    });
    await page.getByTestId('archive-speed-2').click();
    expect(await audioEl.evaluate((a: { playbackRate: number }) => a.playbackRate)).toBe(2);

    // A 20 s range of closed segments, fetched as the download link would.
    const closed = async (): Promise<{ startUtcMs: number; durationMs: number }[]> =>
      ((await page.evaluate(`fetch('/api/archive/demo/segments').then((r) => r.json())`)) as { segments: { state: string; startUtcMs: number; durationMs: number }[] }).segments.filter((x) => x.state === 'closed');
    await expect.poll(async () => (await closed()).reduce((a, x) => a + x.durationMs, 0), { timeout: 40_000, message: '20 s of closed segments' }).toBeGreaterThan(20_000);
    const from = (await closed())[0]!.startUtcMs;
    const res = (await page.evaluate(
      `fetch('/api/archive/demo/export?from=${from}&to=${from + 20_000}&format=wav').then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), bytes: (await r.arrayBuffer()).byteLength }))`,
    )) as { status: number; type: string; bytes: number };
    expect(res.status).toBe(200);
    expect(res.type).toBe('audio/wav');
    // 20 s of 16-bit mono at 22050 Hz.
    expect(Math.abs(res.bytes - 44 - 20 * 22050 * 2)).toBeLessThan(0.05 * 22050 * 2);

    // The console's own export (the alert with 30 s either side): progress, then a download.
    const download = page.waitForEvent('download', { timeout: 30_000 });
    await page.getByTestId('archive-export-start').click();
    const file = await (await download).path();
    const wav = decodeWav(readFileSync(file));
    expect(wav.sampleRate).toBe(22050);
    expect(wav.samples.length).toBeGreaterThan(10 * 22050);
    expect(await page.getByTestId('archive-export-progress').evaluate((p: { value: number }) => p.value)).toBe(1);
    await expect.poll(() => page.getByTestId('archive-export-message').innerText()).toMatch(/^ ?saved demo-.*\.wav$/);
    expect(problems.csp).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }, 90_000);
});
