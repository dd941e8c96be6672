import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  accessSync, chmodSync, chownSync, closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, mkdtempSync,
  openSync, readdirSync, readFileSync, readSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { sleep } from '../../electron/core/time/sleep';
import { SupervisedChild, type ChildExit } from '../process/supervised-child';
import { DEBIAN_WEBROOT, icecastConfigXml, type IcecastLimits, type IcecastMountConfig } from './config';
import { IcecastNotInstalledError, IcecastStartError, redact } from './errors';
import { listensOnPort } from './port-owner';

/**
 * The icecast2 binary: an explicit path (settings) first, then PATH, then Debian's place.
 * Throws IcecastNotInstalledError when none is executable.
 */
export function findIcecastBinary(override?: string | null): string {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (override) {
    if (executable(override)) return override;
    throw new IcecastNotInstalledError(`configured path ${override} is not an executable file`);
  }
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['icecast2', 'icecast']) {
    for (const dir of dirs) {
      const p = join(dir, name);
      if (executable(p)) return p;
    }
  }
  for (const p of ['/usr/bin/icecast2', '/usr/local/bin/icecast2', '/usr/local/bin/icecast']) if (executable(p)) return p;
  throw new IcecastNotInstalledError('no icecast2 on PATH or in /usr/bin');
}

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/**
 * Icecast refuses to run as root ("You should not run icecast2 as root"). When we are root
 * (CI, containers, a station box run as root) we start it directly as Debian's icecast2 service
 * user (or nobody), so it never holds root at all; <changeowner> would parse the config as root
 * first. Null when we are not root: it then runs as us.
 */
export function defaultRunAs(): RunAs | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // no passwd file: fall through to nobody's well-known ids
  }
  const users = new Map<string, RunAs>();
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) users.set(name, { name, uid: Number(uid), gid: Number(gid) });
  }
  return users.get('icecast2') ?? users.get('icecast') ?? users.get('nobody') ?? { name: 'nobody', uid: 65534, gid: 65534 };
}

/** A TCP port nobody listens on right now (the kernel's pick). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export type ManagedIcecastState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

export interface ManagedIcecastStatus {
  state: ManagedIcecastState;
  pid: number | null;
  port: number | null;
  /** Where clients reach it, e.g. http://127.0.0.1:8000 */
  url: string | null;
  /** Unexpected exits the supervisor restarted after. */
  restarts: number;
  lastError: string | null;
  /** Directory holding icecast.xml, error.log and access.log. */
  dir: string;
  startedAt: number | null;
  /** When state is 'restarting': when the next attempt runs (epoch ms). */
  nextAttemptAt: number | null;
}

export interface ManagedIcecastOptions {
  /** Runtime directory: config (0600, holds passwords), logs, pidfile. Created if missing. */
  dir: string;
  /** 0 or absent: a free port chosen at the first start and kept for restarts. */
  port?: number;
  bindAddress?: string;
  hostname?: string;
  location?: string;
  adminContact?: string;
  sourcePassword: string;
  adminUser?: string;
  adminPassword: string;
  /** Lets relay servers pull every mount (scaling out, docs/icecast.md). Off when absent. */
  relayPassword?: string;
  limits?: Partial<IcecastLimits>;
  /** Mounts of ours: each gets a burst sized to its bitrate and a .pls playlist (see setMounts). */
  mounts?: readonly ManagedMount[];
  /** The XSL pages and images Icecast serves (default Debian's); linked into our own webroot. */
  webRoot?: string;
  /** Path to icecast2 (a setting); default found on PATH. */
  binary?: string | null;
  /** Restart after an unexpected exit (default true). */
  supervise?: boolean;
  /** Restart backoff: doubles from initialMs up to maxMs, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long start() waits for the port to answer (default 10 s). */
  startTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL on stop (default 5 s). */
  killAfterMs?: number;
  /** Default defaultRunAs(): the icecast2 user when we are root, else ourselves. */
  runAs?: RunAs | null;
  logLevel?: 1 | 2 | 3 | 4;
}

export interface ManagedMount extends IcecastMountConfig {
  /** Stream name for the playlist's title. */
  name?: string;
}

/**
 * A .pls playlist for one mount. Icecast 2.4 generates /mount.m3u itself but no .pls, and serves
 * any file in its webroot, so the managed server gets these as files. The URL names the host
 * Icecast puts into its own playlists.
 */
