// How the desktop app lives and ends. It is a 24/7 monitor: closing the window hides it (the
// engine keeps listening), only Quit ends it, Quit asks first while an alert is active, and
// every way out (Quit, SIGTERM at logout or shutdown) stops the engine cleanly first.
import { app, dialog, Notification, type BrowserWindow } from 'electron';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HIDDEN_FLAG } from './autostart';

export interface LifecycleLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface LifecycleOptions {
  /** Alerts that need the operator now; Quit asks for confirmation while this is above 0. */
  activeAlerts(): number;
  stopEngine(): Promise<void>;
  log: LifecycleLog;
  /** A small JSON file remembering that the "still monitoring" notice was shown once. */
  stateFile: string;
  /** Past this the app exits even if the engine has not finished stopping. */
  stopTimeoutMs?: number;
}

export const HIDE_NOTICE = {
  title: 'EAS Monitor Console keeps monitoring',
  body: 'The window is closed but alerts are still received. Open it again from the tray icon; Quit is in the tray menu.',
};

export class ShellLifecycle {
  private win: BrowserWindow | null = null;
  private quitting = false;
  private stopping = false;
  private stopped = false;

  constructor(private readonly opts: LifecycleOptions) {}

  /** Registers the app-wide handlers; call once, before the app is ready. */
  install(): void {
    app.on('before-quit', (e) => this.beforeQuit(e));
    // The window is only ever hidden, but if it is gone the engine must go on regardless.
    app.on('window-all-closed', () => undefined);
    app.on('second-instance', (_e, argv) => {
      // A second launch (from the menu, or a duplicate autostart) means "show me the console".
      if (!argv.includes(HIDDEN_FLAG)) this.showWindow();
    });
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => app.quit());
  }

  attach(win: BrowserWindow): void {
    this.win = win;
    win.on('close', (e) => {
      if (this.quitting) return;
      e.preventDefault();
      win.hide();
      this.noticeOnce();
    });
    win.webContents.on('render-process-gone', (_e, details) => {
      if (this.quitting || win.isDestroyed()) return;
      // The page died but the engine did not: bring the console back rather than leave it blank.
      this.opts.log.error(`renderer gone (${details.reason}); reloading the console`);
      win.webContents.reload();
    });
  }

  showWindow(): void {
    const w = this.win;
    if (!w || w.isDestroyed()) return;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  }

  /** Quit from the tray or the menu: asks first while an alert is active. Resolves to whether it quits. */
  async requestQuit(): Promise<boolean> {
    const n = this.opts.activeAlerts();
    if (n > 0) {
      const visible = this.win && !this.win.isDestroyed() && this.win.isVisible() ? this.win : null;
      const options = {
        type: 'warning' as const,
        title: 'Quit EAS Monitor Console?',
        message: `${n === 1 ? 'An alert is' : `${n} alerts are`} active. Quit anyway?`,
        detail: 'Quitting stops monitoring: no alert is received, recorded or relayed until the console is started again.',
        buttons: ['Keep monitoring', 'Quit'],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      };
      const { response } = visible ? await dialog.showMessageBox(visible, options) : await dialog.showMessageBox(options);
      if (response !== 1) return false;
    }
    app.quit();
    return true;
  }

  private beforeQuit(e: { preventDefault(): void }): void {
    this.quitting = true;
    // app.exit() skips before-quit, so this is only a quit that raced the stop.
    if (this.stopped) return;
    e.preventDefault();
    if (this.stopping) return;
    this.stopping = true;
    const limit = this.opts.stopTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limit);
    });
    const stop = Promise.resolve()
      .then(() => this.opts.stopEngine())
      .then(
        () => 'stopped' as const,
        (err: Error) => {
          this.opts.log.error(`engine stop failed: ${err.message}`);
          return 'failed' as const;
        },
      );
    void Promise.race([stop, timeout]).then((how) => {
      clearTimeout(timer);
      this.stopped = true;
      if (how === 'timeout') this.opts.log.error(`the engine did not stop within ${limit} ms; exiting anyway`);
      else if (how === 'stopped') this.opts.log.info('engine stopped; exiting');
      app.exit(0);
    });
  }

  private noticeOnce(): void {
    if (readFlags(this.opts.stateFile).hideNoticeShown) return;
    writeFlags(this.opts.stateFile, { ...readFlags(this.opts.stateFile), hideNoticeShown: true });
    if (!Notification.isSupported()) return;
    const n = new Notification({ title: HIDE_NOTICE.title, body: HIDE_NOTICE.body });
    n.on('click', () => this.showWindow());
    n.show();
  }
}

interface ShellFlags {
  hideNoticeShown?: boolean;
}

function readFlags(file: string): ShellFlags {
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ShellFlags) : {};
  } catch {
    return {};
  }
}

function writeFlags(file: string, flags: ShellFlags): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(flags));
  } catch {
    /* a notice shown twice is better than a shell that fails over a flag */
  }
}
