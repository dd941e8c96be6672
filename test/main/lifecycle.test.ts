// How the desktop app lives and ends (ShellLifecycle) and what its tray shows (StationTray,
// trayLook), against the fake electron. The whole shell is exercised in shell.test.ts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import type { Alert, SourceStatus } from '../../electron/contract';
import { TRAY_COUNT_MAX as SHELL_COUNT_MAX } from '../../electron/main/icons';
import { HIDE_NOTICE, ShellLifecycle } from '../../electron/main/lifecycle';
import { StationTray } from '../../electron/main/tray';
import { trayLook } from '../../electron/main/tray-state';
import { createMainWindow } from '../../electron/main/window';
import { waitFor } from '../helpers/wait';
import type { FakeElectron } from './fake-electron';

const fake = vi.hoisted(() => ({ current: null as null | FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./fake-electron');
  fake.current = createFakeElectron();
  return fake.current.electron;
});

const dir = mkdtempSync(join(tmpdir(), 'eas-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Logged {
  level: string;
  msg: string;
}

function makeLifecycle(opts: { alerts?: () => number; stop?: () => Promise<void>; stopTimeoutMs?: number; stateFile?: string } = {}) {
  const logs: Logged[] = [];
  const stops: number[] = [];
  const lc = new ShellLifecycle({
    activeAlerts: opts.alerts ?? (() => 0),
    stopEngine: opts.stop ?? (async () => void stops.push(Date.now())),
    log: { info: (msg) => logs.push({ level: 'info', msg }), warn: (msg) => logs.push({ level: 'warn', msg }), error: (msg) => logs.push({ level: 'error', msg }) },
    stateFile: opts.stateFile ?? join(dir, `state-${Math.random()}.json`),
    stopTimeoutMs: opts.stopTimeoutMs,
  });
  const win = createMainWindow({ preload: '/p', rendererIndex: join(dir, 'index.html'), icon: '/i.png', show: true });
  lc.attach(win);
  const fw = fake.current!.control.windows.at(-1)!;
  return { lc, win: win as BrowserWindow, fw, logs, stops };
}

describe('closing the window', () => {
  it('hides it (monitoring goes on); the first time ever a notification says so', () => {
    const stateFile = join(dir, 'shell-state.json');
    const { fw } = makeLifecycle({ stateFile });
    fw.show();
    const notes = fake.current!.control.notifications;
    const before = notes.length;
    const e = fw.close();
    expect(e.defaultPrevented).toBe(true);
    expect(fw.isDestroyed()).toBe(false);
    expect(fw.isVisible()).toBe(false);
    expect(notes.slice(before).map((n) => n.options)).toEqual([HIDE_NOTICE]);
    fw.show();
    fw.close();
    expect(notes.length - before, 'notices after a second close').toBe(1);
    // Remembered across restarts: a new shell on the same data dir does not say it again.
    const again = makeLifecycle({ stateFile });
    again.fw.close();
    expect(notes.length - before).toBe(1);
    expect(existsSync(stateFile)).toBe(true);
  });

  it('a click on the notice brings the window back', () => {
    const { fw } = makeLifecycle();
    fw.close();
    const note = fake.current!.control.notifications.at(-1)!;
    note.emit('click');
    expect(fw.isVisible()).toBe(true);
  });

  it('a renderer crash reloads the console instead of leaving it blank', () => {
    const { fw, logs } = makeLifecycle();
    fw.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(fw.webContents.reloads).toBe(1);
    expect(logs.some((l) => l.level === 'error' && /renderer gone \(crashed\)/.test(l.msg))).toBe(true);
  });
});

describe('quitting', () => {
  beforeAll(() => {
    fake.current!.electron.app.removeAllListeners();
  });

  it('asks first while an alert is active, and keeps monitoring on "Keep monitoring"', async () => {
    const { app } = fake.current!.electron;
    const { control } = fake.current!;
    let alerts = 2;
    const { lc, stops } = makeLifecycle({ alerts: () => alerts });
    lc.install();
    control.answerDialogs(0);
    expect(await lc.requestQuit()).toBe(false);
    const asked = control.dialogCalls.at(-1)!;
    expect(asked.options).toMatchObject({ type: 'warning', buttons: ['Keep monitoring', 'Quit'], defaultId: 0, cancelId: 0 });
    expect(String(asked.options.message)).toMatch(/2 alerts are active/);
    expect(app.quitCalls).toBe(0);
    expect(stops).toEqual([]);

    // Without an active alert there is nothing to confirm.
    alerts = 0;
    const dialogs = control.dialogCalls.length;
    expect(await lc.requestQuit()).toBe(true);
    expect(control.dialogCalls.length).toBe(dialogs);
    await waitFor('the app to exit after the engine stopped', () => app.exitCode !== null, 5000);
    expect(stops).toHaveLength(1);
    expect(app.exitCode).toBe(0);
    app.removeAllListeners();
    app.exitCode = null;
    app.quitCalls = 0;
  });

  it('"Quit" in the dialog stops the engine, then exits; the window no longer hides', async () => {
    const { app } = fake.current!.electron;
    const { control } = fake.current!;
    const order: string[] = [];
    const { lc, fw } = makeLifecycle({
      alerts: () => 1,
      stop: async () => {
        order.push('stop begins');
        await new Promise((r) => setTimeout(r, 20));
        order.push('stop ends');
      },
    });
    lc.install();
    fw.show();
    control.answerDialogs(1);
    expect(await lc.requestQuit()).toBe(true);
    expect(String(control.dialogCalls.at(-1)!.options.message)).toMatch(/An alert is active/);
    // The dialog belongs to the window while it is on screen.
    expect(control.dialogCalls.at(-1)!.parent).toBe(fw);
    await waitFor('exit', () => app.exitCode !== null, 5000);
    expect(order).toEqual(['stop begins', 'stop ends']);
    const e = fw.close();
    expect(e.defaultPrevented, 'close while quitting').toBe(false);
    app.removeAllListeners();
    app.exitCode = null;
  });

  it('a second quit while the engine stops does not stop it twice', async () => {
    const { app } = fake.current!.electron;
    let stops = 0;
    let release!: () => void;
    const { lc } = makeLifecycle({ stop: () => new Promise<void>((r) => (stops++, (release = r))) });
    lc.install();
    app.quit();
    await waitFor('the engine stop to begin', () => stops === 1, 5000);
    app.quit();
    await new Promise((r) => setImmediate(r));
    expect(stops).toBe(1);
    expect(app.exitCode).toBeNull();
    release();
    await waitFor('exit', () => app.exitCode !== null, 5000);
    app.removeAllListeners();
    app.exitCode = null;
  });

  it('exits anyway when the engine does not stop in time, and says so', async () => {
    const { app } = fake.current!.electron;
    const { lc, logs } = makeLifecycle({ stop: () => new Promise<void>(() => undefined), stopTimeoutMs: 50 });
    lc.install();
    app.quit();
    await waitFor('exit after the stop timeout', () => app.exitCode !== null, 5000);
    expect(logs.some((l) => l.level === 'error' && /did not stop within 50 ms/.test(l.msg))).toBe(true);
    expect(logs.some((l) => /engine stopped/.test(l.msg)), 'no claim that it stopped').toBe(false);
    app.removeAllListeners();
    app.exitCode = null;
  });

  it('SIGTERM (logout, shutdown, systemctl) quits through the same path', async () => {
    const { app } = fake.current!.electron;
    const before = process.listeners('SIGTERM').length;
    const { lc, stops } = makeLifecycle();
    lc.install();
    const handler = process.listeners('SIGTERM').slice(before)[0] as () => void;
    expect(handler).toBeTypeOf('function');
    handler();
    await waitFor('exit on SIGTERM', () => app.exitCode !== null, 5000);
    expect(stops).toHaveLength(1);
    for (const sig of ['SIGTERM', 'SIGINT'] as const) for (const l of process.listeners(sig).slice(before)) process.removeListener(sig, l);
    app.removeAllListeners();
    app.exitCode = null;
  });
});

describe('a second instance', () => {
  it('shows, restores and focuses the first one; a duplicate autostart does not pop it up', () => {
    const { app } = fake.current!.electron;
    const { lc, fw } = makeLifecycle();
    lc.install();
    fw.minimize();
    app.emit('second-instance', {}, ['/opt/eas-console', '--hidden'], '/');
    expect(fw.isVisible()).toBe(false);
    app.emit('second-instance', {}, ['/opt/eas-console'], '/');
    expect(fw.isVisible()).toBe(true);
    expect(fw.isMinimized()).toBe(false);
    expect(fw.focused).toBe(1);
    app.removeAllListeners();
  });
});

const source = (id: string, state: SourceStatus['state'], enabled = true): SourceStatus =>
  ({ id, name: `Source ${id}`, kind: 'demo', uri: 'demo:', priority: 1, enabled, state, program: false, error: null, peakDb: null, rmsDb: null, signalDb: null, nowPlaying: null, samples: 0 }) as SourceStatus;
const alert = (id: string, eventName = 'Tornado Warning'): Alert => ({ id, active: true, state: 'active', eventName, relevance: { relevant: true, reasons: [] }, acknowledgement: null }) as unknown as Alert;

describe('the tray', () => {
  it('shows normal, a source down, or the alert count (alert first)', () => {
    expect(trayLook({ sources: [source('a', 'running')], activeAlerts: [] })).toMatchObject({ variant: 'normal', count: 0 });
    expect(trayLook({ sources: [source('a', 'stopped', false), source('b', 'failed', false)], activeAlerts: [] }).variant, 'disabled sources do not count').toBe('normal');
    const down = trayLook({ sources: [source('a', 'running'), source('b', 'failed'), source('c', 'stalled')], activeAlerts: [] });
    expect(down).toMatchObject({ variant: 'failed', count: 0 });
    expect(down.tooltip).toMatch(/2 sources down: Source b, Source c/);
    const both = trayLook({ sources: [source('b', 'failed')], activeAlerts: [alert('1'), alert('2', 'Required Weekly Test')] });
    expect(both).toMatchObject({ variant: 'alert', count: 2 });
    expect(both.tooltip).toMatch(/2 active alerts: Tornado Warning, Required Weekly Test/);
    expect(both.tooltip).toMatch(/1 source down/);
  });

  it('counts only relevant, unacknowledged, active alerts', () => {
    const acked = { ...alert('3'), acknowledgement: { by: 'operator', at: '2026-12-01T00:00:00Z', note: null } } as unknown as Alert;
    const other = { ...alert('4'), relevance: { relevant: false, reasons: ['no location of interest'] } } as unknown as Alert;
    const expired = { ...alert('5'), state: 'expired', active: false } as unknown as Alert;
    expect(trayLook({ sources: [], activeAlerts: [acked, other, expired] })).toMatchObject({ variant: 'normal', count: 0 });
    expect(trayLook({ sources: [], activeAlerts: [acked, alert('6')] })).toMatchObject({ variant: 'alert', count: 1 });
  });

  it('uses an icon that exists for every state and count, rendered from the master SVG', async () => {
    const { renderIcons, TRAY_COUNT_MAX } = (await import('../../scripts/render-icons.mjs' as string)) as {
      renderIcons(out: string): string[];
      TRAY_COUNT_MAX: number;
    };
    expect(SHELL_COUNT_MAX).toBe(TRAY_COUNT_MAX);
    const icons = join(dir, 'icons');
    renderIcons(icons);
    const { control } = fake.current!;
    const clicks: string[] = [];
    const tray = new StationTray(
      { show: () => clicks.push('show'), quit: () => clicks.push('quit'), setStartAtLogin: (on) => clicks.push(`login:${on}`), copyDiagnostics: () => clicks.push('diag') },
      icons,
    );
    const ft = control.trays.at(-1)!;
    expect(ft.image.isEmpty(), 'the tray icon must not be invisible').toBe(false);
    expect(ft.image.path).toBe(join(icons, 'tray-normal.png'));
    const seen = new Set<string>();
    for (let n = 0; n <= TRAY_COUNT_MAX + 3; n++) {
      tray.update(trayLook({ sources: [source('a', 'failed')], activeAlerts: Array.from({ length: n }, (_, i) => alert(String(i))) }));
      expect(ft.image.isEmpty(), `icon for ${n} alerts`).toBe(false);
      seen.add(ft.image.path!);
      expect(ft.tooltip).toBe(tray.current().tooltip);
    }
    expect(seen.has(join(icons, 'tray-failed.png'))).toBe(true);
    expect(seen.has(join(icons, 'tray-alert-1.png'))).toBe(true);
    expect(seen.has(join(icons, `tray-alert-${TRAY_COUNT_MAX}plus.png`))).toBe(true);
    expect(seen.size, 'failed, 1..9, 9+').toBe(TRAY_COUNT_MAX + 2);

    tray.setStartAtLogin(true);
    const menu = ft.menu!;
    expect(menu.labels()).toEqual(expect.arrayContaining(['Show console', 'Start at login', 'Copy diagnostics', 'Quit']));
    expect(menu.template.find((i) => i.label === 'Start at login')!.checked).toBe(true);
    menu.click('Show console');
    menu.click('Start at login');
    menu.click('Copy diagnostics');
    menu.click('Quit');
    ft.emit('click');
    expect(clicks).toEqual(['show', 'login:false', 'diag', 'quit', 'show']);
    tray.destroy();
    expect(ft.destroyed).toBe(true);
  });
});
