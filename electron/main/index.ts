// Electron shell, kept thin: window, tray, notifications and IPC wiring. The station itself
// is the Engine, which also runs without Electron (serve mode).
import { app, BrowserWindow, ipcMain, Menu, net, Notification, protocol, session, Tray, nativeImage, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ContractError, IPC_CALL, IPC_EVENT, MEDIA_SCHEME, type EventName } from '../contract';
import { events as eventSchemas } from '../contract/events';
import { defaultDataDir } from '../engine/data-dir';
import { Engine } from '../engine/engine';
import { createLogger } from '../engine/log';
import { appVersion, packageRoot } from '../../native/package-root';
import { CSP } from '../serve/static-files';
import { createSecretStore } from './safe-secrets';

const root = packageRoot();
const rendererIndex = join(root, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
let win: BrowserWindow | null = null;
let tray: Tray | null = null;

app.enableSandbox();
// Recorded alert audio: privileged so <audio> can stream it and fetch() can read it for the waveform.
protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
]);
if (!app.requestSingleInstanceLock()) app.quit();

const logger = createLogger();
const dataDir = defaultDataDir();
// safeStorage needs the app to be ready, so the engine is made then.
let engine: Engine;

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'EAS Monitor Console',
    backgroundColor: '#0d1117',
    webPreferences: {
      preload: join(root, 'dist', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  // Nothing but our own page: no navigation, no new windows.
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  w.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void w.loadFile(rendererIndex);
  return w;
}

/** Only our own window's main frame showing our own page may call the engine. */
function trustedSender(e: IpcMainInvokeEvent): boolean {
  return !!win && e.sender.id === win.webContents.id && e.senderFrame?.url.split('#')[0] === rendererUrl;
}

ipcMain.handle(IPC_CALL, async (e, cmd: unknown, args: unknown) => {
  if (!engine) return { ok: false, error: new ContractError('unavailable', 'the engine is starting').toJSON() };
  if (!trustedSender(e)) return { ok: false, error: new ContractError('unauthorized', 'untrusted sender').toJSON() };
  try {
    return { ok: true, value: await engine.call(cmd, args) };
  } catch (err) {
    const ce = err instanceof ContractError ? err : new ContractError('internal', (err as Error).message);
    return { ok: false, error: ce.toJSON() };
  }
});

function wireEngineEvents(): void {
  for (const name of Object.keys(eventSchemas) as EventName[]) {
    engine.on(name, ((payload: unknown) => {
      if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload);
    }) as never);
  }
  engine.on('decoder.event', (ev) => {
    if (ev.kind !== 'header' || !Notification.isSupported()) return;
    new Notification({ title: 'EAS alert received', body: ev.text ?? ev.raw ?? 'SAME header', urgency: 'critical' }).show();
  });
}

void app.whenReady().then(async () => {
  const secrets = createSecretStore(dataDir, (msg) => logger.warn(msg));
  engine = new Engine({ dataDir, mode: 'electron', version: appVersion(), logger, secrets });
  wireEngineEvents();
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  protocol.handle(MEDIA_SCHEME, async (req) => {
    // eas-media://alerts/<id>/audio: host "alerts", path "/<id>/audio".
    const url = new URL(req.url);
    const m = url.host === 'alerts' ? /^\/([^/]+)\/audio$/.exec(url.pathname) : null;
    const file = m ? engine.alertRecordingFile(decodeURIComponent(m[1]!)) : null;
    if (!file) return new Response('This alert has no recorded audio.', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).href, { headers: req.headers });
    // The page is file:// (an opaque origin), so fetch() for the waveform needs CORS allowed.
    const headers = new Headers(res.headers);
    headers.set('access-control-allow-origin', '*');
    headers.set('content-type', 'audio/wav');
    return new Response(res.body, { status: res.status, headers });
  });
  await engine.start();
  win = createWindow();
  tray = new Tray(nativeImage.createEmpty());
  tray.setToolTip('EAS Monitor Console');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show console', click: () => (win ?? (win = createWindow())).show() },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  app.on('second-instance', () => win?.show());
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting) return;
  quitting = true;
  e.preventDefault();
  void (engine ? engine.stop() : Promise.resolve()).finally(() => app.exit(0));
});
app.on('window-all-closed', () => app.quit());
