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
    await page.getByTestId('archive-speed-1.5').click();
    expect(await audioEl.evaluate((a: { playbackRate: number }) => a.playbackRate)).toBe(1.5);

    // The zoom view: a wavesurfer waveform of the playing segment, drawn from that one file.
    // Paused, so that the 5 s test segments do not move on under the checks.
    // (A segment may end as it is paused: the next one starts, and is paused in turn.)
    let steady = false;
    for (let i = 0; i < 5 && !steady; i++) {
      await audioEl.evaluate((a: { pause(): void }) => a.pause());
      const was = await audioEl.getAttribute('src');
      await page.waitForTimeout(700);
      steady = (await audioEl.evaluate((a: { paused: boolean }) => a.paused)) && (await audioEl.getAttribute('src')) === was;
    }
    expect(steady, 'the player to stay paused on one segment').toBe(true);
    const zoom = page.getByTestId('archive-zoom');
    await expect.poll(() => zoom.getAttribute('data-state'), { timeout: 15_000, message: 'the zoom waveform to be drawn' }).toBe('ready');
    expect(await audioEl.getAttribute('src')).toContain(await zoom.getAttribute('data-segment'));
    /** Painted pixels in the waveform's canvases (wavesurfer draws in its shadow root), and how wide it scrolls. */
    const wave = () =>
      zoom.evaluate(`(() => {
        const root = document.querySelector('[data-testid="archive-zoom"] > div').shadowRoot;
        let painted = 0;
        for (const c of root.querySelectorAll('canvas')) {
          if (!c.width || !c.height) continue;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
        }
        const scroll = root.querySelector('.scroll');
        return { painted, scrollWidth: scroll.scrollWidth, clientWidth: scroll.clientWidth };
      })()`) as Promise<{ painted: number; scrollWidth: number; clientWidth: number }>;
    await expect.poll(async () => (await wave()).painted, { timeout: 10_000, message: 'the waveform to be painted' }).toBeGreaterThan(1000);
    const fitted = await wave();
    expect(fitted.scrollWidth).toBeLessThanOrEqual(fitted.clientWidth + 2);
    // Zoomed in, the segment is wider than the view (which follows the playhead).
    for (let i = 0; i < 3; i++) await page.getByTestId('archive-zoom-in').click();
    await expect.poll(async () => (await wave()).scrollWidth, { timeout: 5000, message: 'the zoomed-in waveform to scroll' }).toBeGreaterThan(fitted.clientWidth * 1.5);
    for (let i = 0; i < 3; i++) await page.getByTestId('archive-zoom-out').click();
    await expect.poll(async () => (await wave()).scrollWidth, { timeout: 5000, message: 'the waveform to fit again' }).toBeLessThanOrEqual(fitted.clientWidth + 2);
    // A click on the waveform seeks the player it shows.
    const duration = await audioEl.evaluate((a: { duration: number }) => a.duration);
    const box = (await zoom.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.8, box.y + 20);
    await expect.poll(() => audioEl.evaluate((a: { currentTime: number }) => a.currentTime), { timeout: 5000, message: 'the click to seek' }).toBeGreaterThan(duration * 0.7);
    // Never a whole day: only the segments played were fetched.
    const fetched = (await page.evaluate(`[...new Set(performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/api/archive/demo/audio/')).map((n) => n.split('#')[0]))]`)) as string[];
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.length).toBeLessThanOrEqual(4);

    // Go live: the newest audio, a few seconds behind.
    await page.getByTestId('archive-live').click();
    await expect.poll(async () => {
      const segs = ((await page.evaluate(`fetch('/api/archive/demo/segments').then((r) => r.json())`)) as { segments: { name: string }[] }).segments;
      return (await audioEl.getAttribute('src'))?.includes(segs.at(-1)!.name) || (await audioEl.getAttribute('src'))?.includes(segs.at(-2)?.name ?? '-');
    }, { timeout: 10_000, message: 'go live to play the newest segment' }).toBe(true);

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

  it('settings turn a source out of the archive and back, and show the archive settings', async () => {
    const { page, problems } = await openConsole(browser!, `${serve!.url}#settings`);
    const archiveState = async (): Promise<string> =>
      ((await page.evaluate(`fetch('/api/status').then((r) => r.json())`)) as { sources: { id: string; archive?: { state: string } }[] }).sources.find((x) => x.id === 'demo')?.archive?.state ?? 'none';
    const tick = page.getByTestId('setting-source-archive-demo');
    await tick.waitFor({ timeout: 15_000 });
    expect(await tick.isChecked()).toBe(true);
    expect(await page.getByTestId('setting-archive-bitrate').inputValue()).toBe('24');
    expect(await page.getByTestId('setting-archive-days').inputValue()).toBe('7');
    expect(await page.getByTestId('setting-archive-size').inputValue()).toBe('5');
    await expect.poll(archiveState, { timeout: 10_000 }).toBe('recording');

    await tick.uncheck();
    await page.getByTestId('settings-save').click();
    await expect.poll(archiveState, { timeout: 10_000, message: 'the source archive to turn off without a restart' }).toBe('off');
    const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { sources: { archive?: boolean }[]; archive: { bitrateKbps: number } };
    expect(saved.sources[0]!.archive).toBe(false);

    await tick.check();
    await page.getByTestId('setting-archive-bitrate').selectOption('16');
    await page.getByTestId('settings-save').click();
    await expect.poll(archiveState, { timeout: 10_000, message: 'the source archive to record again' }).toBe('recording');
    const again = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { sources: { archive?: boolean }[]; archive: { bitrateKbps: number } };
    expect(again.sources[0]!.archive).toBeUndefined();
    expect(again.archive.bitrateKbps).toBe(16);

    // A lower limit deletes audio at once: Save asks first, and Cancel saves nothing.
    await page.getByTestId('setting-archive-days').fill('0.7');
    await page.getByTestId('settings-save').click();
    const bar = page.getByTestId('confirm-bar');
    await bar.waitFor({ timeout: 5_000 });
    expect(await bar.innerText()).toMatch(/deletes archived audio older than 0\.7 days \(now 7\)/);
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await bar.waitFor({ state: 'detached', timeout: 5_000 });
    const kept = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { archive: { maxAgeDays: number } };
    expect(kept.archive.maxAgeDays).toBe(7);
    expect(problems.csp).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }, 60_000);
});