export function plsPlaylist(listenUrl: string, title: string): string {
  const clean = title.replace(/[\r\n]+/g, ' ');
  return `[playlist]\nNumberOfEntries=1\nFile1=${listenUrl}\nTitle1=${clean}\nLength1=-1\nVersion=2\n`;
}

interface ManagedIcecastEvents {
  state: [ManagedIcecastStatus];
  log: [string];
}

const OUTPUT_LINES = 200;
/** A run this long counts as healthy: the next crash starts the backoff from scratch. */
const HEALTHY_RUN_MS = 60_000;

/** One HTTP probe: resolves with the Server header and body, rejects on no answer. */
function probe(host: string, port: number, timeoutMs: number): Promise<{ server: string; body: string }> {
  return new Promise((resolveProbe, reject) => {
    const req = request({ host, port, path: '/status-json.xsl', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c.length + body.length < 65_536 ? c : ''));
      res.on('end', () => resolveProbe({ server: String(res.headers.server ?? ''), body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * tmpdir()/eas-icecast-<hash of wanted>: reused when it is a real directory owned by us or the
 * service user (anything else in that predictable place, e.g. a symlink planted by another
 * user, is not trusted and a fresh random dir is used).
 */
function stableTempDir(wanted: string, ra: RunAs): string {
  const dir = join(tmpdir(), `eas-icecast-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // exists already: checked below
  }
  try {
    const st = lstatSync(dir);
    const me = process.getuid?.() ?? -1;
    if (st.isDirectory() && !st.isSymbolicLink() && (st.uid === me || st.uid === ra.uid)) return dir;
  } catch {
    // vanished: fall through
  }
  return mkdtempSync(join(tmpdir(), 'eas-icecast-'));
}

/** Alive and not a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function jsonOk(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function mountsKey(list: readonly ManagedMount[]): string {
  return JSON.stringify([...list].sort((a, b) => a.mount.localeCompare(b.mount)));
}

/** "code 1", "SIGKILL", or why it never ran: how the old messages put it. */
function exitReason(exit: ChildExit): string {
  return exit.kind === 'exited' ? `code ${exit.code}` : exit.kind === 'killed' ? exit.signal : exit.spawnError.message;
}

/**
 * A local Icecast the app owns: writes its config, starts it, restarts it with backoff when it
 * dies, stops it on exit (SIGTERM, then SIGKILL), and keeps its log readable for the UI.
 */
export class ManagedIcecast extends EventEmitter<ManagedIcecastEvents> {
  private readonly opts: ManagedIcecastOptions;
  private readonly runAs: RunAs | null;
  private readonly bind: string;
  private runtimeDir: string;
  private child: SupervisedChild | null = null;
  private currentPort: number | null;
  private st: ManagedIcecastState = 'stopped';
  private restartCount = 0;
  private failures = 0;
  private lastErr: string | null = null;
  private started: number | null = null;
  private nextAttempt: number | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private output: string[] = [];
  private partial = '';
  private mountList: readonly ManagedMount[];
  /** The mounts in the config icecast2 last read (or is about to read). */
  private writtenMounts = '';

  constructor(opts: ManagedIcecastOptions) {
    super();
    this.opts = opts;
    this.mountList = opts.mounts ?? [];
    this.runAs = opts.runAs === undefined ? defaultRunAs() : opts.runAs;
    this.bind = opts.bindAddress ?? '127.0.0.1';
    this.runtimeDir = resolve(opts.dir);
    this.currentPort = opts.port ? opts.port : null;
  }

  get state(): ManagedIcecastState {
    return this.st;
  }
  get port(): number | null {
    return this.currentPort;
  }
  get pid(): number | null {
    return this.child?.pid ?? null;
  }
  /** The address clients use: loopback when bound to every interface. */
  get host(): string {
    return this.bind === '0.0.0.0' || this.bind === '::' ? '127.0.0.1' : this.bind;
  }
  get url(): string | null {
    return this.currentPort ? `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.currentPort}` : null;
  }
  get dir(): string {
    return this.runtimeDir;
  }
  get configPath(): string {
    return join(this.runtimeDir, 'icecast.xml');
  }
  get errorLogPath(): string {
    return join(this.runtimeDir, 'error.log');
  }
  /** Our webroot: links to the XSL pages, plus the mounts' .pls files. */
  get webRootPath(): string {
    return join(this.runtimeDir, 'web');
  }
  get mounts(): readonly ManagedMount[] {
    return this.mountList;
  }

  /**
   * The mounts of ours and their bitrates. A running server re-reads its config (SIGHUP, which
   * Icecast 2.4 answers by applying the <mount> settings to the sources already connected,
   * without dropping anyone). Returns false when nothing changed.
   */
  setMounts(mounts: readonly ManagedMount[]): boolean {
    if (mountsKey(mounts) === mountsKey(this.mountList)) return false;
    this.mountList = [...mounts];
    this.reloadIfChanged();
    return true;
  }

  /**
   * Only a server that answers HTTP has its signal handlers: a SIGHUP before that would end it.
   * Mounts that change during a start are applied once it runs.
   */
  private reloadIfChanged(): void {
    if (!this.child?.running || this.st !== 'running' || mountsKey(this.mountList) === this.writtenMounts) return;
    this.writeFiles();
    this.child.kill('SIGHUP');
  }

  status(): ManagedIcecastStatus {
    return {
      state: this.st,
      pid: this.pid,
      port: this.currentPort,
      url: this.url,
      restarts: this.restartCount,
      lastError: this.lastErr,
      dir: this.runtimeDir,
      startedAt: this.started,
      nextAttemptAt: this.nextAttempt,
    };
  }

  /** Starts the server and resolves once its port answers HTTP. Idempotent while running. */
  async start(): Promise<void> {
    if (this.st === 'running' && this.child) return;
    this.clearRestartTimer();
    this.stopping = false;
    const binary = findIcecastBinary(this.opts.binary);
    // An auto-chosen port may be taken between our pick and icecast's bind: pick again.
    const attempts = this.currentPort ? 1 : 3;
    for (let i = 0; ; i++) {
      try {
        await this.launch(binary, i > 0);
        this.failures = 0;
        return;
      } catch (err) {
        // stop() during start: it has set the state already.
        if (this.stopping) throw err;
        const portClash = err instanceof IcecastStartError && /listener socket|bind|address already in use/i.test(err.logTail);
        if (!portClash || i + 1 >= attempts) {
          this.lastErr = (err as Error).message;
          this.setState('failed');
          throw err;
        }
      }
    }
  }

  /** Stops the server: SIGTERM, SIGKILL after the grace period. Resolves once it has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.clearRestartTimer();
    // Icecast gets longer than the default grace: it is on the engine's thread, not in a worker.
    await this.child?.stop(this.opts.killAfterMs ?? 5000);
    this.child = null;
    this.started = null;
    this.setState('stopped');
  }

  /**
   * Sends a signal to the running server as if something outside killed it: the supervisor
   * treats the exit as a crash. For fault tests and a UI "force restart".
   */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  /** The last maxBytes of error.log plus the server's own stdout/stderr, passwords redacted. */
  logTail(maxBytes = 16_384): string {
    let log = '';
    try {
      const fd = openSync(this.errorLogPath, 'r');
      try {
        const size = fstatSync(fd).size;
        const len = Math.min(size, maxBytes);
        const buf = Buffer.alloc(len);
        readSync(fd, buf, 0, len, size - len);
        log = buf.toString('utf8');
        if (len < size) log = log.slice(log.indexOf('\n') + 1);
      } finally {
        closeSync(fd);
      }
    } catch {
      // no error.log yet (never started, or it failed before logging began)
    }
    const out = this.output.join('\n') + (this.partial ? `\n${this.partial}` : '');
    const text = out.trim() ? `${log}${log && !log.endsWith('\n') ? '\n' : ''}--- icecast2 output ---\n${out}` : log;
    return this.redact(text);
  }

  private redact(text: string): string {
    return redact(text, [this.opts.sourcePassword, this.opts.adminPassword, this.opts.relayPassword]);
  }

  private setState(state: ManagedIcecastState): void {
    this.st = state;
    if (state !== 'restarting') this.nextAttempt = null;
    this.emit('state', this.status());
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private onOutput(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = this.redact(raw.trimEnd());
      if (!line) continue;
      this.output.push(line);
      if (this.output.length > OUTPUT_LINES) this.output.shift();
      this.emit('log', line);
    }
  }

  /** The service user must reach the directory: every ancestor searchable by others. */
  private reachableByRunAs(dir: string): boolean {
    const ra = this.runAs;
    if (!ra) return true;
    for (let d = dirname(dir); ; d = dirname(d)) {
      try {
        const s = statSync(d);
        const ok = s.uid === ra.uid ? (s.mode & 0o100) !== 0 : s.gid === ra.gid ? (s.mode & 0o010) !== 0 : (s.mode & 0o001) !== 0;
        if (!ok) return false;
      } catch {
        return false;
      }
      if (d === dirname(d)) return true;
    }
  }

  private prepareDir(): void {
    mkdirSync(this.runtimeDir, { recursive: true, mode: 0o700 });
    const ra = this.runAs;
    if (ra && !this.reachableByRunAs(this.runtimeDir)) {
      // e.g. a data dir under /root: the icecast2 user cannot get there, so its files live in
      // a temp dir instead (status().dir says where), named after the wanted dir so the next
      // run finds the pidfile of an orphan.
      this.runtimeDir = stableTempDir(this.runtimeDir, ra);
    }
    this.writeFiles();
  }

  /** icecast.xml (0600: it holds the passwords) and the webroot, owned by the service user when we are root. */
  private writeFiles(): void {
    const ra = this.runAs;
    const webRoot = this.prepareWebRoot();
    const cfg = icecastConfigXml({
      port: this.currentPort!,
      bindAddress: this.bind,
      hostname: this.opts.hostname,
      location: this.opts.location,
      adminContact: this.opts.adminContact,
      sourcePassword: this.opts.sourcePassword,
      adminUser: this.opts.adminUser,
      adminPassword: this.opts.adminPassword,
      relayPassword: this.opts.relayPassword,
      limits: this.opts.limits,
      logDir: this.runtimeDir,
      pidFile: join(this.runtimeDir, 'icecast.pid'),
      logLevel: this.opts.logLevel,
      webRoot,
      mounts: this.mountList,
    });
    this.writtenMounts = mountsKey(this.mountList);
    const tmp = `${this.configPath}.tmp`;
    writeFileSync(tmp, cfg, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    if (ra) chownSync(tmp, ra.uid, ra.gid);
    // A SIGHUP may come while we write: Icecast must read the old file or the new one, whole.
    renameSync(tmp, this.configPath);
    if (ra) {
      for (const p of [this.runtimeDir, this.errorLogPath, join(this.runtimeDir, 'access.log')]) {
        if (existsSync(p)) chownSync(p, ra.uid, ra.gid);
      }
    }
  }

  /**
   * <dir>/web: a link to each of the stock pages (status-json.xsl and what it imports, the
   * status page and its images) and one .pls per mount. Falls back to the stock webroot when
   * the links cannot be made.
   */
  private prepareWebRoot(): string {
    const stock = this.opts.webRoot ?? DEBIAN_WEBROOT;
    const web = this.webRootPath;
    try {
      // Updated in place, never removed and remade: the server reads status-json.xsl from
      // here while the mounts change.
      mkdirSync(web, { recursive: true, mode: 0o755 });
      const stockNames = new Set(readdirSync(stock));
      for (const name of stockNames) {
        const link = join(web, name);
        if (!existsSync(link)) symlinkSync(join(stock, name), link);
      }
      const host = this.opts.hostname ?? this.host;
      const wanted = new Set<string>();
      for (const m of this.mountList) {
        const file = `${m.mount.slice(1)}.pls`;
        wanted.add(file);
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${this.currentPort}${m.mount}`;
        writeFileSync(join(web, `.${file}.tmp`), plsPlaylist(url, m.name ?? m.mount.slice(1)), { mode: 0o644 });
        renameSync(join(web, `.${file}.tmp`), join(web, file));
      }
      for (const name of readdirSync(web)) {
        if (name.endsWith('.pls') && !wanted.has(name) && !stockNames.has(name)) unlinkSync(join(web, name));
      }
      return web;
    } catch (err) {
      this.onOutput(`eas-console: serving the stock webroot ${stock} (no .pls playlists): ${(err as Error).message}\n`);
      return stock;
    }
  }

  /** An icecast2 left behind by a crashed app run (its pidfile is ours): end it first. */
  private async killOrphan(): Promise<void> {
    const pidFile = join(this.runtimeDir, 'icecast.pid');
    let pid = 0;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch {
      return;
    }
    try {
      if (pid > 1 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.configPath)) {
        process.kill(pid, 'SIGKILL');
        // Its port is free once it is dead (a zombie no longer holds sockets).
        for (let i = 0; i < 100 && isRunning(pid); i++) await sleep(20);
      }
    } catch {
      // not running any more
    }
    try {
      unlinkSync(pidFile);
    } catch {
      // someone else removed it
    }
  }

  private async launch(binary: string, newPort: boolean, isRestart = false): Promise<void> {
    if (!this.currentPort || newPort) this.currentPort = await freePort(this.host);
    this.setState('starting');
    await this.killOrphan();
    this.prepareDir();
    this.output = [];
    this.partial = '';
    const child = new SupervisedChild(binary, ['-c', this.configPath], {
      name: 'icecast2',
      installHint: 'apt-get install icecast2',
      cwd: this.runtimeDir,
      uid: this.runAs?.uid,
      gid: this.runAs?.gid,
      onStderr: (text) => this.onOutput(text),
      // Never leave an icecast2 behind holding the port when the app exits without stop().
      killOnProcessExit: true,
    });
    this.child = child;
    child.stdout.on('data', (c: Buffer) => this.onOutput(c));
    void child.exited.then((exit) => this.onExit(child, exit));

    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 10_000);
    let answeredAt = 0;
    while (true) {
      if (!child.running) {
        const exit = await child.exited;
        const why = exit.kind === 'spawn_failed' ? `could not run ${binary}: ${exit.spawnError.message}` : `icecast2 exited during start (${exitReason(exit)})`;
        this.child = null;
        const tail = this.logTail(4096);
        const last = this.output.filter((l) => /FATAL|ERROR/i.test(l)).pop();
        throw new IcecastStartError(`${why}${last ? `: ${last}` : ''}. See the Icecast log for details.`, tail);
      }
      if (this.stopping) throw new IcecastStartError('Icecast start was cancelled by stop().', '');
      try {
        const { server, body } = await probe(this.host, this.currentPort!, 1000);
        // Only our own child's answer counts (listensOnPort: null where /proc cannot tell).
        if (/icecast/i.test(server) && child.pid !== undefined && listensOnPort(child.pid, this.currentPort!) !== false) {
          // For its first few hundred ms Icecast 2.4.4 serves status-json.xsl as invalid JSON
          // (its global stats are not published yet): wait for that, up to 2 s, so callers
          // see a complete server.
          answeredAt ||= Date.now();
          if (jsonOk(body) || Date.now() - answeredAt > 2000) break;
        }
        // Someone else answers on our port: icecast2 will fail to bind and exit; the loop sees it.
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await child.exited;
        this.child = null;
        throw new IcecastStartError(`Icecast did not answer on port ${this.currentPort} within ${Math.round((this.opts.startTimeoutMs ?? 10_000) / 1000)} s. See the Icecast log.`, this.logTail(4096));
      }
      await sleep(50);
    }
    this.started = Date.now();
    this.lastErr = null;
    if (isRestart) this.restartCount++;
    this.setState('running');
    this.reloadIfChanged();
  }

  private onExit(child: SupervisedChild, exit: ChildExit): void {
    if (child !== this.child) return;
    // During start() the launch loop reports the failure itself.
    if (this.stopping || this.st === 'starting') return;
    const ranFor = this.started ? Date.now() - this.started : 0;
    this.child = null;
    this.started = null;
    this.lastErr = `icecast2 exited unexpectedly (${exitReason(exit)})`;
    if (this.opts.supervise === false) {
      this.setState('failed');
      return;
    }
    if (ranFor >= HEALTHY_RUN_MS) this.failures = 0;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const initial = this.opts.backoff?.initialMs ?? 1000;
    const max = this.opts.backoff?.maxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** this.failures);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.failures++;
    this.nextAttempt = Date.now() + delay;
    this.st = 'restarting';
    this.emit('state', this.status());
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      Promise.resolve()
        .then(() => this.launch(findIcecastBinary(this.opts.binary), false, true))
        .catch((err: Error) => {
          if (this.stopping) return;
          this.lastErr = err.message;
          this.scheduleRestart();
        });
    }, delay);
  }
}
