import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomPassword } from '../../native/icecast/config';
import { ManagedIcecast } from '../../native/icecast/managed';

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
