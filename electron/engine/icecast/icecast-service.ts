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
  type ListenerHistoryResult,
} from '../../contract';
import { killClient, killSource, listClients, moveClients, testConnection, updateMetadata } from '../../../native/icecast/admin';
import { randomPassword } from '../../../native/icecast/config';
import { IcecastError } from '../../../native/icecast/errors';
import type { IcecastConnection } from '../../../native/icecast/http';
import { findIcecastBinary, ManagedIcecast, type ManagedMount } from '../../../native/icecast/managed';
import type { IcecastStats } from '../../../native/icecast/stats';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import { ListenerHistory, HISTORY_WINDOW_MS, SAMPLE_MS } from './listener-history';
import { ServerPolling, serverKey, type PollTarget, type ServerPollState } from './server-polling';
import { streamLinks, type StreamLinks, type StreamLinkTarget } from './stream-links';

export const ADMIN_PASSWORD_KEY = 'icecast:admin:password';
const MANAGED_SOURCE_KEY = 'icecast:managed:source-password';
const MANAGED_ADMIN_KEY = 'icecast:managed:admin-password';

/** Where one of our streams goes: what its server is polled for. */
export interface StreamTarget extends StreamLinkTarget {
  /** Sizes the mount's burst on the managed server; unknown bitrates get the server-wide burst. */
  bitrateKbps?: number;
  name?: string;
}

export interface IcecastServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  settings: () => IcecastSettings;
  log: Logger;
  /** host:port/mount of every mount this console feeds, to mark them in the viewer. */
  ourMounts: () => Set<string>;
  /**
   * Every stream's server, mount and bitrate (StreamManager.configs() fits). Without it the
   * servers come from ourMounts(), as plain http and with no per-mount burst.
   */
  streamTargets?: () => readonly StreamTarget[];
  /**
   * Fresh counts for the streams on `server` (as their configs name it). A server that does not
   * answer comes as a snapshot with no mounts, so every stream there has unknown counts, not the
   * last ones it had.
   */
  onStats: (stats: IcecastStats, server: { host: string; port: number }) => void;
  /** Overrides settings.pollSeconds (tests). */
  pollIntervalMs?: number;
  /** Default DATA_DIR/listeners.sqlite. */
  historyFile?: string;
  now?: () => number;
}

interface Events {
  changed: [IcecastView];
  stats: [IcecastStatsView];
}

interface ServerGroup {
  key: string;
  /** How configs (and settings) name this server: each gets the counts under its own name. */
  names: Map<string, { host: string; port: number }>;
  mounts: StreamTarget[];
  tls: boolean;
}

/**
 * The Icecast servers the console watches: listener counts from every server a stream goes to
 * (its public status page, one poll per server), admin stats and actions on the server of the
 * settings, the listener history, the "Test connection" probe, and the optional managed local
 * icecast2. Credentials stay here; what leaves is the IcecastView (which says only whether a
 * password is set).
 */
export class IcecastService extends EventEmitter<Events> {
  private managed: ManagedIcecast | null = null;
  private readonly polling: ServerPolling;
  private groups = new Map<string, ServerGroup>();
  private watchedKey: string | null = null;
  private lastStats: IcecastStatsView | null = null;
  private pollError: string | null = null;
  private adminError: string | null = null;
  private lastViewKey = '';
  private history: ListenerHistory | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly counts = new Map<string, number | null>();

  constructor(private readonly opts: IcecastServiceOptions) {
    super();
    this.polling = new ServerPolling({ intervalMs: this.intervalMs(), onResult: (t, st, state) => this.onResult(t, st, state) });
  }

  async start(): Promise<void> {
    if (!this.history) {
      this.history = new ListenerHistory({
        file: this.opts.historyFile ?? join(this.opts.dataDir, 'listeners.sqlite'),
        now: this.opts.now,
        onError: (err) => this.opts.log.warn({ err: err.message }, 'listener history not kept on disk this run'),
      });
    }
    await this.apply();
    this.flushTimer ??= setInterval(() => this.history?.flush(), SAMPLE_MS);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.reconcileTimer = this.flushTimer = null;
    this.polling.stop();
    await this.managed?.stop();
    this.managed = null;
    this.history?.close();
    this.history = null;
  }

