import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait';
import { openConsole } from './chromium';
import { startInProcessConsole, type InProcessConsole } from './in-process-console';
import { ROOT } from './serve-process';

const TOKEN = 'e2e-wavesurfer-token-0123456789';
const OUTPUT = join(ROOT, 'test', 'e2e', 'output');
let rig: InProcessConsole | undefined;

beforeAll(async () => {
  rig = await startInProcessConsole({
    token: TOKEN,
    sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?first=0.5&every=0', priority: 10, enabled: true }],
    uiPrefix: 'eas-ui-wave-',
    chromiumArgs: ['--autoplay-policy=no-user-gesture-required'],
  });
}, 120_000);

afterAll(() => rig?.close());

interface Shadow {
  styleElements: number;
  adoptedSheets: number;
  regions: number;
  timelineNotches: number;
  scrollWidth: number;
}

describe('alert playback on wavesurfer.js', () => {
  it('shows the recording with marker regions, a timeline, zoom and keyboard seeking, without CSP violations', async () => {
    const engine = rig!.te.engine;
    const [alert] = await waitFor('a complete alert recording with markers', async () => {
      const l = await engine.call('alerts.list', {});
      return l[0]?.recording?.complete && l[0].recording.markers.length > 0 ? l : null;
    }, 60_000);
    const markers = alert!.recording!.markers.length;
    const { page, problems } = await openConsole(rig!.browser, `${rig!.server.url}#alerts`);
    await page.getByTestId(`history-row-${alert!.id}`).click();
    const control = page.getByTestId(`alert-audio-${alert!.id}`);
    await control.waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => control.getAttribute('data-state'), { timeout: 15_000, message: 'the wavesurfer player never became ready' }).toBe('ready');
    expect(await control.getAttribute('data-player')).toBe('wavesurfer');
    expect(Number(await control.getAttribute('data-regions'))).toBe(markers);

    const wave = page.getByTestId(`alert-wave-${alert!.id}`);
    const shadow = (): Promise<Shadow> =>
      wave.evaluate((el: unknown) => {
        type Root = { querySelectorAll(s: string): { length: number }; adoptedStyleSheets: unknown[]; querySelector(s: string): { scrollWidth: number } | null };
        const host = (el as { firstElementChild: { shadowRoot: Root | null } | null }).firstElementChild;
        const root = host?.shadowRoot;
        if (!root) return { styleElements: -1, adoptedSheets: 0, regions: 0, timelineNotches: 0, scrollWidth: 0 };
        return {
          styleElements: root.querySelectorAll('style').length,
          adoptedSheets: root.adoptedStyleSheets.length,
          regions: root.querySelectorAll('[part~="region"], [part~="marker"]').length,
          timelineNotches: root.querySelectorAll('[part~="timeline-notch"]').length,
          scrollWidth: root.querySelector('.wrapper')?.scrollWidth ?? 0,
        };
      });
    await expect.poll(async () => (await shadow()).regions, { timeout: 5_000, message: 'no region elements in the wavesurfer shadow root' }).toBe(markers);
    const before = await shadow();
    // Its styles live in a constructed sheet, not a <style> the CSP would block.
    expect(before.styleElements).toBe(0);
    expect(before.adoptedSheets).toBeGreaterThanOrEqual(1);
    expect(before.timelineNotches).toBeGreaterThan(0);

    mkdirSync(OUTPUT, { recursive: true });
    await page.getByTestId('alert-detail').screenshot({ path: join(OUTPUT, 'alert-wavesurfer.png') });

    // Keyboard seek.
    await wave.focus();
    await page.keyboard.press('End');
    const duration = alert!.recording!.durationS ?? 0;
    await expect.poll(async () => Number(await control.getAttribute('data-position')), { timeout: 5_000, message: 'End did not seek to the end' }).toBeGreaterThan(duration - 1);
    await page.keyboard.press('Home');
    await expect.poll(async () => Number(await control.getAttribute('data-position')), { timeout: 5_000, message: 'Home did not seek to 0' }).toBe(0);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await control.getAttribute('data-position')), { timeout: 5_000, message: 'ArrowRight did not seek 2 s' }).toBeCloseTo(2, 1);

    // Zoom widens the scrolled waveform.
    const zoomIn = page.getByTestId(`alert-zoom-${alert!.id}`).getByRole('button', { name: 'Zoom in' });
    for (let i = 0; i < 4; i++) await zoomIn.click();
    await expect.poll(async () => (await shadow()).scrollWidth, { timeout: 5_000, message: 'zooming in did not widen the waveform' }).toBeGreaterThan(before.scrollWidth * 1.5);

    await control.getByRole('button').click();
    await expect.poll(() => control.getByRole('button').getAttribute('aria-label'), { timeout: 10_000 }).toBe('Pause recording');
    await control.getByRole('button').click();
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
    await page.close();
  }, 120_000);
});
