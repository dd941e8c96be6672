import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  ContractError,
  type IcecastAction,
  type IcecastListener,
  type IcecastSettings,
  type IcecastStatsView,
  type IcecastTestResult,
  type IcecastView,
} from '../../contract';
import { killClient, killSource, listClients, moveClients, testConnection, updateMetadata } from '../../../native/icecast/admin';
import { randomPassword } from '../../../native/icecast/config';
import { IcecastError } from '../../../native/icecast/errors';
import type { IcecastConnection } from '../../../native/icecast/http';
import { findIcecastBinary, ManagedIcecast } from '../../../native/icecast/managed';
import { IcecastStatsPoller, type IcecastStats } from '../../../native/icecast/stats';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';

export const ADMIN_PASSWORD_KEY = 'icecast:admin:password';
const MANAGED_SOURCE_KEY = 'icecast:managed:source-password';
const MANAGED_ADMIN_KEY = 'icecast:managed:admin-password';

export interface IcecastServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  settings: () => IcecastSettings;
  log: Logger;
  /** host:port/mount of every mount this console feeds, to mark them in the viewer. */
  ourMounts: () => Set<string>;
  /** Fresh stats: the stream manager takes listener counts from here. */
  onStats: (stats: IcecastStats, server: { host: string; port: number }) => void;
}

interface Events {
  changed: [IcecastView];
  stats: [IcecastStatsView];
}

/**
 * The Icecast server the console watches: stats polling, admin actions, the "Test
 * connection" probe, and the optional managed local icecast2. Credentials stay here; what
 * leaves is the IcecastView (which says only whether a password is set).
 */
export class IcecastService extends EventEmitter<Events> {
  private poller: IcecastStatsPoller | null = null;
  private managed: ManagedIcecast | null = null;
  private lastStats: IcecastStatsView | null = null;
  private pollError: string | null = null;

  constructor(private readonly opts: IcecastServiceOptions) {
    super();
  }

  async start(): Promise<void> {
    await this.apply();
  }

  async stop(): Promise<void> {
    this.poller?.stop();
    this.poller = null;
    await this.managed?.stop();
    this.managed = null;
  }

  /** Reconciles the managed server and the poller with the current settings. */
  async apply(): Promise<void> {
    const s = this.opts.settings();
    if (s.managed.enabled && !this.managed) await this.startManaged(s);
    if (!s.managed.enabled && this.managed) {
      await this.managed.stop();
      this.managed = null;
    }
    const conn = this.connection();
    this.poller?.stop();
    this.poller = null;
    this.lastStats = null;
    this.pollError = null;
    if (conn) {
      const poller = new IcecastStatsPoller(conn, { intervalMs: s.pollSeconds * 1000 });
      poller.on('stats', (st) => this.onStats(st, conn));
      poller.on('error', (err, info) => {
        this.pollError = `${err.message} (retrying in ${Math.round(info.retryInMs / 1000)} s)`;
        this.emitChanged();
      });
      poller.start();
      this.poller = poller;
    }
    this.emitChanged();
  }

