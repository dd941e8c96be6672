import { EventEmitter } from 'node:events';
import { XMLParser } from 'fast-xml-parser';
import { IcecastAuthError, IcecastError, NotIcecastError } from './errors';
import { describeServer, icecastGet, type IcecastConnection } from './http';
import { parseLenientJson } from './lenient-json';

export interface IcecastServerTotals {
  /** Listeners on every mount: the number to show. */
  listeners: number | null;
  sources: number | null;
  /** Every open HTTP client, admin polls (ours included) and sources too: not listeners. */
  clients: number | null;
  /** Connections accepted since the server started. */
  connections: number | null;
}

export interface IcecastServerInfo {
  /** e.g. "Icecast 2.4.4" */
  serverId: string | null;
  /** e.g. "2.4.4" */
  version: string | null;
  host: string | null;
  location: string | null;
  admin: string | null;
  /** ISO 8601 */
  startedAt: string | null;
  totals: IcecastServerTotals;
}

export interface IcecastMountStats {
  /** e.g. "/station.mp3" */
  mount: string;
  listeners: number;
  peakListeners: number | null;
  /** kbit/s as the source announced it (ice-bitrate or ice-audio-info); null when it did not. */
  bitrate: number | null;
  contentType: string | null;
  /** Ogg codec ("Vorbis", "Opus") */
  subtype: string | null;
  title: string | null;
  artist: string | null;
  name: string | null;
  description: string | null;
  genre: string | null;
  public: boolean | null;
  /** ISO 8601 */
  streamStart: string | null;
  listenUrl: string | null;
  /** Only from /admin/stats. */
  bytesRead: number | null;
  bytesSent: number | null;
  slowListeners: number | null;
  maxListeners: number | null;
  sourceIp: string | null;
  userAgent: string | null;
}

export interface IcecastStats {
  server: IcecastServerInfo;
  /** Every live mount on the server, including ones this app does not feed. */
  mounts: IcecastMountStats[];
  /** admin: /admin/stats (complete); public: /status-json.xsl (no bytes, no hidden mounts). */
  via: 'admin' | 'public';
  /** Epoch ms when the request was sent / answered. */
  requestedAt: number;
  receivedAt: number;
}

type Raw = Record<string, unknown>;

/**
 * Icecast 2.4.4 stores MP3 titles as Latin-1 and writes characters outside it as literal
 * "&#10003;" text, which reaches both the XML (as &amp;#10003;) and the JSON. Decode them.
 */
export function decodeCharRefs(s: string): string {
  return s.replace(/&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});/g, (m, ref: string) => {
    const cp = ref[0] === 'x' || ref[0] === 'X' ? parseInt(ref.slice(1), 16) : parseInt(ref, 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') return null;
  const s = decodeCharRefs(String(v));
  return s === '' ? null : s;
}

function num(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isFinite(n) ? n : null;
}

function bool(v: unknown): boolean | null {
  const n = num(v);
  if (n !== null) return n !== 0;
  if (v === true || v === false) return v;
  return null;
}

function bitrateOf(src: Raw): number | null {
  const direct = num(src.bitrate) ?? num(src['ice-bitrate']);
  if (direct !== null && direct > 0) return direct;
  const info = str(src.audio_info) ?? str(src['ice-audio-info']);
  const m = info ? /(?:^|[;&])\s*(?:ice-)?bitrate=(\d+)/i.exec(info) : null;
  return m ? Number(m[1]) : null;
}

function mountFromUrl(listenUrl: string | null): string | null {
  if (!listenUrl) return null;
  try {
    return decodeURIComponent(new URL(listenUrl).pathname);
  } catch {
    return null;
  }
}

function mountStats(src: Raw, mountAttr: string | null): IcecastMountStats | null {
  const listenUrl = str(src.listenurl);
  const mount = mountAttr ?? mountFromUrl(listenUrl);
  if (!mount) return null;
  const maxListeners = num(src.max_listeners);
  return {
    mount,
    listeners: num(src.listeners) ?? 0,
    peakListeners: num(src.listener_peak),
    bitrate: bitrateOf(src),
    contentType: str(src.server_type),
    subtype: str(src.subtype),
    title: str(src.title),
    artist: str(src.artist),
    name: str(src.server_name),
    description: str(src.server_description),
    genre: str(src.genre),
    public: bool(src.public),
    streamStart: str(src.stream_start_iso8601) ?? str(src.stream_start),
    listenUrl,
    bytesRead: num(src.total_bytes_read),
    bytesSent: num(src.total_bytes_sent),
    slowListeners: num(src.slow_listeners),
    maxListeners,
    sourceIp: str(src.source_ip),
    userAgent: str(src.user_agent),
  };
}

function serverInfo(root: Raw, mounts: IcecastMountStats[]): IcecastServerInfo {
  const serverId = str(root.server_id);
  const version = serverId ? (/(\d+(?:\.\d+)+\S*)/.exec(serverId)?.[1] ?? null) : null;
  const listeners = num(root.listeners);
  const sources = num(root.sources);
  return {
    serverId,
    version,
    host: str(root.host),
    location: str(root.location),
    admin: str(root.admin),
    startedAt: str(root.server_start_iso8601) ?? str(root.server_start),
    totals: {
      // status-json.xsl carries no totals: sum what the mounts say.
      listeners: listeners ?? (root.listeners === undefined ? mounts.reduce((a, m) => a + m.listeners, 0) : null),
      sources: sources ?? (root.sources === undefined ? mounts.length : null),
      clients: num(root.clients),
      connections: num(root.connections),
    },
  };
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string: "0123" titles and "unlimited" must survive as written.
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (_name, jpath) => jpath === 'icestats.source',
});

