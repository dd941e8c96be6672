import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Alert,
  DecoderEvent,
  type Alert as AlertT,
  type AlertRecording,
  type DecoderEvent as DecoderEventT,
} from '../../contract';

/**
 * Alert history and decoder events in SQLite. WAL mode with synchronous=NORMAL: a crash
 * (of the app, not the OS) loses nothing committed, and writes are fast enough for the
 * main thread at alert rates. Rows hold the contract DTO as JSON so the schema can grow
 * without migrations; the columns are what queries filter and sort on.
 */
export class AlertStore {
  private readonly db: Database.Database;
  private readonly insertAlertStmt: Database.Statement;
  private readonly insertEventStmt: Database.Statement;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS alerts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        raw TEXT NOT NULL,
        source_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS alerts_expires ON alerts(expires_at);
      CREATE TABLE IF NOT EXISTS decoder_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        received_at TEXT NOT NULL,
        json TEXT NOT NULL
      );
    `);
    // The recording's path stays out of the DTO (the renderer never sees file paths); added by
    // ALTER so history files from before recordings keep working.
    const cols = this.db.prepare('PRAGMA table_info(alerts)').all() as Array<{ name: string }>;
    if (!cols.some((c) => c.name === 'recording_file')) this.db.exec('ALTER TABLE alerts ADD COLUMN recording_file TEXT');
    this.insertAlertStmt = this.db.prepare(
      'INSERT OR IGNORE INTO alerts (id, raw, source_id, received_at, expires_at, json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertEventStmt = this.db.prepare('INSERT INTO decoder_events (source_id, kind, received_at, json) VALUES (?, ?, ?, ?)');
  }

  addAlert(a: AlertT): void {
    this.insertAlertStmt.run(a.id, a.raw, a.sourceId, a.receivedAt, a.expiresAt, JSON.stringify(a));
  }

  /** Links an alert to its audio file, and updates what the DTO says about it. */
  setRecording(alertId: string, file: string, recording: AlertRecording): void {
    this.db
      .prepare("UPDATE alerts SET recording_file = ?, json = json_set(json, '$.recording', json(?)) WHERE id = ?")
      .run(file, JSON.stringify(recording), alertId);
  }

  /** The audio file of an alert, or null when it has none. */
  recordingFile(alertId: string): string | null {
    const row = this.db.prepare('SELECT recording_file FROM alerts WHERE id = ?').get(alertId) as { recording_file: string | null } | undefined;
    return row?.recording_file ?? null;
  }

  addEvent(e: DecoderEventT): void {
    this.insertEventStmt.run(e.sourceId, e.kind, e.receivedAt, JSON.stringify(e));
  }

  /** Newest first; `beforeId` pages back through history. */
  list(limit = 100, beforeId?: string): AlertT[] {
    const rows = beforeId
      ? (this.db
          .prepare('SELECT json FROM alerts WHERE seq < (SELECT seq FROM alerts WHERE id = ?) ORDER BY seq DESC LIMIT ?')
          .all(beforeId, limit) as Array<{ json: string }>)
      : (this.db.prepare('SELECT json FROM alerts ORDER BY seq DESC LIMIT ?').all(limit) as Array<{ json: string }>);
    return rows.map((r) => this.revive(r.json)).filter((a): a is AlertT => a !== null);
  }

  /**
   * Unexpired alerts, one per distinct header (the same message heard on several inputs or
   * relayed again is one alert), earliest reception first.
   */
  active(now: Date): AlertT[] {
    const rows = this.db
      .prepare('SELECT json FROM alerts WHERE expires_at > ? ORDER BY seq ASC')
      .all(now.toISOString()) as Array<{ json: string }>;
    const byRaw = new Map<string, AlertT>();
    for (const r of rows) {
      const a = this.revive(r.json);
      if (a && !byRaw.has(a.raw)) byRaw.set(a.raw, { ...a, active: true });
    }
    return [...byRaw.values()];
  }

  /** Whether this exact header was already received within `windowMs` (any source). */
  seenRecently(raw: string, now: Date, windowMs: number): boolean {
    const since = new Date(now.getTime() - windowMs).toISOString();
    return !!this.db.prepare('SELECT 1 FROM alerts WHERE raw = ? AND received_at >= ? LIMIT 1').get(raw, since);
  }

  recentEvents(limit: number): DecoderEventT[] {
    const rows = this.db.prepare('SELECT json FROM decoder_events ORDER BY seq DESC LIMIT ?').all(limit) as Array<{ json: string }>;
    return rows
      .map((r) => DecoderEvent.safeParse(JSON.parse(r.json)))
      .filter((p) => p.success)
      .map((p) => p.data!)
      .reverse();
  }

  private revive(json: string): AlertT | null {
    const p = Alert.safeParse(JSON.parse(json));
    return p.success ? p.data : null;
  }

  close(): void {
    this.db.close();
  }
}
