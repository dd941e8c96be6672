import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const HISTORY_WINDOW_MS = 24 * 3600_000;
export const SAMPLE_MS = 60_000;

export interface ListenerSample {
  /** Epoch ms: the start of the sample's minute. */
  at: number;
  /** The most listeners any poll saw in that minute; null when no poll could tell. */
  listeners: number | null;
}

export interface ListenerSeries {
  /** "host:port" as the stream config names it. */
  server: string;
  mount: string;
  samples: ListenerSample[];
  /** Over the window, the current count included. */
  peak: number | null;
  /** What the last poll said; null when that is unknown. */
  current: number | null;
  /** Mean of the known samples. */
  average: number | null;
}

export interface ListenerHistoryOptions {
  /** SQLite file, e.g. DATA_DIR/listeners.sqlite; ':memory:' keeps nothing. */
  file: string;
  now?: () => number;
  windowMs?: number;
  sampleMs?: number;
  /** Told once when the file cannot be used (the history then lives in memory only). */
  onError?: (err: Error) => void;
}

interface Bucket {
  at: number;
  max: number | null;
}

/**
 * Listener counts per mount over the last 24 h, one sample a minute, in its own SQLite file so
 * that it survives restarts and nothing else's schema depends on it. Every poll is observed;
 * a minute keeps its highest count (a listener who stayed 20 s still shows), and a minute where
 * every poll failed is stored as null: unknown, not zero.
 */
export class ListenerHistory {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly sampleMs: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly current = new Map<string, number | null>();
  private readonly upsert: Database.Statement;
  private lastPrune = 0;
  private closed = false;

  constructor(opts: ListenerHistoryOptions) {
    this.now = opts.now ?? Date.now;
    this.windowMs = opts.windowMs ?? HISTORY_WINDOW_MS;
    this.sampleMs = opts.sampleMs ?? SAMPLE_MS;
    this.db = openDb(opts.file, opts.onError);
    this.upsert = this.db.prepare(`
      INSERT INTO listener_samples (mount_key, at, listeners) VALUES (?, ?, ?)
      ON CONFLICT (mount_key, at) DO UPDATE SET listeners = CASE
        WHEN excluded.listeners IS NULL THEN listener_samples.listeners
        WHEN listener_samples.listeners IS NULL THEN excluded.listeners
        ELSE max(listener_samples.listeners, excluded.listeners) END
    `);
  }

  /** One poll's count for a mount ("host:port" + "/mount"); null when it could not tell. */
  observe(server: string, mount: string, listeners: number | null): void {
    if (this.closed) return;
    const key = `${server}${mount}`;
    const at = this.minuteOf(this.now());
    this.current.set(key, listeners);
    const b = this.buckets.get(key);
    if (b && b.at !== at) this.write(key, b);
    if (!b || b.at !== at) {
      this.buckets.set(key, { at, max: listeners });
    } else if (listeners !== null) {
      b.max = b.max === null ? listeners : Math.max(b.max, listeners);
    }
    this.flush();
  }

  /** A mount no stream of ours feeds any more: its minute is written, its current count forgotten. */
  forget(server: string, mount: string): void {
    const key = `${server}${mount}`;
    const b = this.buckets.get(key);
    if (b) this.write(key, b);
    this.buckets.delete(key);
    this.current.delete(key);
  }

  /** Writes the minutes that are over (polls that stopped leave their last minute pending). */
  flush(): void {
    if (this.closed) return;
    const at = this.minuteOf(this.now());
    for (const [key, b] of this.buckets) {
      if (b.at < at) {
        this.write(key, b);
        this.buckets.delete(key);
      }
    }
    if (at - this.lastPrune >= this.sampleMs) {
      this.lastPrune = at;
      this.db.prepare('DELETE FROM listener_samples WHERE at < ?').run(this.windowStart(at));
    }
  }

  /** Every mount with samples in the window (or a count now), or only those on `mount`. */
  series(mount?: string): ListenerSeries[] {
    const now = this.now();
    const from = this.windowStart(this.minuteOf(now));
    const rows = this.db
      .prepare('SELECT mount_key AS key, at, listeners FROM listener_samples WHERE at >= ? ORDER BY mount_key, at')
      .all(from) as Array<{ key: string; at: number; listeners: number | null }>;
    const byKey = new Map<string, ListenerSample[]>();
    for (const r of rows) {
      let list = byKey.get(r.key);
      if (!list) byKey.set(r.key, (list = []));
      list.push({ at: r.at, listeners: r.listeners });
    }
    // The minute still running shows too, merged with what an earlier run stored for it.
    for (const [key, b] of this.buckets) {
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      const last = list[list.length - 1];
      if (last && last.at === b.at) last.listeners = mergeMax(last.listeners, b.max);
      else list.push({ at: b.at, listeners: b.max });
    }
    for (const key of this.current.keys()) if (!byKey.has(key)) byKey.set(key, []);
    const out: ListenerSeries[] = [];
    for (const [key, samples] of byKey) {
      const slash = key.indexOf('/');
      const s = { server: key.slice(0, slash), mount: key.slice(slash) };
      if (mount !== undefined && s.mount !== mount) continue;
      const known = samples.map((x) => x.listeners).filter((n): n is number => n !== null);
      const current = this.current.get(key) ?? null;
      const all = current === null ? known : [...known, current];
      out.push({
        ...s,
        samples,
        peak: all.length ? Math.max(...all) : null,
        current,
        average: known.length ? Math.round((known.reduce((a, n) => a + n, 0) / known.length) * 100) / 100 : null,
      });
    }
    return out.sort((a, b) => (a.server + a.mount).localeCompare(b.server + b.mount));
  }

  /** Writes the minute in progress (a restart within it merges with it) and closes the file. */
  close(): void {
    if (this.closed) return;
    for (const [key, b] of this.buckets) this.write(key, b);
    this.buckets.clear();
    this.closed = true;
    this.db.close();
  }

  private write(key: string, b: Bucket): void {
    this.upsert.run(key, b.at, b.max);
  }

  /** The oldest minute in the window that ends with `minute`. */
  private windowStart(minute: number): number {
    return minute - this.windowMs + this.sampleMs;
  }

  private minuteOf(t: number): number {
    return Math.floor(t / this.sampleMs) * this.sampleMs;
  }
}

function mergeMax(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS listener_samples (
    mount_key TEXT NOT NULL,
    at INTEGER NOT NULL,
    listeners INTEGER,
    PRIMARY KEY (mount_key, at)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS listener_samples_at ON listener_samples(at);
`;

/**
 * The history must never stop the counts: a file that cannot be opened (unwritable data dir,
 * not a database) leaves the history in memory for this run.
 */
function openDb(file: string, onError?: (err: Error) => void): Database.Database {
  if (file !== ':memory:') {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const db = new Database(file);
      try {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.exec(SCHEMA);
        return db;
      } catch (err) {
        db.close();
        throw err;
      }
    } catch (err) {
      onError?.(err as Error);
    }
  }
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  return db;
}
