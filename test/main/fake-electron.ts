// A small stand-in for the `electron` module, enough to run electron/main and
// electron/preload under plain Node: it keeps what the shell asked for (window options,
// handlers, menus, notifications) so tests can assert on it and drive the app through the
// same events Electron would send. Tests install it with vi.mock('electron', ...).
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type Handler = (...args: never[]) => unknown;

/**
 * Electron's MessagePortMain over a worker_threads port: its 'message' listeners get an event
 * ({ data, ports }), and it transfers only ports (anything else in the list throws, as Electron does).
 */
export class FakeMessagePortMain extends EventEmitter {
  constructor(readonly port: MessagePort) {
    super();
    port.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
    port.on('close', () => this.emit('close'));
  }
  postMessage(message: unknown, transfer?: unknown[]): void {
    if (transfer?.some((t) => !(t instanceof FakeMessagePortMain))) throw new Error('Invalid value for transfer: MessagePortMain transfers ports only');
    this.port.postMessage(message);
  }
  start(): void {
    this.port.start();
  }
  close(): void {
    this.port.close();
  }
}

export class FakeMessageChannelMain {
  readonly port1: FakeMessagePortMain;
  readonly port2: FakeMessagePortMain;
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new FakeMessagePortMain(port1);
    this.port2 = new FakeMessagePortMain(port2);
  }
}