  private async startManaged(s: IcecastSettings): Promise<void> {
    const secret = (key: string): string => {
      let v = this.opts.secrets.get(key);
      if (!v) {
        v = randomPassword();
        this.opts.secrets.set(key, v);
      }
      return v;
    };
    const m = new ManagedIcecast({
      dir: join(this.opts.dataDir, 'icecast'),
      port: s.managed.port,
      sourcePassword: secret(MANAGED_SOURCE_KEY),
      adminPassword: secret(MANAGED_ADMIN_KEY),
    });
    m.on('state', (st) => {
      this.opts.log.info({ state: st.state, error: st.lastError }, 'managed icecast');
      this.emitChanged();
    });
    this.managed = m;
    try {
      await m.start();
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message }, 'managed icecast did not start');
      this.emitChanged();
    }
  }

  /** The server to watch: the configured URL, else the managed one. */
  private connection(): IcecastConnection | null {
    const s = this.opts.settings();
    if (s.url) {
      return { url: s.url, adminUser: s.adminUser, adminPassword: this.opts.secrets.get(ADMIN_PASSWORD_KEY) ?? undefined };
    }
    const url = this.managed?.url;
    if (url) return { url, adminUser: 'admin', adminPassword: this.opts.secrets.get(MANAGED_ADMIN_KEY) ?? undefined };
    return null;
  }

  /** The source password for a stream to host:port that has none of its own: the managed server's. */
  managedSourcePassword(host: string, port: number): string | null {
    const s = this.opts.settings();
    if (!s.managed.enabled) return null;
    if (port !== (this.managed?.port ?? s.managed.port)) return null;
    if (host !== '127.0.0.1' && host !== 'localhost') return null;
    return this.opts.secrets.get(MANAGED_SOURCE_KEY);
  }

  private onStats(st: IcecastStats, conn: IcecastConnection): void {
    const url = new URL(conn.url);
    const server = { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
    const ours = this.opts.ourMounts();
    this.pollError = null;
    this.lastStats = {
      server: {
        serverId: st.server.serverId,
        version: st.server.version,
        host: st.server.host,
        location: st.server.location,
        admin: st.server.admin,
        startedAt: st.server.startedAt,
        ...st.server.totals,
      },
      mounts: st.mounts.map((m) => ({
        mount: m.mount,
        listeners: m.listeners,
        peakListeners: m.peakListeners,
        bitrate: m.bitrate,
        contentType: m.contentType,
        subtype: m.subtype,
        title: m.title,
        name: m.name,
        description: m.description,
        genre: m.genre,
        public: m.public,
        streamStart: m.streamStart,
        listenUrl: m.listenUrl,
        bytesRead: m.bytesRead,
        bytesSent: m.bytesSent,
        slowListeners: m.slowListeners,
        sourceIp: m.sourceIp,
        userAgent: m.userAgent,
        ours: ours.has(`${server.host}:${server.port}${m.mount}`),
      })),
      via: st.via,
      receivedAt: st.receivedAt,
    };
    this.opts.onStats(st, server);
    this.emit('stats', this.lastStats);
  }

  private emitChanged(): void {
    this.emit('changed', this.view());
  }

  view(): IcecastView {
    const settings = this.opts.settings();
    const st = this.managed?.status();
    let installed = true;
    try {
      findIcecastBinary();
    } catch {
      installed = false;
    }
    return {
      settings,
      hasAdminPassword: !!this.opts.secrets.get(ADMIN_PASSWORD_KEY),
      managed: {
        state: st?.state ?? 'stopped',
        url: st?.url ?? null,
        pid: st?.pid ?? null,
        restarts: st?.restarts ?? 0,
        lastError: st?.lastError ?? null,
        installed,
      },
      pollError: this.pollError,
    };
  }

  stats(): IcecastStatsView | null {
    return this.lastStats;
  }

  private requireConnection(): IcecastConnection {
    const conn = this.connection();
    if (!conn) {
      throw new ContractError('unavailable', 'no Icecast server configured: set its URL in settings, or run a local Icecast');
    }
    return conn;
  }

  async test(): Promise<IcecastTestResult> {
    const r = await testConnection(this.requireConnection());
    return {
      ok: r.ok,
      reachable: r.reachable,
      authenticated: r.authenticated,
      serverId: r.serverId,
      version: r.version,
      mounts: r.mounts,
      listeners: r.listeners,
      roundTripMs: r.roundTripMs,
      message: r.message,
    };
  }

  async mountListeners(mount: string): Promise<IcecastListener[]> {
    const list = await this.admin(() => listClients(this.requireConnection(), mount));
    return list.map((c) => ({ id: c.id, ip: c.ip, userAgent: c.userAgent, referer: c.referer, connectedSeconds: c.connectedSeconds }));
  }

  async action(a: IcecastAction): Promise<{ ok: boolean; message: string }> {
    const conn = this.requireConnection();
    switch (a.action) {
      case 'kick':
        await this.admin(() => killClient(conn, a.mount, a.clientId));
        return { ok: true, message: `listener ${a.clientId} disconnected from ${a.mount}` };
      case 'killSource':
        await this.admin(() => killSource(conn, a.mount));
        return { ok: true, message: `source of ${a.mount} disconnected (ours reconnects by itself)` };
      case 'move': {
        const r = await this.admin(() => moveClients(conn, a.from, a.to));
        return { ok: r.moved.length > 0 || r.requested.length === 0, message: r.message };
      }
      case 'metadata':
        await this.admin(() => updateMetadata(conn, a.mount, a.title));
        return { ok: true, message: `title of ${a.mount} set` };
    }
  }

  /** Admin failures become contract errors that say what to do. */
  private async admin<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof IcecastError) {
        throw new ContractError(err.code === 'unauthorized' ? 'unauthorized' : 'unavailable', err.message);
      }
      throw err;
    }
  }

  logTail(): string {
    return this.managed?.logTail() ?? 'The local Icecast is not running (enable "Run a local Icecast" in settings).';
  }
}
