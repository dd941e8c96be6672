import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSame } from '../../electron/core/same';
import { writeWavFile } from '../../native/wav';
import { ensureBuilt, launchChromium, openConsole, type PageProblems } from './chromium';
import { ROOT, startServe, type ServeProcess } from './serve-process';

const OUTPUT = join(ROOT, 'test', 'e2e', 'output');
const RATE = 22050;
const STATION = 'KXYZ Test';

/** JJJHHMM (UTC day of year, hour, minute) for `at`: the header's issue time. */
function issueTime(at: Date): string {
  const start = Date.UTC(at.getUTCFullYear(), 0, 1);
  const day = Math.floor((at.getTime() - start) / 86_400_000) + 1;
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return `${p(day, 3)}${p(at.getUTCHours(), 2)}${p(at.getUTCMinutes(), 2)}`;
}

// Issued now and valid for an hour, so the alerts are active for the whole test. The station's
// location of interest is Jackson County, MO (029095).
const ISSUED = issueTime(new Date());
const HEADERS = {
  tor: `ZCZC-WXR-TOR-029095+0100-${ISSUED}-KEAX/NWS-`,
  toa: `ZCZC-WXR-TOA-029000+0100-${ISSUED}-KEAX/NWS-`,
  sps: `ZCZC-WXR-SPS-029095+0100-${ISSUED}-KEAX/NWS-`,
  // Sedgwick County, KS: heard, stored, but not for this station.
  far: `ZCZC-WXR-TOR-020173+0100-${ISSUED}-KICT/NWS-`,
};

interface ChimeProbe {
  running: boolean;
  contextState: string;
  ringing: string | null;
  plays: number;
}

const chime = (page: Page): Promise<ChimeProbe> =>
  page.evaluate(() => {
    const c = (globalThis as unknown as { __easTest?: { chime?: ChimeProbe } }).__easTest?.chime;
    return c ? { running: c.running, contextState: c.contextState, ringing: c.ringing, plays: c.plays } : { running: false, contextState: 'no hook', ringing: null, plays: 0 };
  });

const notifications = (page: Page): Promise<Array<{ title: string; body: string }>> =>
  page.evaluate(() => (globalThis as unknown as { __notifications?: Array<{ title: string; body: string }> }).__notifications ?? []);

/** Rows of the history table, as their alert ids. */
const historyIds = async (page: Page): Promise<string[]> =>
  (await page.locator('[data-testid^="history-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid') ?? ''))).map((t) =>
    t.slice('history-row-'.length),
  );

