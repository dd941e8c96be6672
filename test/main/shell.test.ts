// electron/main as Electron would run it, against the fake electron module and a real engine
// (temp XDG dirs): the security checklist end to end, and the life of a 24/7 monitor.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BUS_RATE, DEFAULT_ARCHIVE_SETTINGS, IPC_CALL, IPC_EVENT, LISTEN_PORT_CHANNEL, MEDIA_SCHEME, type Alert, type CallReply, type Settings } from '../../electron/contract';
import { CSP } from '../../electron/contract/csp';
import { defaultSettings } from '../../electron/engine/settings-store';
import { waitFor, within } from '../helpers/wait';
import type { FakeElectron, FakeMessagePortMain } from './fake-electron';

// Each launch gets a fresh fake: the mocked module's exports read whichever is current, since
// vi.resetModules() re-runs electron/main but keeps the mocked module.
const fake = vi.hoisted(() => ({ current: null as null | FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./fake-electron');
  const mod = {};
  for (const key of Object.keys(createFakeElectron().electron)) {
    Object.defineProperty(mod, key, { enumerable: true, get: () => (fake.current!.electron as Record<string, unknown>)[key] });
  }
  return mod;
});

const ENTRY = '../../electron/main/index';
const homes: string[] = [];
const signalListeners = { SIGTERM: process.listeners('SIGTERM').length, SIGINT: process.listeners('SIGINT').length };
const savedArgv = process.argv;
const savedEnv = { XDG_DATA_HOME: process.env.XDG_DATA_HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

interface Shell {
  f: FakeElectron;
  dataDir: string;
  configDir: string;
  call(cmd: string, args?: unknown, sender?: unknown, frame?: unknown): Promise<CallReply>;
  quitAndWait(): Promise<void>;
}

let running: Shell | null = null;

async function launch(settings: Partial<Settings> = {}, opts: { argv?: string[]; lock?: boolean } = {}): Promise<Shell> {
  vi.resetModules();
  const home = mkdtempSync(join(tmpdir(), 'eas-shell-'));
  homes.push(home);
  process.env.XDG_DATA_HOME = join(home, 'data');
  process.env.XDG_CONFIG_HOME = join(home, 'config');
  const dataDir = join(home, 'data', 'eas-console');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ...defaultSettings(), sources: [], ...settings }));
  process.argv = [savedArgv[0]!, 'dist/node/main.js', ...(opts.argv ?? [])];
  const { createFakeElectron } = await import('./fake-electron');
  fake.current = createFakeElectron({ singleInstanceLock: opts.lock ?? true });
  const mod = (await import(ENTRY)) as { started: Promise<void> };
  const f = fake.current!;
  f.control.ready();
  await within('the shell to start', mod.started, 30_000);
  const shell: Shell = {
    f,
    dataDir,
    configDir: join(home, 'config'),
    async call(cmd, args = {}, sender, frame) {
      const handler = f.control.ipcHandlers.get(IPC_CALL)!;
      const wc = f.control.windows[0]!.webContents;
      return (await handler({ sender: sender ?? wc, senderFrame: frame === undefined ? wc.mainFrame : frame } as never, cmd as never, args as never)) as CallReply;
    },
    async quitAndWait() {
      f.electron.app.quit();
      await waitFor('the app to exit after stopping the engine', () => f.electron.app.exitCode !== null, 30_000);
    },
  };
  running = shell;
  return shell;
}

afterEach(async () => {
  // Every engine started is stopped before the next test.
  if (running && running.f.electron.app.exitCode === null && running.f.control.windows.length) await running.quitAndWait();
  running = null;
  process.argv = savedArgv;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) for (const l of process.listeners(sig).slice(signalListeners[sig])) process.removeListener(sig, l);
});

afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

const logText = (s: Shell): string => readFileSync(join(s.dataDir, 'logs', 'eas-console.log'), 'utf8');