/** Parses /admin/stats XML. Throws NotIcecastError when the document is not <icestats>. */
export function parseAdminStatsXml(body: string, where = 'the server'): Omit<IcecastStats, 'via' | 'requestedAt' | 'receivedAt'> {
  let doc: Raw;
  try {
    doc = xml.parse(body) as Raw;
  } catch (err) {
    throw new NotIcecastError(where, `/admin/stats is not XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const root = doc.icestats;
  if (!root || typeof root !== 'object') throw new NotIcecastError(where, '/admin/stats has no <icestats> document');
  const r = root as Raw;
  const sources = Array.isArray(r.source) ? (r.source as Raw[]) : [];
  const mounts = sources
    .map((s) => mountStats(s, typeof s['@_mount'] === 'string' ? (s['@_mount'] as string) : null))
    .filter((m): m is IcecastMountStats => m !== null);
  return { server: serverInfo(r, mounts), mounts };
}

/**
 * Parses /status-json.xsl. Icecast 2.4 gives `source` as an object for one mount, an array
 * for several, and leaves it out for none; and its hand-written JSON breaks in known ways
 * (unquoted "-" titles, an object that lost its "{" while the server starts, raw control
 * characters), which lenient-json.ts reads. A mount comes from its listenurl: the JSON has no
 * mount attribute.
 */
export function parseStatusJson(body: string, where = 'the server'): Omit<IcecastStats, 'via' | 'requestedAt' | 'receivedAt'> {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    try {
      doc = parseLenientJson(body);
    } catch (err) {
      if (/"icestats"\s*:/.test(body)) {
        // Icecast's page, cut short or broken beyond the known quirks: its mounts are unknown.
        throw new IcecastError('http_error', `Icecast at ${where} sent a /status-json.xsl that cannot be read (${(err as Error).message}).`, true);
      }
      throw new NotIcecastError(where, '/status-json.xsl is not JSON');
    }
  }
  const root = (doc as Raw | null)?.icestats;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new NotIcecastError(where, '/status-json.xsl has no "icestats" object');
  const r = root as Raw;
  const list: unknown[] = Array.isArray(r.source) ? r.source : r.source && typeof r.source === 'object' ? [r.source] : [];
  const mounts = list
    .filter((s): s is Raw => !!s && typeof s === 'object' && !Array.isArray(s))
    .map((s) => mountStats(s, null))
    .filter((m): m is IcecastMountStats => m !== null);
  return { server: serverInfo(r, mounts), mounts };
}

/** One /admin/stats poll (admin credentials required). */
export async function fetchAdminStats(conn: IcecastConnection): Promise<IcecastStats> {
  const requestedAt = Date.now();
  const where = describeServer(conn.url);
  const res = await icecastGet(conn, '/admin/stats', true, 'Icecast stats');
  if (res.status !== 200) {
    throw res.status === 404 || !/icecast/i.test(res.server)
      ? new NotIcecastError(where, `/admin/stats answered HTTP ${res.status}`)
      : new IcecastError('http_error', `Icecast at ${where} answered HTTP ${res.status} to /admin/stats. Check the server's log.`, true);
  }
  return { ...parseAdminStatsXml(res.body, where), via: 'admin', requestedAt, receivedAt: Date.now() };
}

/** One /status-json.xsl poll (public: no credentials, no byte counters, no hidden mounts). */
export async function fetchPublicStatus(conn: IcecastConnection): Promise<IcecastStats> {
  const requestedAt = Date.now();
  const where = describeServer(conn.url);
  const res = await icecastGet(conn, '/status-json.xsl', false, 'Icecast status');
  if (res.status !== 200) {
    throw res.status === 404 || !/icecast/i.test(res.server)
      ? new NotIcecastError(where, `/status-json.xsl answered HTTP ${res.status}`)
      : new IcecastError('http_error', `Icecast at ${where} answered HTTP ${res.status} to /status-json.xsl. Check the server's log.`, true);
  }
  return { ...parseStatusJson(res.body, where), via: 'public', requestedAt, receivedAt: Date.now() };
}

export interface StatsPollerOptions {
  /** Default 2000 ms. */
  intervalMs?: number;
  /** Failures back off exponentially from intervalMs up to this (default 30 s). */
  maxBackoffMs?: number;
  /** Default: 'admin' when an admin password is set, else 'public'. */
  via?: 'admin' | 'public';
  /**
   * Admin polls that fail on the login read the public page instead: a wrong
   * admin password costs the per-client detail, not the listener counts. `adminError` says why.
   * Default false: the login error is the poll's error.
   */
  publicFallback?: boolean;
}

interface StatsPollerEvents {
  stats: [IcecastStats];
  error: [IcecastError, { failures: number; retryInMs: number }];
}

/**
 * Polls an Icecast server on a timer. Emits `stats` after every good poll and `error` after a
 * failed one (then waits intervalMs * 2^failures, capped). Never throws from the timer.
 */
export class IcecastStatsPoller extends EventEmitter<StatsPollerEvents> {
  private conn: IcecastConnection;
  private readonly intervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly via: 'admin' | 'public';
  private readonly publicFallback: boolean;
  private adminErr: IcecastAuthError | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight: Promise<IcecastStats> | null = null;
  private failureCount = 0;
  private lastStats: IcecastStats | null = null;
  private lastErr: IcecastError | null = null;

  constructor(conn: IcecastConnection, opts: StatsPollerOptions = {}) {
    super();
    this.conn = conn;
    this.intervalMs = opts.intervalMs ?? 2000;
    this.maxBackoffMs = Math.max(this.intervalMs, opts.maxBackoffMs ?? 30_000);
    this.via = opts.via ?? (conn.adminPassword ? 'admin' : 'public');
    this.publicFallback = opts.publicFallback ?? false;
  }

  /** The admin login failure behind the last poll's fall back to the public page; null when none. */
  get adminError(): IcecastAuthError | null {
    return this.adminErr;
  }

  get last(): IcecastStats | null {
    return this.lastStats;
  }
  get lastError(): IcecastError | null {
    return this.lastErr;
  }
  get failures(): number {
    return this.failureCount;
  }
  get isRunning(): boolean {
    return this.running;
  }

  /** Listeners on a mount from the last good poll; null when unknown or the mount is not live. */
  mountListeners(mount: string): number | null {
    const m = this.lastStats?.mounts.find((x) => x.mount === mount);
    return m ? m.listeners : null;
  }

  /** New credentials or URL (settings changed): takes effect at the next poll, backoff reset. */
  setConnection(conn: IcecastConnection): void {
    this.conn = conn;
    this.failureCount = 0;
    // A poll still running with the old connection is not shared with the next caller.
    this.inFlight = null;
    if (this.running) this.schedule(0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Polls now (sharing a poll already in flight); rejects with the IcecastError. */
  pollNow(): Promise<IcecastStats> {
    if (this.inFlight) return this.inFlight;
    const p = this.fetchOnce(this.conn)
      .then((stats) => {
        this.failureCount = 0;
        this.lastStats = stats;
        this.lastErr = null;
        this.emit('stats', stats);
        return stats;
      })
      .catch((err: unknown) => {
        const e = err instanceof IcecastError ? err : new IcecastError('http_error', `Icecast poll failed: ${(err as Error).message}`, true);
        this.failureCount++;
        this.lastErr = e;
        if (this.listenerCount('error') > 0) this.emit('error', e, { failures: this.failureCount, retryInMs: this.nextDelay() });
        throw e;
      })
      .finally(() => {
        if (this.inFlight === p) this.inFlight = null;
      });
    this.inFlight = p;
    return p;
  }

  private async fetchOnce(conn: IcecastConnection): Promise<IcecastStats> {
    if (this.via === 'public') return fetchPublicStatus(conn);
    try {
      const stats = await fetchAdminStats(conn);
      this.adminErr = null;
      return stats;
    } catch (err) {
      if (!(err instanceof IcecastAuthError) || !this.publicFallback) throw err;
      this.adminErr = err;
      return fetchPublicStatus(conn);
    }
  }

  private nextDelay(): number {
    if (this.failureCount === 0) return this.intervalMs;
    return Math.min(this.maxBackoffMs, this.intervalMs * 2 ** this.failureCount);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.running) return;
      this.pollNow()
        .catch(() => undefined)
        .finally(() => {
          if (this.running && !this.timer) this.schedule(this.nextDelay());
        });
    }, delay);
  }
}