  /** Reconciles the managed server and the pollers with the current settings. */
  async apply(): Promise<void> {
    const s = this.opts.settings();
    if (s.managed.enabled && !this.managed) await this.startManaged(s);
    if (!s.managed.enabled && this.managed) {
      await this.managed.stop();
      this.managed = null;
    }
    this.lastStats = null;
    this.pollError = null;
    this.adminError = null;
    this.polling.setInterval(this.intervalMs());
    this.refresh();
    // Streams come and go without telling us: look again every period.
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = setInterval(() => this.refresh(), this.intervalMs());
    this.reconcileTimer.unref();
    this.emitChanged(true);
  }

  /** Brings the pollers, the managed server's mounts and the history in line with the streams. */
  refresh(): void {
    const groups = this.serverGroups();
    const watched = this.connection();
    const watchedKey = watched ? keyOfUrl(watched.url) : null;
    const targets: PollTarget[] = [];
    for (const g of groups.values()) {
      if (g.key === watchedKey) continue;
      targets.push({ key: g.key, conn: { url: `${g.tls ? 'https' : 'http'}://${bracket(first(g.names).host)}:${first(g.names).port}` }, watched: false });
    }
    if (watched && watchedKey) {
      targets.push({ key: watchedKey, conn: watched, watched: true });
      const u = new URL(watched.url);
      const g = groups.get(watchedKey) ?? { key: watchedKey, names: new Map(), mounts: [], tls: u.protocol === 'https:' };
      const host = u.hostname.replace(/^\[|\]$/g, '');
      g.names.set(host, { host, port: portOf(u) });
      groups.set(watchedKey, g);
    }
    // Mounts no stream feeds any more leave the history's "now".
    for (const [key, g] of this.groups) {
      for (const m of g.mounts) {
        if (!groups.get(key)?.mounts.some((x) => x.mount === m.mount && x.host === m.host)) {
          this.history?.forget(`${m.host}:${m.port}`, m.mount);
          this.counts.delete(`${m.host}:${m.port}${m.mount}`);
        }
      }
    }
    this.groups = groups;
    if (this.watchedKey !== watchedKey) {
      this.lastStats = null;
      this.pollError = null;
      this.adminError = null;
    }
    this.watchedKey = watchedKey;
    this.polling.setTargets(targets);
    this.syncManagedMounts();
  }

  private intervalMs(): number {
    return this.opts.pollIntervalMs ?? this.opts.settings().pollSeconds * 1000;
  }

  private streamTargets(): StreamTarget[] {
    if (this.opts.streamTargets) return [...this.opts.streamTargets()];
    const out: StreamTarget[] = [];
    for (const s of this.opts.ourMounts()) {
      const slash = s.indexOf('/');
      const hostPort = s.slice(0, slash);
      const colon = hostPort.lastIndexOf(':');
      const port = Number(hostPort.slice(colon + 1));
      if (slash < 0 || colon < 0 || !Number.isInteger(port)) continue;
      out.push({ host: hostPort.slice(0, colon), port, mount: s.slice(slash) });
    }
    return out;
  }