describe('the desktop shell: security checklist', () => {
  it('sandboxes every renderer, isolates the page and keeps Node out of it', async () => {
    const s = await launch();
    const { app } = s.f.electron;
    expect(app.sandboxEnabled).toBe(true);
    expect(s.f.control.windows).toHaveLength(1);
    const prefs = s.f.control.windows[0]!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/dist\/preload\/index\.cjs$/);
    expect(s.f.control.privilegedSchemes).toEqual([expect.objectContaining({ scheme: MEDIA_SCHEME })]);
  });

  it('sends the CSP on every response and grants only notifications and audio output', async () => {
    const s = await launch();
    const { headersReceived, permissionRequest } = s.f.control.sessionHandlers;
    for (const url of ['file:///x/index.html', 'https://example.com/', `${MEDIA_SCHEME}://alerts/a/audio`]) {
      let headers: Record<string, string[]> | undefined;
      headersReceived!({ url, responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r) => (headers = r.responseHeaders));
      expect(headers, url).toEqual({ 'Content-Security-Policy': [CSP] });
    }
    const page = s.f.control.windows[0]!.webContents.getURL();
    const granted = (perm: string) => {
      let ok: boolean | undefined;
      permissionRequest!(null, perm, (g) => (ok = g), { requestingUrl: page });
      return ok;
    };
    expect(['notifications', 'speaker-selection', 'media', 'geolocation', 'clipboard-read', 'openExternal'].map(granted)).toEqual([true, true, false, false, false, false]);
  });

  it('denies navigation and window.open', async () => {
    const s = await launch();
    const wc = s.f.control.windows[0]!.webContents;
    expect(wc.tryNavigate('https://evil.example/')).toBe(false);
    expect(wc.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('answers IPC from its own page only: not from a subframe or another webContents', async () => {
    const s = await launch();
    const ok = await s.call('app.info');
    expect(ok).toMatchObject({ ok: true, value: { mode: 'electron' } });
    const wc = s.f.control.windows[0]!.webContents;
    const sub = s.f.control.newFrame(wc.getURL(), wc.mainFrame);
    expect(await s.call('app.info', {}, wc, sub)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const other = s.f.control.newWebContents();
    other.mainFrame.url = wc.getURL();
    expect(await s.call('app.info', {}, other, other.mainFrame)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    // Events go to our window only.
    expect(wc.sent.every((m) => m.channel === IPC_EVENT)).toBe(true);
    expect(other.sent).toEqual([]);
  });
});

describe('the desktop shell: a monitor that keeps running', () => {
  it('hides to the tray on close, with a notice the first time, and keeps the engine running', async () => {
    const s = await launch();
    const w = s.f.control.windows[0]!;
    await waitFor('the window to show once painted', () => w.isVisible(), 5000);
    const tray = s.f.control.trays[0]!;
    expect(tray.image.isEmpty(), 'an invisible tray icon').toBe(false);
    expect(tray.image.path).toMatch(/dist\/icons\/tray-normal\.png$/);
    expect(tray.tooltip).toMatch(/monitoring, no active alert/);
    expect(w.close().defaultPrevented).toBe(true);
    expect(w.isVisible()).toBe(false);
    expect(w.isDestroyed()).toBe(false);
    expect(s.f.control.notifications.map((n) => n.options.title)).toContain('EAS Monitor Console keeps monitoring');
    expect(await s.call('app.info')).toMatchObject({ ok: true });
    expect(s.f.electron.app.exitCode).toBeNull();
    // Back from the tray.
    tray.menu!.click('Show console');
    expect(w.isVisible()).toBe(true);
  });

  it('stops the engine on Quit, then exits', async () => {
    const s = await launch();
    s.f.control.appMenu()!.click('Quit');
    await waitFor('exit', () => s.f.electron.app.exitCode !== null, 30_000);
    expect(s.f.electron.app.exitCode).toBe(0);
    const log = logText(s);
    expect(log.indexOf('"engine stopped"'), log).toBeGreaterThan(-1);
    expect(log.indexOf('"engine stopped"')).toBeLessThan(log.indexOf('engine stopped; exiting'));
    // The last status snapshot was written on the way out.
    expect(JSON.parse(readFileSync(join(s.dataDir, 'status.json'), 'utf8'))).toMatchObject({ status: { app: { mode: 'electron' } } });
  });

  it('a second instance focuses the first; a second process without the lock starts nothing', async () => {
    const s = await launch();
    const w = s.f.control.windows[0]!;
    w.minimize();
    s.f.electron.app.emit('second-instance', {}, ['eas-console'], '/');
    expect(w.isVisible()).toBe(true);
    expect(w.focused).toBeGreaterThan(0);
    await s.quitAndWait();

    const second = await launch({}, { lock: false });
    expect(second.f.electron.app.quitCalls).toBe(1);
    expect(second.f.control.windows).toHaveLength(0);
    expect(second.f.control.trays).toHaveLength(0);
    expect(existsSync(join(second.dataDir, 'history.sqlite')), 'an engine was made').toBe(false);
  });

  it('started at login (--hidden) it waits in the tray without showing the window', async () => {
    const s = await launch({}, { argv: ['--hidden'] });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.f.control.windows[0]!.isVisible()).toBe(false);
    expect(s.f.control.trays).toHaveLength(1);
  });

  it('"Start at login" writes the XDG autostart entry and removes it again, from the tray or the settings', async () => {
    const s = await launch();
    const entry = join(s.configDir, 'autostart', 'eas-console.desktop');
    const tray = s.f.control.trays[0]!;
    expect(existsSync(entry)).toBe(false);
    tray.menu!.click('Start at login');
    await waitFor('the autostart entry', () => existsSync(entry), 5000);
    expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=.*dist\/node\/main\.js --hidden$/m);
    expect(JSON.parse(readFileSync(join(s.dataDir, 'settings.json'), 'utf8')).startAtLogin).toBe(true);
    await waitFor('the tray checkbox to follow', () => tray.menu!.template.find((i) => i.label === 'Start at login')!.checked === true, 5000);
    // The renderer's settings page goes through IPC: the entry follows too.
    expect(await s.call('settings.update', { startAtLogin: false })).toMatchObject({ ok: true });
    await waitFor('the autostart entry to be removed', () => !existsSync(entry), 5000);
  });

  it('copies diagnostics from the Help menu', async () => {
    const s = await launch();
    s.f.control.appMenu()!.click('Copy diagnostics');
    const text = await waitFor('the clipboard text', () => s.f.control.clipboardTexts[0], 15_000);
    expect(text).toContain('== versions ==');
    expect(text).toContain('"mode": "electron"');
    expect(text).toContain('desktop console ready');
  });
});

describe('the desktop shell with an alert', () => {
  it('shows the alert and its count in the tray, asks before quitting, and serves the alert audio', async () => {
    const s = await launch({ sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?first=0.5&every=0', priority: 10, enabled: true }] });
    const tray = s.f.control.trays[0]!;
    await waitFor('the tray to show one alert', () => /tray-alert-1\.png$/.test(tray.image.path ?? ''), 30_000);
    expect(tray.tooltip).toMatch(/1 active alert: Required Weekly Test/);
    expect(s.f.control.notifications.map((n) => n.options.title), 'one notification per message, titled by its event').toEqual(['Required Weekly Test']);

    const active = (await s.call('alerts.active')) as { ok: true; value: Alert[] };
    const id = active.value[0]!.id;
    const media = s.f.control.protocolHandlers.get(MEDIA_SCHEME)!;
    const res = await waitFor('the recording to be served', async () => {
      const r = await media(new Request(`${MEDIA_SCHEME}://alerts/${encodeURIComponent(id)}/audio`));
      return r.status === 200 ? r : null;
    }, 15_000);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
    expect((await media(new Request(`${MEDIA_SCHEME}://alerts/not-an-alert/audio`))).status).toBe(404);

    // Quit while the alert is active: asked, and "Keep monitoring" keeps it running.
    s.f.control.answerDialogs(0);
    tray.menu!.click('Quit');
    await waitFor('the confirmation', () => s.f.control.dialogCalls.length === 1, 5000);
    expect(String(s.f.control.dialogCalls[0]!.options.message)).toMatch(/An alert is active/);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.f.electron.app.exitCode).toBeNull();
    expect(await s.call('app.info')).toMatchObject({ ok: true });

    s.f.control.answerDialogs(1);
    tray.menu!.click('Quit');
    await waitFor('exit after "Quit"', () => s.f.electron.app.exitCode !== null, 30_000);
    expect(logText(s)).toContain('"engine stopped"');
  }, 90_000);
});

describe('the desktop shell: listening, the archive and downloads', () => {
  it('gives its own page a listening port that carries a source, and closes it with the window', async () => {
    const s = await launch({
      sources: [{ id: 'demo', name: 'Demo', uri: 'demo:?every=0', priority: 10, enabled: true }],
      archive: { ...DEFAULT_ARCHIVE_SETTINGS, enabled: false },
    });
    const w = s.f.control.windows[0]!;
    const wc = w.webContents;
    const ask = s.f.control.ipcListeners.get(LISTEN_PORT_CHANNEL)! as (e: unknown) => void;
    const other = s.f.control.newWebContents();
    other.mainFrame.url = wc.getURL();
    ask({ sender: other, senderFrame: other.mainFrame });
    ask({ sender: wc, senderFrame: s.f.control.newFrame(wc.getURL(), wc.mainFrame) });
    expect(other.posted, 'no port for another webContents').toEqual([]);
    expect(wc.posted, 'no port for a subframe').toEqual([]);

    ask({ sender: wc, senderFrame: wc.mainFrame });
    expect(wc.posted).toHaveLength(1);
    expect(wc.posted[0]!.channel).toBe(LISTEN_PORT_CHANNEL);
    const port = wc.posted[0]!.ports[0] as FakeMessagePortMain;
    const got: unknown[] = [];
    port.on('message', (e: { data: unknown }) => got.push(e.data));
    port.start();
    port.postMessage({ t: 'start', id: 1, sourceId: 'demo' });
    await waitFor('hello and 5 frames over the port', () => got.filter((m) => m instanceof ArrayBuffer).length >= 5, 20_000, { detail: () => JSON.stringify(got.filter((m) => !(m instanceof ArrayBuffer))) });
    expect(got[0]).toEqual({ t: 'hello', id: 1, sourceId: 'demo', rate: BUS_RATE });

    const closed = new Promise<void>((r) => port.once('close', () => r()));
    w.destroy();
    await within('the port to close with its webContents', closed, 10_000);
  });

  it('serves the archive on eas-media and saves downloads through the save dialog', async () => {
    const s = await launch({ archive: { ...DEFAULT_ARCHIVE_SETTINGS, enabled: false } });
    const media = s.f.control.protocolHandlers.get(MEDIA_SCHEME)!;
    const r = await media(new Request(`${MEDIA_SCHEME}://archive/demo/segments?from=0&to=1000`));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ sourceId: 'demo', segments: [], gaps: [{ fromMs: 0, toMs: 1000 }] });
    expect((await media(new Request(`${MEDIA_SCHEME}://archive/demo/audio/2020-01-01/000000.000Z.ogg`))).status).toBe(404);

    const dialogs: unknown[] = [];
    const item = {
      cancelled: false,
      getURL: () => 'blob:file:///8a1e-4c',
      getFilename: () => 'demo-2026-12-01T03-00-00-000Z.wav',
      setSaveDialogOptions: (o: unknown) => dialogs.push(o),
      cancel() {
        this.cancelled = true;
      },
      once: () => undefined,
      getSavePath: () => '',
    };
    s.f.control.sessionListeners.emit('will-download', {}, item);
    expect(dialogs).toEqual([expect.objectContaining({ defaultPath: '/fake-home/downloads/demo-2026-12-01T03-00-00-000Z.wav' })]);
    expect(item.cancelled).toBe(false);
  });
});