export function createFakeElectron(opts: { singleInstanceLock?: boolean; isPackaged?: boolean } = {}) {
  let nextId = 1;
  const windows: FakeBrowserWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotification[] = [];
  const dialogCalls: Array<{ options: Record<string, unknown>; parent: unknown }> = [];
  const dialogAnswers: number[] = [];
  const errorBoxes: Array<{ title: string; content: string }> = [];
  const privilegedSchemes: unknown[] = [];
  const protocolHandlers = new Map<string, (req: Request) => Promise<Response>>();
  const ipcHandlers = new Map<string, Handler>();
  const ipcListeners = new Map<string, Handler>();
  const sessionListeners = new EventEmitter();
  const clipboardTexts: string[] = [];
  const openedPaths: string[] = [];
  let appMenu: FakeMenu | null = null;
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));

  class FakeFrame {
    url = '';
    parent: FakeFrame | null = null;
    constructor(readonly name = 'main') {}
  }

  class FakeWebContents extends EventEmitter {
    readonly id = nextId++;
    readonly mainFrame = new FakeFrame();
    windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
    readonly sent: Array<{ channel: string; args: unknown[] }> = [];
    readonly posted: Array<{ channel: string; message: unknown; ports: unknown[] }> = [];
    reloads = 0;
    postMessage(channel: string, message: unknown, ports: unknown[] = []): void {
      this.posted.push({ channel, message, ports });
    }
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
      this.windowOpenHandler = h;
    }
    send(channel: string, ...args: unknown[]): void {
      this.sent.push({ channel, args });
    }
    getURL(): string {
      return this.mainFrame.url;
    }
    reload(): void {
      this.reloads++;
    }
    /** What Electron would decide for a navigation the page starts. */
    tryNavigate(url: string): boolean {
      const e = fakeEvent();
      this.emit('will-navigate', e, url);
      this.emit('will-frame-navigate', e, url);
      return !e.defaultPrevented;
    }
  }

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    visible = false;
    minimized = false;
    destroyed = false;
    focused = 0;
    loadedFile: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
      if (options.show !== false) this.visible = true;
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((w) => !w.destroyed);
    }
    async loadFile(file: string): Promise<void> {
      this.loadedFile = file;
      this.webContents.mainFrame.url = pathToFileURL(file).href;
      setImmediate(() => this.emit('ready-to-show'));
    }
    show(): void {
      this.visible = true;
    }
    hide(): void {
      this.visible = false;
    }
    focus(): void {
      this.focused++;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    minimize(): void {
      this.minimized = true;
      this.visible = false;
    }
    restore(): void {
      this.minimized = false;
      this.visible = true;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** The window manager's close button: Electron emits 'close', then destroys unless prevented. */
    close(): FakeEvent {
      const e = fakeEvent();
      this.emit('close', e);
      if (!e.defaultPrevented) this.destroy();
      return e;
    }
    destroy(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      this.visible = false;
      this.webContents.emit('destroyed');
      this.emit('closed');
      if (!FakeBrowserWindow.getAllWindows().length) app.emit('window-all-closed');
    }
  }

  class FakeMenu {
    constructor(readonly template: Array<Record<string, unknown>>) {}
    static buildFromTemplate(t: Array<Record<string, unknown>>): FakeMenu {
      return new FakeMenu(t);
    }
    static setApplicationMenu(m: FakeMenu | null): void {
      appMenu = m;
    }
    /** Clicks the item with this label (searching submenus), as a user would. */
    click(label: string): void {
      const find = (items: Array<Record<string, unknown>>): Record<string, unknown> | undefined => {
        for (const it of items) {
          if (it.label === label) return it;
          const sub = it.submenu as Array<Record<string, unknown>> | undefined;
          const hit = Array.isArray(sub) ? find(sub) : undefined;
          if (hit) return hit;
        }
        return undefined;
      };
      const item = find(this.template);
      if (!item) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.template.map((i) => i.label ?? i.role ?? i.type))}`);
      const checked = item.type === 'checkbox' ? !item.checked : item.checked;
      (item.click as (i: { checked: unknown }) => void)({ checked });
    }
    labels(): string[] {
      return this.template.map((i) => String(i.label ?? i.role ?? i.type));
    }
  }

  class FakeNativeImage {
    constructor(readonly path: string | null) {}
    isEmpty(): boolean {
      return !this.path || !existsSync(this.path);
    }
  }

  class FakeTray extends EventEmitter {
    image: FakeNativeImage;
    tooltip = '';
    menu: FakeMenu | null = null;
    destroyed = false;
    constructor(image: FakeNativeImage) {
      super();
      this.image = image;
      trays.push(this);
    }
    setImage(image: FakeNativeImage): void {
      this.image = image;
    }
    setToolTip(t: string): void {
      this.tooltip = t;
    }
    setContextMenu(m: FakeMenu): void {
      this.menu = m;
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  class FakeNotification extends EventEmitter {
    shown = false;
    constructor(readonly options: { title: string; body?: string }) {
      super();
    }
    static isSupported(): boolean {
      return true;
    }
    show(): void {
      this.shown = true;
      notifications.push(this);
    }
  }

  const app = Object.assign(new EventEmitter(), {
    sandboxEnabled: false,
    singleInstanceLock: opts.singleInstanceLock ?? true,
    quitCalls: 0,
    exitCode: null as number | null,
    isPackaged: opts.isPackaged ?? false,
    enableSandbox(): void {
      app.sandboxEnabled = true;
    },
    requestSingleInstanceLock(): boolean {
      return app.singleInstanceLock;
    },
    whenReady(): Promise<void> {
      return ready;
    },
    isReady(): boolean {
      return false;
    },
    /** Like Electron: before-quit first; the quit goes on unless a listener prevented it. */
    quit(): void {
      app.quitCalls++;
      const e = fakeEvent();
      app.emit('before-quit', e);
      if (!e.defaultPrevented && app.exitCode === null) app.exitCode = 0;
    },
    exit(code = 0): void {
      app.exitCode = code;
    },
    getVersion(): string {
      return '0.0.0-test';
    },
    getAppPath(): string {
      return process.cwd();
    },
    getPath(name: string): string {
      return `/fake-home/${name}`;
    },
    setAppUserModelId(): void {},
  });

  const sessionHandlers = {
    permissionRequest: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: Record<string, unknown>) => void),
    permissionCheck: null as null | ((wc: unknown, permission: string, origin: string, details: Record<string, unknown>) => boolean),
    headersReceived: null as null | ((details: Record<string, unknown>, cb: (r: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void) => void),
  };

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Menu: FakeMenu,
    Tray: FakeTray,
    Notification: FakeNotification,
    nativeImage: {
      createFromPath: (p: string) => new FakeNativeImage(p),
      createEmpty: () => new FakeNativeImage(null),
    },
    dialog: {
      async showMessageBox(a: unknown, b?: Record<string, unknown>): Promise<{ response: number }> {
        const options = (b ?? a) as Record<string, unknown>;
        dialogCalls.push({ options, parent: b ? a : null });
        return { response: dialogAnswers.shift() ?? (options.cancelId as number) ?? 0 };
      },
      showErrorBox(title: string, content: string): void {
        errorBoxes.push({ title, content });
      },
    },
    protocol: {
      registerSchemesAsPrivileged(list: unknown[]): void {
        privilegedSchemes.push(...list);
      },
      handle(scheme: string, h: (req: Request) => Promise<Response>): void {
        protocolHandlers.set(scheme, h);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler(h: typeof sessionHandlers.permissionRequest): void {
          sessionHandlers.permissionRequest = h;
        },
        setPermissionCheckHandler(h: typeof sessionHandlers.permissionCheck): void {
          sessionHandlers.permissionCheck = h;
        },
        webRequest: {
          onHeadersReceived(a: unknown, b?: unknown): void {
            sessionHandlers.headersReceived = (b ?? a) as typeof sessionHandlers.headersReceived;
          },
        },
        on(event: string, listener: (...a: unknown[]) => void): void {
          sessionListeners.on(event, listener);
        },
      },
    },
    ipcMain: {
      handle(channel: string, h: Handler): void {
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandlers.set(channel, h);
      },
      removeHandler(channel: string): void {
        ipcHandlers.delete(channel);
      },
      on(channel: string, h: Handler): void {
        ipcListeners.set(channel, h);
      },
    },
    MessageChannelMain: FakeMessageChannelMain,
    net: {
      /** file: URLs only, with single-range support, as Electron's net.fetch serves them. */
      async fetch(url: string, init?: { headers?: Headers }): Promise<Response> {
        if (!url.startsWith('file:')) throw new Error(`fake net.fetch serves file: URLs only, got ${url}`);
        const file = fileURLToPath(url);
        if (!existsSync(file)) return new Response('not found', { status: 404 });
        const data = readFileSync(file);
        const range = /^bytes=(\d+)-(\d*)$/.exec(init?.headers?.get('range') ?? '');
        if (range) {
          const start = Number(range[1]);
          const end = range[2] ? Number(range[2]) : data.length - 1;
          return new Response(data.subarray(start, end + 1), {
            status: 206,
            headers: { 'content-range': `bytes ${start}-${end}/${data.length}`, 'content-length': String(end - start + 1) },
          });
        }
        return new Response(data, { status: 200, headers: { 'content-length': String(data.length) } });
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
    },
    clipboard: {
      writeText(t: string): void {
        clipboardTexts.push(t);
      },
    },
    shell: {
      async openPath(p: string): Promise<string> {
        openedPaths.push(p);
        return '';
      },
    },
  };

  /** What the tests read and drive. */
  const control = {
    windows,
    trays,
    notifications,
    dialogCalls,
    /** Queue the answers (button index) the next message boxes get. */
    answerDialogs: (...answers: number[]) => dialogAnswers.push(...answers),
    errorBoxes,
    privilegedSchemes,
    protocolHandlers,
    ipcHandlers,
    /** ipcMain.on listeners (the last one per channel). */
    ipcListeners,
    sessionHandlers,
    /** session.defaultSession.on listeners ('will-download'). */
    sessionListeners,
    clipboardTexts,
    openedPaths,
    appMenu: () => appMenu,
    ready: () => readyResolve(),
    newFrame: (url: string, parent: FakeFrame | null = null) => Object.assign(new FakeFrame('sub'), { url, parent }),
    newWebContents: () => new FakeWebContents(),
  };
  return { electron, control };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** The preload's side: contextBridge and ipcRenderer. */
export function createFakePreloadElectron() {
  const exposed = new Map<string, unknown>();
  const invokes: Array<{ channel: string; args: unknown[] }> = [];
  const sends: Array<{ channel: string; args: unknown[] }> = [];
  const bus = new EventEmitter();
  let reply: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, value: null });
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown): void {
        exposed.set(key, api);
      },
    },
    ipcRenderer: {
      async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
        invokes.push({ channel, args });
        return reply(channel, ...args);
      },
      send(channel: string, ...args: unknown[]): void {
        sends.push({ channel, args });
      },
      on(channel: string, h: (...a: unknown[]) => void) {
        bus.on(channel, h);
        return electron.ipcRenderer;
      },
      removeListener(channel: string, h: (...a: unknown[]) => void) {
        bus.removeListener(channel, h);
        return electron.ipcRenderer;
      },
    },
  };
  const control = {
    exposed,
    invokes,
    /** The main process sending on a channel, as webContents.send would. */
    send: (channel: string, ...args: unknown[]) => bus.emit(channel, { ports: [] }, ...args),
    /** The main process posting ports, as webContents.postMessage(channel, message, ports) would. */
    postPorts: (channel: string, ports: unknown[], message: unknown = null) => bus.emit(channel, { ports }, message),
    /** ipcRenderer.send calls. */
    sends,
    listeners: (channel: string) => bus.listenerCount(channel),
    replyWith: (f: typeof reply) => (reply = f),
  };
  return { electron, control };
}
