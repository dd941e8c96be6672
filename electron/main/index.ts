// Electron shell, kept thin: window, tray, notifications and IPC wiring. The station itself
// is the Engine, which also runs without Electron (serve mode). A 24/7 monitor: closing the
// window hides it, Quit asks while an alert is active, one instance per user (lifecycle.ts).
import { app, clipboard, dialog, ipcMain, MessageChannelMain, net, Notification, protocol, session, shell, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ContractError, IPC_CALL, IPC_EVENT, LISTEN_PORT_CHANNEL, listenPortNonce, MEDIA_SCHEME, type Alert, type CallReply, type SourceStatus } from '../contract';
import { defaultDataDir } from '../engine/data-dir';
import { collectDiagnostics } from '../engine/diagnostics';
import { Engine } from '../engine/engine';
import { ListenHub } from '../engine/listen/listen-hub';
import { createLogger } from '../engine/log';
import { StatusFileWriter, statusFile } from '../engine/status-file';
import { answerCall, forwardEvents, refusal } from '../engine/transport/bridge';
import { appVersion, packageRoot } from '../../native/package-root';
import { CSP } from '../contract/csp';
import { installAppMenu } from './app-menu';
import { applyAutostart, autostartEntry, autostartFile, HIDDEN_FLAG, launchCommand } from './autostart';
import { appIconFile } from './icons';
import { saveDownloadsWithDialog } from './downloads';
import { ShellLifecycle } from './lifecycle';
import { ListenPorts } from './listen-port';
import { mediaHandler } from './media-protocol';
import { createSecretStore } from './safe-secrets';
import { StationTray } from './tray';
import { alertsNeedingAttention, trayLook } from './tray-state';
import { guardWebContents, hardenSession, isTrustedSender } from './web-guards';
import { createMainWindow } from './window';

const root = packageRoot();
const rendererIndex = join(root, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
let win: BrowserWindow | null = null;
let tray: StationTray | null = null;

app.enableSandbox();
// Recorded alert audio and the archive: privileged so <audio> can stream them and fetch() can read them (waveforms, exports).
protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
]);

const dataDir = defaultDataDir();
const logger = createLogger(undefined, { dataDir });
// safeStorage needs the app to be ready, so the engine is made then.
let engine: Engine;
let statusWriter: StatusFileWriter | null = null;
/** What the tray and the quit confirmation go by, kept current from the engine's events. */
let sources: SourceStatus[] = [];
let activeAlerts: Alert[] = [];
/** The direct listening path's ports, one per page (listen-port.ts). */
let listenPorts: ListenPorts | null = null;

const lifecycle = new ShellLifecycle({
  activeAlerts: () => alertsNeedingAttention(activeAlerts).length,
  stopEngine: async () => {
    listenPorts?.closeAll();
    await statusWriter?.stop();
    await engine?.stop();
    logger.flush();
  },
  log: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  stateFile: join(dataDir, 'shell-state.json'),
});

ipcMain.handle(IPC_CALL, async (e, cmd: unknown, args: unknown): Promise<CallReply> => {
  if (!engine) return refusal(new ContractError('unavailable', 'the engine is starting'));
  if (!isTrustedSender(e, win, rendererUrl)) return refusal(new ContractError('unauthorized', 'untrusted sender'));
  const reply = await answerCall(engine, cmd, args);
  if (reply.ok && cmd === 'settings.update') void syncAutostart();
  return reply;
});

// The page asks for its listening port; it arrives with the answer, transferred (MessagePortMain
// carries ports only, so frames are copied across the process boundary, once, as IPC does).
// The page's nonce goes back with the port, so a late answer is not taken for a newer request.
ipcMain.on(LISTEN_PORT_CHANNEL, (e, nonce: unknown) => {
  if (!listenPorts || !isTrustedSender(e, win, rendererUrl)) return;
  const { port1, port2 } = new MessageChannelMain();
  listenPorts.open(e.sender, port1);
  e.sender.postMessage(LISTEN_PORT_CHANNEL, listenPortNonce(nonce), [port2]);
});

function wireEngineEvents(): void {
  forwardEvents(engine, (name, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload);
  });
  engine.on('alerts.updated', ({ alerts }) => notifyNewAlerts(alerts));
  engine.on('sources.changed', (list) => {
    sources = list;
    refreshTray();
  });
  engine.on('alerts.changed', ({ active }) => {
    activeAlerts = active;
    refreshTray();
  });
}

/**
 * One desktop notification per message, the first time it is heard, and only for alerts this
 * station cares about: a repeat or a relay of the same header is a reception, not news.
 */
const notified = new Set<string>();
function notifyNewAlerts(alerts: readonly Alert[]): void {
  if (!Notification.isSupported()) return;
  for (const a of alerts) {
    if (notified.has(a.id) || a.state !== 'active' || !a.relevance.relevant || a.acknowledgement) continue;
    notified.add(a.id);
    void engine
      .call('settings.get', {})
      .then((s) => {
        if (!s.alerts.notify) return;
        const n = new Notification({ title: a.eventName, body: a.text, urgency: a.category === 'warning' ? 'critical' : 'normal' });
        n.on('click', () => lifecycle.showWindow());
        n.show();
      })
      .catch(() => {});
  }
}