  private serverGroups(): Map<string, ServerGroup> {
    const groups = new Map<string, ServerGroup>();
    for (const t of this.streamTargets()) {
      const key = serverKey(t.host, t.port);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, names: new Map(), mounts: [], tls: !!t.tls }));
      g.names.set(t.host, { host: t.host, port: t.port });
      g.mounts.push(t);
    }
    return groups;
  }

  private isManagedKey(key: string): boolean {
    const port = this.managed?.port;
    return !!port && key === serverKey('127.0.0.1', port);
  }

  /** The managed server learns our mounts on it: their bursts, their .pls files. */
  private syncManagedMounts(groups = this.groups): void {
    const m = this.managed;
    if (!m?.port) return;
    const g = groups.get(serverKey('127.0.0.1', m.port));
    const mounts: ManagedMount[] = [];
    for (const t of g?.mounts ?? []) {
      if (t.tls || !t.bitrateKbps || mounts.some((x) => x.mount === t.mount)) continue;
      mounts.push({ mount: t.mount, bitrateKbps: t.bitrateKbps, ...(t.name ? { name: t.name } : {}) });
    }
    if (m.setMounts(mounts)) this.opts.log.info({ mounts: mounts.map((x) => x.mount) }, 'managed icecast mounts');
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
      this.emitChanged(true);
    });
    this.managed = m;
    // Its first config already carries the mounts' bursts.
    this.syncManagedMounts(this.serverGroups());
    try {
      await m.start();
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message }, 'managed icecast did not start');
      this.emitChanged(true);
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

  /** The listen URL and playlists of a stream; .pls only where the managed server serves one. */
  linksFor(target: StreamLinkTarget): StreamLinks {
    const pls = !target.tls && this.isManagedKey(serverKey(target.host, target.port)) && !!this.managed?.mounts.some((m) => m.mount === target.mount);
    return streamLinks(target, { pls });
  }

  /** Listeners on one of our mounts by the last poll of its server; null when unknown. */
  currentListeners(host: string, port: number, mount: string): number | null {
    return this.counts.get(`${host}:${port}${mount}`) ?? null;
  }

  listenerHistory(mount?: string): ListenerHistoryResult {
    return { windowMs: HISTORY_WINDOW_MS, sampleMs: SAMPLE_MS, series: this.history?.series(mount) ?? [] };
  }

  private onResult(target: PollTarget, st: IcecastStats | null, state: ServerPollState): void {
    const g = this.groups.get(target.key);
    if (!g) return;
    const snapshot = st ?? unknownStats(this.opts.now?.() ?? Date.now());
    for (const server of g.names.values()) this.opts.onStats(snapshot, server);
    const byMount = new Map(snapshot.mounts.map((m) => [m.mount, m.listeners]));
    for (const m of g.mounts) {
      // Not listed: not live (or hidden from the public page): unknown, as the stream status says.
      const n = byMount.get(m.mount) ?? null;
      this.counts.set(`${m.host}:${m.port}${m.mount}`, n);
      this.history?.observe(`${m.host}:${m.port}`, m.mount, n);
    }
    if (target.key === this.primaryKey()) {
      // Counts from a server that no longer answers are not shown as if they were current.
      if (st) this.publishStats(st, g);
      else this.lastStats = null;
    }
    if (target.key === this.watchedKey) {
      this.pollError = state.error ? `${state.error.message}${state.retryInMs ? ` (retrying in ${Math.round(state.retryInMs / 1000)} s)` : ''}` : null;
      this.adminError = state.adminError
        ? `${state.adminError.message} Listener counts come from the public status page; per-listener detail and admin actions need the right password.`
        : null;
    }
    this.emitChanged(false);
  }

  /** The server whose stats the Icecast page shows: the watched one, else the one our streams go to. */
  private primaryKey(): string | null {
    return this.watchedKey ?? (this.groups.size ? this.groups.keys().next().value! : null);
  }

  private publishStats(st: IcecastStats, g: ServerGroup): void {
    const ours = this.opts.ourMounts();
    const names = [...g.names.values()];
    const oursOn = (mount: string): StreamTarget | null => g.mounts.find((m) => m.mount === mount) ?? null;
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
      mounts: st.mounts.map((m) => {
        const mine = oursOn(m.mount);
        const links = mine ? this.linksFor(mine) : m.listenUrl ? { playlistUrls: { m3u: `${m.listenUrl}.m3u`, pls: null } } : null;
        return {
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
          playlistUrls: links?.playlistUrls ?? null,
          bytesRead: m.bytesRead,
          bytesSent: m.bytesSent,
          slowListeners: m.slowListeners,
          sourceIp: m.sourceIp,
          userAgent: m.userAgent,
          ours: !!mine || names.some((n) => ours.has(`${n.host}:${n.port}${m.mount}`)),
        };
      }),
      via: st.via,
      receivedAt: st.receivedAt,
    };
    this.emit('stats', this.lastStats);
  }

  /** Emits `changed` when the view differs from the last one sent (or when forced). */
  private emitChanged(force: boolean): void {
    const v = this.view();
    const key = JSON.stringify({ ...v, servers: v.servers.map((s) => ({ ...s, lastPollAt: null })) });
    if (!force && key === this.lastViewKey) return;
    this.lastViewKey = key;
    this.emit('changed', v);
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
      adminError: this.adminError,
      servers: this.polling.states().map((s) => ({
        server: s.key,
        watched: s.watched,
        reachable: s.reachable,
        via: s.via,
        error: s.error?.message ?? null,
        lastPollAt: s.lastPollAt,
      })),
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

/** What an unreachable server says: nothing is live there as far as we can tell. */
function unknownStats(at: number): IcecastStats {
  return {
    server: {
      serverId: null, version: null, host: null, location: null, admin: null, startedAt: null,
      totals: { listeners: null, sources: null, clients: null, connections: null },
    },
    mounts: [],
    via: 'public',
    requestedAt: at,
    receivedAt: at,
  };
}

function portOf(u: URL): number {
  return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
}

function keyOfUrl(url: string): string {
  const u = new URL(url);
  return serverKey(u.hostname.replace(/^\[|\]$/g, ''), portOf(u));
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function first<K, V>(m: Map<K, V>): V {
  return m.values().next().value as V;
}
