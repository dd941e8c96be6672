import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait';
import { openConsole } from './chromium';
import { startInProcessConsole, type InProcessConsole } from './in-process-console';

const TOKEN = 'e2e-audio-token-0123456789';
let rig: InProcessConsole | undefined;

beforeAll(async () => {
  rig = await startInProcessConsole({
    token: TOKEN,
    sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?first=0.5&every=0', priority: 10, enabled: true }],
    uiPrefix: 'eas-ui-audio-',
  });
}, 120_000);

afterAll(() => rig?.close());

describe('alert history in Chromium', () => {
  it('shows a play control with the waveform of the RWT recording, without CSP violations', async () => {
    const engine = rig!.te.engine;
    const [alert] = await waitFor('an alert with a recording', async () => {
      const l = await engine.call('alerts.list', {});
      return l[0]?.recording ? l : null;
    }, 30_000);
    const { page, problems } = await openConsole(rig!.browser, `${rig!.server.url}#alerts`);
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