function refreshTray(): void {
  tray?.update(trayLook({ sources, activeAlerts }));
}

/** The XDG autostart entry follows the startAtLogin setting (and this install's current path). */
async function syncAutostart(): Promise<void> {
  try {
    const { startAtLogin } = await engine.call('settings.get', {});
    const command = launchCommand({ execPath: process.execPath, isPackaged: app.isPackaged, mainScript: join(root, 'dist', 'node', 'main.js'), appImage: process.env.APPIMAGE });
    // Packaged, the icon is installed under the executable's name; from a checkout, the built PNG.
    const icon = app.isPackaged ? 'eas-console' : appIconFile();
    const done = applyAutostart(startAtLogin, autostartFile(), autostartEntry(command, icon));
    if (done !== 'unchanged') logger.info(`start at login: autostart entry ${done} (${autostartFile()})`);
    tray?.setStartAtLogin(startAtLogin);
  } catch (err) {
    logger.error(`start at login: ${(err as Error).message}`);
  }
}

async function setStartAtLogin(on: boolean): Promise<void> {
  try {
    await engine.call('settings.update', { startAtLogin: on });
  } catch (err) {
    logger.error(`start at login: ${(err as Error).message}`);
  }
  await syncAutostart();
}

async function copyDiagnostics(): Promise<void> {
  const status = await engine.call('status.snapshot', {}).catch(() => null);
  const text = await collectDiagnostics({
    dataDir,
    appVersion: appVersion(),
    status,
    versions: { electron: process.versions.electron, chromium: process.versions.chrome },
  });
  clipboard.writeText(text);
  if (Notification.isSupported()) new Notification({ title: 'Diagnostics copied', body: 'Paste them into your support request.' }).show();
}

async function start(): Promise<void> {
  // A monitoring station stays up: an unexpected error is logged loudly, not a crash dialog.
  process.on('unhandledRejection', (err) => logger.error({ err: String(err) }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => logger.error({ err: err.stack ?? String(err) }, 'uncaught exception'));
  const secrets = createSecretStore(dataDir, (msg) => logger.warn(msg));
  engine = new Engine({ dataDir, mode: 'electron', version: appVersion(), logger, secrets });
  wireEngineEvents();
  hardenSession(session.defaultSession, CSP);
  app.on('web-contents-created', (_e, wc) => guardWebContents(wc));
  protocol.handle(
    MEDIA_SCHEME,
    mediaHandler((id) => engine.alertRecordingFile(id), (url, init) => net.fetch(url, init), CSP, (filter, format) => engine.exportAlerts(filter, format), {
      archive: engine.archive,
      stream: (id) => engine.snapshot().streams.find((st) => st.streamId === id),
      relayOpened: (id) => engine.streams.relayOpened(id),
    }),
  );
  saveDownloadsWithDialog(session.defaultSession, { downloadsDir: () => app.getPath('downloads'), log: (m) => logger.info(m) });
  listenPorts = new ListenPorts(new ListenHub({ lookup: (id) => engine.bus(id) }), {
    eventData: (e) => (e as { data: unknown }).data,
    transfer: false,
    onRefused: (m) => logger.warn(m),
  });
  await engine.start();
  const snap = await engine.call('status.snapshot', {});
  sources = snap.sources;
  activeAlerts = snap.activeAlerts;
  statusWriter = new StatusFileWriter(statusFile(dataDir), () => engine.call('status.snapshot', {}), 15_000, (m) => logger.warn(m));
  statusWriter.start();
  win = createMainWindow({
    preload: join(root, 'dist', 'preload', 'index.cjs'),
    rendererIndex,
    icon: appIconFile(),
    show: !process.argv.includes(HIDDEN_FLAG),
  });
  lifecycle.attach(win);
  tray = new StationTray({
    show: () => lifecycle.showWindow(),
    quit: () => void lifecycle.requestQuit(),
    setStartAtLogin: (on) => void setStartAtLogin(on),
    copyDiagnostics: () => void copyDiagnostics(),
  });
  refreshTray();
  installAppMenu(
    {
      hideWindow: () => win?.hide(),
      quit: () => void lifecycle.requestQuit(),
      copyDiagnostics: () => void copyDiagnostics(),
      openLogs: () => void shell.openPath(join(dataDir, 'logs')),
    },
    !app.isPackaged,
  );
  await syncAutostart();
  logger.info('desktop console ready');
}

// One console per user: a second launch tells this one (second-instance) to show its window.
const primary = app.requestSingleInstanceLock();
if (primary) lifecycle.install();
else app.quit();

/** Settles once the desktop console is up, or has given up (for tests). */
export const started: Promise<void> = primary
  ? app
      .whenReady()
      .then(start)
      .catch((err: Error) => {
        // A console that is not monitoring must not sit quietly in the tray.
        logger.error({ err: err.stack ?? String(err) }, 'startup failed');
        dialog.showErrorBox('EAS Monitor Console could not start', `${err.message}\n\nThe log is in ${join(dataDir, 'logs')}.`);
        app.exit(1);
      })
  : Promise.resolve();
