// The console window: sandboxed, context-isolated, no Node in the page, nothing but our own
// page in it (guardWebContents). Closing it only hides it (ShellLifecycle).
import { BrowserWindow, type WebPreferences } from 'electron';
import { guardWebContents } from './web-guards';

/** Every webPreferences item of Electron's security checklist, set explicitly rather than left to defaults. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export interface MainWindowOptions {
  preload: string;
  rendererIndex: string;
  icon: string;
  /** false when started at login: the window waits hidden behind the tray icon. */
  show: boolean;
}

export function createMainWindow(o: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 560,
    title: 'EAS Monitor Console',
    icon: o.icon,
    backgroundColor: '#0d1117',
    show: false,
    webPreferences: secureWebPreferences(o.preload),
  });
  guardWebContents(win.webContents);
  // Shown once painted, so the operator never sees a white flash at start.
  if (o.show) win.once('ready-to-show', () => win.show());
  void win.loadFile(o.rendererIndex);
  return win;
}
