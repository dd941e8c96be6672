import type { IcecastError } from '../../../native/icecast/errors';
import type { IcecastConnection } from '../../../native/icecast/http';
import { IcecastStatsPoller, type IcecastStats } from '../../../native/icecast/stats';

/** One Icecast server to ask for listener counts. */
export interface PollTarget {
  /** serverKey(): one poller per key however many streams go there. */
  key: string;
  conn: IcecastConnection;
  /** The server of the settings (or the managed one): admin stats when it has a password. */
  watched: boolean;
}

export interface ServerPollState {
  key: string;
  watched: boolean;
  /** null until the first poll answered or failed. */
  reachable: boolean | null;
  via: 'admin' | 'public' | null;
  error: IcecastError | null;
  /** The admin login failed and the counts came from the public page. */
  adminError: IcecastError | null;
  lastPollAt: number | null;
  /** Retry delay after the last failure. */
  retryInMs: number | null;
  stats: IcecastStats | null;
}

export interface ServerPollingOptions {
  intervalMs: number;
  /** Failures back off up to this (default 3 polls: a server that comes back is seen soon). */
  maxBackoffMs?: number;
  /** Every poll's outcome: stats, or the error that makes this server's counts unknown. */
  onResult: (target: PollTarget, stats: IcecastStats | null, state: ServerPollState) => void;
}

// Not ::1: a server bound to 127.0.0.1 does not answer there.
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1']);

/**
 * "host:port" identifying a server for polling: case folded, and the loopback names as one
 * (a stream to localhost:8000 and settings naming 127.0.0.1:8000 are one server, polled once).
 */
export function serverKey(host: string, port: number): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  const name = LOOPBACK_NAMES.has(h) ? '127.0.0.1' : h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
  return `${name}:${port}`;
}

function signature(t: PollTarget, intervalMs: number): string {
  const c = t.conn;
  return JSON.stringify([c.url, c.adminUser ?? null, c.adminPassword ?? null, c.timeoutMs ?? null, t.watched, intervalMs]);
}

interface Entry {
  target: PollTarget;
  sig: string;
  poller: IcecastStatsPoller;
  state: ServerPollState;
}

/**
 * One stats poller per distinct server, kept in line with the set of servers our streams and
 * settings name. A server that stops answering is reported at once (its counts are unknown),
 * not left showing the last counts it gave.
 */
export class ServerPolling {
  private readonly entries = new Map<string, Entry>();
  private intervalMs: number;

  constructor(private readonly opts: ServerPollingOptions) {
    this.intervalMs = opts.intervalMs;
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
  }

  /** Starts pollers for new servers, replaces those whose connection changed, stops the rest. */
  setTargets(targets: readonly PollTarget[]): void {
    const wanted = new Map(targets.map((t) => [t.key, t]));
    for (const [key, e] of this.entries) {
      const t = wanted.get(key);
      if (!t || signature(t, this.intervalMs) !== e.sig) {
        e.poller.stop();
        this.entries.delete(key);
      }
    }
    for (const t of wanted.values()) if (!this.entries.has(t.key)) this.add(t);
  }

  state(key: string): ServerPollState | null {
    return this.entries.get(key)?.state ?? null;
  }

  states(): ServerPollState[] {
    return [...this.entries.values()].map((e) => e.state);
  }

  targets(): PollTarget[] {
    return [...this.entries.values()].map((e) => e.target);
  }

  stop(): void {
    for (const e of this.entries.values()) e.poller.stop();
    this.entries.clear();
  }

  private add(target: PollTarget): void {
    const intervalMs = this.intervalMs;
    const conn: IcecastConnection = {
      ...target.conn,
      // A black-holed host must not hold a poll longer than the period.
      timeoutMs: target.conn.timeoutMs ?? Math.min(5000, Math.max(1000, intervalMs)),
    };
    const poller = new IcecastStatsPoller(conn, {
      intervalMs,
      maxBackoffMs: this.opts.maxBackoffMs ?? 3 * intervalMs,
      via: target.watched && conn.adminPassword ? 'admin' : 'public',
      publicFallback: true,
    });
    const entry: Entry = {
      target,
      sig: signature(target, intervalMs),
      poller,
      state: { key: target.key, watched: target.watched, reachable: null, via: null, error: null, adminError: null, lastPollAt: null, retryInMs: null, stats: null },
    };
    const current = (): boolean => this.entries.get(target.key) === entry;
    poller.on('stats', (stats) => {
      if (!current()) return;
      entry.state = {
        ...entry.state, reachable: true, via: stats.via, error: null, adminError: poller.adminError, lastPollAt: stats.receivedAt, retryInMs: null, stats,
      };
      this.opts.onResult(target, stats, entry.state);
    });
    poller.on('error', (err, info) => {
      if (!current()) return;
      entry.state = { ...entry.state, reachable: false, via: null, error: err, stats: null, retryInMs: info.retryInMs };
      this.opts.onResult(target, null, entry.state);
    });
    this.entries.set(target.key, entry);
    poller.start();
  }
}