describe('alert desk in Chromium against `eas-console serve` with file sources', () => {
  let browser: Browser | undefined;
  let serve: ServeProcess | undefined;
  let page: Page;
  let problems: PageProblems;
  let dataDir: string;
  let torId = '';

  beforeAll(async () => {
    await ensureBuilt();
    mkdirSync(OUTPUT, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'eas-e2e-desk-'));
    // Each file: 6 s of quiet (the page is open by then), the message, and a tail long enough
    // for the recording to close after the EOM.
    const wav = (name: string, header: string): string => {
      const file = join(dataDir, `${name}.wav`);
      const samples = encodeSame({ header, sampleRate: RATE, attention: { kind: 'nwr', seconds: 2 }, voiceSeconds: 2, leadSilenceS: 6, tailSilenceS: 5 });
      writeWavFile(file, samples, RATE);
      return file;
    };
    const tor = wav('tor', HEADERS.tor);
    const sources = [
      { id: 'rx-a', name: 'Receiver A', uri: `file:${tor}` },
      // The same message on a second input: a second reception of the same alert.
      { id: 'rx-b', name: 'Receiver B', uri: `file:${tor}` },
      { id: 'rx-c', name: 'Receiver C', uri: `file:${wav('toa', HEADERS.toa)}` },
      { id: 'rx-d', name: 'Receiver D', uri: `file:${wav('sps', HEADERS.sps)}` },
      { id: 'rx-e', name: 'Receiver E', uri: `file:${wav('far', HEADERS.far)}` },
    ].map((s, i) => ({ ...s, priority: 10 * (i + 1), enabled: true }));
    writeFileSync(
      join(dataDir, 'settings.json'),
      JSON.stringify({
        version: 1,
        stationName: STATION,
        sources,
        failover: { silenceThresholdDb: -50, silenceSeconds: 10, stallSeconds: 5, holdSeconds: 30 },
        streams: [],
        alerts: {
          relevance: { locations: ['029095'], allowEvents: [], denyEvents: [], originators: [], ignoreTests: false },
          chime: { warning: 'repeat', watch: 'repeat', advisory: 'once', test: 'off' },
          notify: true,
          retention: { maxAgeDays: 365, maxRecordingsMb: 2048 },
        },
        timeZone: 'America/Chicago',
      }),
    );
    serve = await startServe(['--port', '0', '--token', randomBytes(16).toString('hex'), '--data-dir', dataDir]);
    // Headless Chromium has no one to click: let the AudioContext start by itself.
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    ({ page, problems } = await openConsole(
      browser,
      serve.url,
      (p) =>
        // Records every notification the page shows (then shows it): the test's window on them.
        p.addInitScript({
          content: `(() => {
            const Original = window.Notification;
            if (!Original) return;
            window.__notifications = [];
            function Recorded(title, options) {
              window.__notifications.push({ title, body: (options && options.body) || '' });
              return new Original(title, options);
            }
            Object.defineProperty(Recorded, 'permission', { get: () => Original.permission });
            Recorded.requestPermission = (...a) => Original.requestPermission(...a);
            Recorded.prototype = Original.prototype;
            window.Notification = Recorded;
          })();`,
        }),
      { viewport: { width: 1024, height: 768 }, permissions: ['notifications'] },
    ));
  }, 90_000);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await serve?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stacks the three relevant alerts most severe first, one line each, with the sources still on a 1024x768 screen', async () => {
    const banner = page.getByTestId('alert-banner');
    await expect
      .poll(() => banner.getAttribute('data-count'), { timeout: 60_000, message: `the banner never showed 3 alerts; serve said:\n${serve!.output().slice(-2000)}` })
      .toBe('3');
    const rows = banner.locator('.alert');
    await expect(rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-category')))).resolves.toEqual(['warning', 'watch', 'advisory']);
    await expect(rows.first().textContent()).resolves.toMatch(/Tornado Warning/);
    torId = (await rows.first().getAttribute('data-testid'))!.slice('alert-'.length);
    // One line each: no row taller than a line of buttons.
    for (const h of await rows.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) expect(h).toBeLessThan(48);
    // The live countdown shows the time left (about an hour).
    await expect(page.getByTestId(`countdown-${torId}`).textContent()).resolves.toMatch(/^(\d+ min|1 h)$/);

    // The Kansas warning is in the quiet strip, with the reason.
    const others = page.getByTestId('other-alerts');
    await expect.poll(() => others.getAttribute('data-count'), { timeout: 30_000, message: 'no "other alerts" strip for the Sedgwick County warning' }).toBe('1');
    await expect(others.textContent()).resolves.toMatch(/Sedgwick/);

    // The first source card starts on screen.
    const card = page.locator('[data-testid^="source-card-"]').first();
    await card.waitFor({ state: 'visible', timeout: 10_000 });
    const box = await card.boundingBox();
    expect(box, 'no source card').not.toBeNull();
    expect(box!.y, `the first source card starts at y=${box!.y}, below the 768 px screen`).toBeLessThan(768 - 100);

    // The title names the most severe alert once, and the station once.
    await expect.poll(() => page.title(), { timeout: 5_000 }).toBe(`Tornado Warning (+2) — ${STATION} — EAS Monitor`);
    await page.screenshot({ path: join(OUTPUT, 'alert-banner-stack-1024x768.png') });
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });

  it('chimes through a running AudioContext and shows a browser notification per relevant alert', async () => {
    await expect
      .poll(() => chime(page), { timeout: 10_000, message: 'the chime did not start (window.__easTest.chime)' })
      .toMatchObject({ running: true, contextState: 'running', ringing: 'warning' });
    await expect
      .poll(async () => (await notifications(page)).map((n) => n.title).sort(), { timeout: 10_000, message: 'no browser notification for the relevant alerts' })
      .toEqual(['Special Weather Statement', 'Tornado Warning', 'Tornado Watch']);
    const tor = (await notifications(page)).find((n) => n.title === 'Tornado Warning')!;
    expect(tor.body).toMatch(/Jackson/);
    expect(tor.body).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d C[SD]T/);
  });

  it('acknowledges with a note (button) and with Alt+A; the chime stops once none is left', async () => {
    await page.getByTestId(`ack-${torId}`).click();
    await page.getByTestId(`ack-note-${torId}`).fill('relayed on air');
    await page.getByTestId(`ack-confirm-${torId}`).click();
    await expect
      .poll(() => page.getByTestId(`alert-${torId}`).getAttribute('data-acknowledged'), { timeout: 10_000, message: 'the Tornado Warning was not marked acknowledged' })
      .toBe('true');
    // The watch still rings (repeat); the statement rang once.
    await expect.poll(async () => (await chime(page)).ringing, { timeout: 10_000, message: 'the chime did not move on to the watch' }).toBe('watch');

    // Alt+A opens the note for the top unacknowledged alert (the watch); Enter sends it.
    const watch = page.locator('.alert[data-category="watch"]');
    const watchId = (await watch.getAttribute('data-testid'))!.slice('alert-'.length);
    await page.keyboard.press('Alt+A');
    const note = page.getByTestId(`ack-note-${watchId}`);
    await note.waitFor({ state: 'visible', timeout: 5_000 });
    await expect(note.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).resolves.toBe(true);
    await note.fill('watch noted');
    await note.press('Enter');
    await expect.poll(() => watch.getAttribute('data-acknowledged'), { timeout: 10_000, message: 'Alt+A did not acknowledge the watch' }).toBe('true');
    await expect
      .poll(() => chime(page), { timeout: 10_000, message: 'the chime kept ringing with every alert acknowledged' })
      .toMatchObject({ running: false, ringing: null });
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });

  it('lists one history row for the warning heard on both inputs; a filter and a search narrow it; export downloads it', async () => {
    await page.getByTestId('tab-alerts').click();
    await page.getByTestId('alert-history').waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(async () => (await historyIds(page)).length, { timeout: 15_000, message: 'the history did not list the 4 alerts' }).toBe(4);
    // Live: the second input's reception lands in the same row (no Refresh).
    const sources = page.getByTestId(`history-sources-${torId}`);
    await expect.poll(() => sources.textContent(), { timeout: 30_000, message: 'the Tornado Warning row never listed both inputs' }).toMatch(/Receiver A, Receiver B|Receiver B, Receiver A/);
    await expect(page.getByTestId(`ack-state-${torId}`).getAttribute('data-acknowledged')).resolves.toBe('true');
    await expect(page.getByTestId(`state-${torId}`).getAttribute('data-state')).resolves.toBe('active');
    // Category pills carry their colour (they were all the same grey).
    const bg = (sel: string) => page.locator(sel).first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    const [warningBg, watchBg] = await Promise.all([bg('.history-table .pill.cat-warning'), bg('.history-table .pill.cat-watch')]);
    expect(warningBg).not.toBe(watchBg);
    // One time format, in the station's zone.
    await expect(page.getByTestId(`history-row-${torId}`).locator('td').first().textContent()).resolves.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d C[SD]T$/);

    await page.getByTestId('history-filter-event').fill('TOR');
    await expect.poll(async () => (await historyIds(page)).length, { timeout: 10_000, message: 'the TOR filter did not narrow the history to 2 rows' }).toBe(2);
    await page.getByTestId('history-search').fill('Jackson');
    await expect.poll(() => historyIds(page), { timeout: 10_000, message: 'searching "Jackson" did not leave the one warning' }).toEqual([torId]);

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.getByTestId('history-export-csv').click()]);
    const file = join(dataDir, 'export.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^id,first_received_at,/);
    expect(csv).toContain(HEADERS.tor);
    expect(csv).toContain(torId);
    expect(csv).not.toContain(HEADERS.far);
    expect(csv).not.toContain(HEADERS.sps);
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });

  it('opens the detail: text, header, both receptions with their recordings, relevance and the acknowledgement', async () => {
    await page.getByTestId(`history-row-${torId}`).click();
    const detail = page.getByTestId('alert-detail');
    await detail.waitFor({ state: 'visible', timeout: 10_000 });
    await expect(page.getByTestId('detail-raw').textContent()).resolves.toBe(HEADERS.tor);
    await expect(page.getByTestId('detail-text').textContent()).resolves.toMatch(/Tornado Warning/);
    await expect(page.getByTestId('detail-relevance').textContent()).resolves.toMatch(/029095/);
    await expect(page.getByTestId('detail-ack').textContent()).resolves.toMatch(/serve client .*relayed on air/);
    await expect.poll(() => page.getByTestId('detail-receptions').locator('tbody tr').count(), { timeout: 10_000, message: 'the detail does not list both receptions' }).toBe(2);
    // The first reception's recording plays through the same player as before.
    const player = page.getByTestId(`alert-audio-${torId}`);
    await player.scrollIntoViewIfNeeded();
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 20_000, message: 'the recording did not load' }).toBe('ready');
    // It finishes (the EOM and the tail) while the detail is open: the player follows.
    await expect
      .poll(() => player.textContent(), { timeout: 30_000, message: 'the recording never finished in the detail view' })
      .not.toMatch(/still recording/);
    await expect.poll(() => player.getAttribute('data-state'), { timeout: 20_000, message: 'the finished recording did not load' }).toBe('ready');
    await expect(detail.locator('.wave-markers').first().textContent()).resolves.toMatch(/header ×3.*EOM/);
    await detail.screenshot({ path: join(OUTPUT, 'alert-history-detail.png') });
    await page.screenshot({ path: join(OUTPUT, 'alert-history-1024x768.png'), fullPage: true });
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });

  it('names every invalid setting at once in words, clears them on Revert, and adds a county found by name', async () => {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('location-picker').waitFor({ state: 'visible', timeout: 10_000 });
    // The location already held is shown with its name.
    const picker = page.getByTestId('location-picker');
    await expect.poll(() => picker.locator('.chip[data-code="029095"]').textContent(), { timeout: 10_000, message: 'the held location has no name' }).toMatch(/Jackson County, MO/);

    const settings = page.getByTestId('settings');
    await settings.locator('label', { hasText: 'Silence below' }).locator('input').fill('5');
    await page.getByTestId('setting-deny-events').fill('TORN');
    await page.getByTestId('setting-max-age').fill('0');
    await page.getByTestId('setting-time-zone').fill('Mars/Olympus');
    const summary = page.getByTestId('settings-errors');
    await expect.poll(() => summary.getAttribute('data-count'), { timeout: 5_000, message: 'not every invalid field was named' }).toBe('4');
    const text = (await summary.textContent()) ?? '';
    expect(text).toMatch(/Silence below.*0 dB or lower/);
    expect(text).toMatch(/Never these events.*“TORN” is not an event code/);
    expect(text).toMatch(/Keep alerts for.*1 to 36500/);
    expect(text).toMatch(/Time zone.*“Mars\/Olympus” is not a time zone/);
    await expect(page.getByTestId('error-failover.silenceThresholdDb').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('settings-save').isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: join(OUTPUT, 'settings-errors-1024x768.png'), fullPage: true });

    await page.getByTestId('settings-revert').click();
    await expect(summary.count()).resolves.toBe(0);
    await expect(page.getByTestId('setting-deny-events').inputValue()).resolves.toBe('');

    // Allowed and denied at once is named too.
    await page.getByTestId('setting-allow-events').fill('TOR, SVR');
    await page.getByTestId('setting-deny-events').fill('tor');
    await expect.poll(() => summary.textContent(), { timeout: 5_000 }).toMatch(/TOR is both allowed and denied/);
    await page.getByTestId('settings-revert').click();

    // A county by name, from the engine's FIPS tables; saved, and kept.
    await page.getByTestId('location-search').fill('Clay MO');
    const results = page.getByTestId('location-results');
    await results.waitFor({ state: 'visible', timeout: 10_000 });
    await results.locator('li', { hasText: '029047' }).getByRole('button', { name: 'Add' }).click();
    await expect(picker.locator('.chip[data-code="029047"]').textContent()).resolves.toMatch(/Clay County, MO/);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => settings.locator('.ok-text').textContent(), { timeout: 10_000, message: 'the settings were not saved' }).toBe('Saved.');
    const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { alerts: { relevance: { locations: string[] } } };
    expect(saved.alerts.relevance.locations).toEqual(['029095', '029047']);
    await expect(page.getByTestId('setting-start-at-login').isVisible()).resolves.toBe(true);
    expect(problems).toEqual({ console: [], pageErrors: [], csp: [] });
  });
});
