import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomPassword } from '../../native/icecast/config';
import { ManagedIcecast } from '../../native/icecast/managed';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { waitFor } from './wait';

export interface StartIcecastOptions {
  sourcePassword?: string;
  adminPassword?: string;
  /** <limits><sources> (default 16). */
  sources?: number;
  /** <limits><clients> (default 100). */
  clients?: number;
  /** Default: a free loopback port. */
  port?: number;
  /** <limits><burst-size> override (bytes). */
  burstSize?: number;
}

export interface IcecastHandle {
  port: number;
  host: '127.0.0.1';
  /** http://127.0.0.1:PORT */
  url: string;
  sourcePassword: string;
  adminUser: string;
  adminPassword: string;
  /** Stops the server and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after kill(), or stops it first if it runs). */
  restart(): Promise<void>;
  /** Signals the server (default SIGKILL) with no supervisor to bring it back. */
  kill(signal?: NodeJS.Signals): void;
  /** Temp dir holding icecast.xml and the logs. */
  dir: string;
  /** error.log tail plus icecast2's stdout/stderr. */
  logs(): string;
  /** The real ManagedIcecast underneath (pid, state events). */
  managed: ManagedIcecast;
}

/**
 * A real Debian icecast2 on a free 127.0.0.1 port with a generated config (the product's own
 * config generator and ManagedIcecast). As root it runs as the icecast2 user. Pair every call
 * with stop() in afterEach/afterAll.
 */
export async function startIcecast(opts: StartIcecastOptions = {}): Promise<IcecastHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-icecast-test-'));
  const sourcePassword = opts.sourcePassword ?? randomPassword();
  const adminPassword = opts.adminPassword ?? randomPassword();
  const adminUser = 'admin';
  const managed = new ManagedIcecast({
    dir,
    port: opts.port,
    sourcePassword,
    adminPassword,
    adminUser,
    supervise: false,
    killAfterMs: 3000,
    limits: {
      ...(opts.sources !== undefined ? { sources: opts.sources } : {}),
      ...(opts.clients !== undefined ? { clients: opts.clients } : {}),
      ...(opts.burstSize !== undefined ? { burstSize: opts.burstSize } : {}),
    },
  });
  try {
    await managed.start();
  } catch (err) {
    await managed.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    port: managed.port!,
    host: '127.0.0.1',
    url: managed.url!,
    sourcePassword,
    adminUser,
    adminPassword,
    dir: managed.dir,
    managed,
    logs: () => managed.logTail(65_536),
    kill: (signal: NodeJS.Signals = 'SIGKILL') => managed.kill(signal),
    async restart() {
      if (managed.pid !== null) await managed.stop();
      await managed.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await managed.stop();
      rmSync(managed.dir, { recursive: true, force: true });
      if (managed.dir !== dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type FeedFormat = 'mp3' | 'vorbis' | 'opus' | 'aac';

const FEED_ARGS: Record<FeedFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '32k', '-f', 'mp3', '-content_type', 'audio/mpeg'],
  vorbis: ['-c:a', 'libvorbis', '-q:a', '0', '-f', 'ogg', '-content_type', 'application/ogg'],
  opus: ['-c:a', 'libopus', '-b:a', '24k', '-f', 'ogg', '-page_duration', '100000', '-content_type', 'application/ogg'],
  aac: ['-c:a', 'aac', '-b:a', '32k', '-f', 'adts', '-content_type', 'audio/aac'],
};

export interface Feed {
  child: ChildProcess;
  /** Ends ffmpeg (SIGTERM, SIGKILL after 2 s) and waits for it. */
  stop(): Promise<void>;
  stderr(): string;
}

/**
 * A real source: the bundled ffmpeg pushing a sine tone to a mount in real time (-re), cheap
 * settings (22.05/48 kHz mono, low bitrate). Resolves once the mount is live on the server.
 */
export async function feedIcecast(ice: IcecastHandle, mount: string, format: FeedFormat = 'mp3', extra: string[] = []): Promise<Feed> {
  const rate = format === 'opus' ? 48000 : 22050;
  const child = spawn(
    ffmpegPath(),
    ['-nostdin', '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=f=440:r=${rate}`, '-ac', '1', ...FEED_ARGS[format], ...extra,
      `icecast://source:${encodeURIComponent(ice.sourcePassword)}@${ice.host}:${ice.port}${mount}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()).length > 8192 && (err = err.slice(-8192)));
  const feed: Feed = {
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    },
  };
  try {
    await waitFor(
      `mount ${mount} on the server`,
      async () => {
        if (child.exitCode !== null) throw new Error(`ffmpeg feeding ${mount} exited: ${err.trim()}`);
        const body = await fetch(`${ice.url}/status-json.xsl`).then((r) => r.text()).catch(() => '');
        return body.includes(`:${ice.port}${mount}"`);
      },
      15_000,
      { stepMs: 100, detail: () => `ffmpeg stderr: ${err.trim()}` },
    );
  } catch (e) {
    await feed.stop();
    throw e;
  }
  return feed;
}

export interface TestListener {
  /** Bytes received so far. */
  bytes(): number;
  /** Resolves when the server closes the connection (or it errors). */
  closed: Promise<void>;
  close(): void;
}

/** An HTTP listener on a mount; resolves once the response headers arrived. */
export function listen(ice: IcecastHandle, mount: string, userAgent = 'eas-test-listener'): Promise<TestListener> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let markClosed!: () => void;
    const closed = new Promise<void>((r) => (markClosed = r));
    const req = httpGet({ host: ice.host, port: ice.port, path: mount, headers: { 'user-agent': userAgent } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`listener on ${mount}: HTTP ${res.statusCode}`));
        return;
      }
      res.on('data', (c: Buffer) => (received += c.length));
      res.on('close', markClosed);
      res.on('error', markClosed);
      resolve({ bytes: () => received, closed, close: () => req.destroy() });
    });
    req.on('error', (e) => {
      markClosed();
      reject(e);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('listener timeout')));
  });
}
