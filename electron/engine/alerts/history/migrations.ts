import type Database from 'better-sqlite3';
import { alertIdentity, parseHeader } from '../../../core/alerts';

/**
 * The history schema, one numbered step at a time. PRAGMA user_version holds the last step
 * applied; each step runs in its own transaction with the version bump, so a crash leaves the
 * file at a whole step. Never edit a step that has shipped: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * The CREATE statements of the console before versions existed (user_version 0). Exported so
 * the migration test builds an old file from the same text instead of a re-typed copy.
 */
export const PRE_VERSION_SCHEMA_SQL = `
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
`;

/**
 * 1: the schema the console wrote before versions existed (user_version 0), so a fresh file and
 * one from an older console reach the same starting point. One row per reception, the DTO as JSON.
 */
const baseline: Migration = {
  version: 1,
  name: 'baseline (alerts as JSON, decoder events)',
  up(db) {
    db.exec(PRE_VERSION_SCHEMA_SQL);
    const cols = db.prepare('PRAGMA table_info(alerts)').all() as Array<{ name: string }>;
    if (!cols.some((c) => c.name === 'recording_file')) db.exec('ALTER TABLE alerts ADD COLUMN recording_file TEXT');
  },
};

/** 2: one alert per message with its receptions, recordings, acknowledgements and the event log. */
const alertDesk: Migration = {
  version: 2,
  name: 'alerts with receptions, recordings, acknowledgements, event log',
  up(db) {
    db.exec(`
      ALTER TABLE alerts RENAME TO legacy_alerts;
      DROP INDEX IF EXISTS alerts_expires;
      CREATE TABLE alerts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        identity TEXT NOT NULL UNIQUE,
        raw TEXT NOT NULL,
        originator TEXT NOT NULL,
        originator_name TEXT NOT NULL,
        event TEXT NOT NULL,
        event_name TEXT NOT NULL,
        category TEXT NOT NULL,
        callsign TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        first_received_at TEXT NOT NULL,
        last_received_at TEXT NOT NULL,
        first_source_id TEXT NOT NULL,
        places TEXT NOT NULL,
        text TEXT NOT NULL,
        relevant INTEGER NOT NULL,
        relevance_reasons TEXT NOT NULL
      );
      CREATE INDEX alerts_expires ON alerts(expires_at);
      CREATE INDEX alerts_event ON alerts(event);
      CREATE INDEX alerts_first_received ON alerts(first_received_at);
      CREATE TABLE alert_locations (
        alert_seq INTEGER NOT NULL REFERENCES alerts(seq) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (alert_seq, position)
      ) WITHOUT ROWID;
      CREATE INDEX alert_locations_code ON alert_locations(code);
      CREATE TABLE recordings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        file TEXT NOT NULL UNIQUE,
        source_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        start_sample INTEGER,
        duration_s REAL,
        bytes INTEGER,
        complete INTEGER NOT NULL DEFAULT 0,
        cut_short INTEGER NOT NULL DEFAULT 0,
        markers TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX recordings_started ON recordings(started_at);
      CREATE TABLE receptions (
        id TEXT PRIMARY KEY,
        alert_seq INTEGER NOT NULL REFERENCES alerts(seq) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        bursts INTEGER,
        bit_confidence REAL,
        sample_index INTEGER,
        recording_id INTEGER REFERENCES recordings(id) ON DELETE SET NULL
      );
      CREATE INDEX receptions_alert ON receptions(alert_seq, received_at);
      CREATE INDEX receptions_source ON receptions(source_id, alert_seq);
      CREATE INDEX receptions_recording ON receptions(recording_id);
      CREATE TABLE acknowledgements (
        alert_seq INTEGER PRIMARY KEY REFERENCES alerts(seq) ON DELETE CASCADE,
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT
      );
      CREATE TABLE event_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        level TEXT NOT NULL,
        source_id TEXT,
        alert_id TEXT,
        message TEXT NOT NULL
      );
      CREATE INDEX event_log_at ON event_log(at);
      CREATE INDEX event_log_alert ON event_log(alert_id);
      ALTER TABLE decoder_events ADD COLUMN event_id TEXT;
      CREATE UNIQUE INDEX decoder_events_event_id ON decoder_events(event_id);
      CREATE INDEX decoder_events_source_time ON decoder_events(source_id, received_at);
    `);
    migrateLegacyAlerts(db);
    db.exec('DROP TABLE legacy_alerts');
  },
};

/** 3: full-text search over what an operator reads, kept in step with alerts by triggers. */
const search: Migration = {
  version: 3,
  name: 'full-text search (FTS5)',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE alert_search USING fts5(
        text, event_name, places, originator_name, callsign, raw,
        content='alerts', content_rowid='seq', tokenize='unicode61'
      );
      CREATE TRIGGER alerts_search_insert AFTER INSERT ON alerts BEGIN
        INSERT INTO alert_search(rowid, text, event_name, places, originator_name, callsign, raw)
        VALUES (new.seq, new.text, new.event_name, new.places, new.originator_name, new.callsign, new.raw);
      END;
      CREATE TRIGGER alerts_search_delete AFTER DELETE ON alerts BEGIN
        INSERT INTO alert_search(alert_search, rowid, text, event_name, places, originator_name, callsign, raw)
        VALUES ('delete', old.seq, old.text, old.event_name, old.places, old.originator_name, old.callsign, old.raw);
      END;
      CREATE TRIGGER alerts_search_update AFTER UPDATE OF text, event_name, places, originator_name, callsign, raw ON alerts BEGIN
        INSERT INTO alert_search(alert_search, rowid, text, event_name, places, originator_name, callsign, raw)
        VALUES ('delete', old.seq, old.text, old.event_name, old.places, old.originator_name, old.callsign, old.raw);
        INSERT INTO alert_search(rowid, text, event_name, places, originator_name, callsign, raw)
        VALUES (new.seq, new.text, new.event_name, new.places, new.originator_name, new.callsign, new.raw);
      END;
      INSERT INTO alert_search(alert_search) VALUES ('rebuild');
    `);
  },
};

export const MIGRATIONS: readonly Migration[] = [baseline, alertDesk, search];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

interface LegacyRow {
  seq: number;
  id: string;
  raw: string;
  source_id: string;
  received_at: string;
  expires_at: string;
  json: string;
  recording_file: string | null;
}

const str = (v: unknown, fallback: string): string => (typeof v === 'string' && v.length > 0 ? v : fallback);

/**
 * Rows of the old table were receptions: the same header heard again or on another input was
 * another row. The first row of each message becomes the alert (keeping its id, which old
 * audio URLs name) and every row a reception, with its recording, so nothing is lost.
 */
function migrateLegacyAlerts(db: Database.Database): void {
  const rows = db.prepare('SELECT seq, id, raw, source_id, received_at, expires_at, json, recording_file FROM legacy_alerts ORDER BY seq').all() as LegacyRow[];
  const insertAlert = db.prepare(`
    INSERT INTO alerts (id, identity, raw, originator, originator_name, event, event_name, category, callsign, issued_at,
      expires_at, first_received_at, last_received_at, first_source_id, places, text, relevant, relevance_reasons)
    VALUES (@id, @identity, @raw, @originator, @originatorName, @event, @eventName, @category, @callsign, @issuedAt,
      @expiresAt, @receivedAt, @receivedAt, @sourceId, @places, @text, 1, @reasons)`);
  const touchAlert = db.prepare('UPDATE alerts SET last_received_at = max(last_received_at, ?) WHERE seq = ?');
  const insertLocation = db.prepare('INSERT OR IGNORE INTO alert_locations (alert_seq, position, code, name) VALUES (?, ?, ?, ?)');
  const insertRecording = db.prepare(`
    INSERT INTO recordings (file, source_id, started_at, duration_s, complete) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(file) DO NOTHING`);
  const recordingId = db.prepare('SELECT id FROM recordings WHERE file = ?');
  const insertReception = db.prepare(`
    INSERT OR IGNORE INTO receptions (id, alert_seq, source_id, received_at, recording_id) VALUES (?, ?, ?, ?, ?)`);
  const seqByIdentity = new Map<string, number>();
  const reasons = JSON.stringify(['judged before relevance settings existed']);
  for (const row of rows) {
    let dto: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(row.json);
      if (parsed && typeof parsed === 'object') dto = parsed as Record<string, unknown>;
    } catch {
      // A damaged JSON column still leaves the header and times in their own columns.
    }
    const header = parseHeader(row.raw);
    const codes = header.ok ? header.header.locations : [];
    const named = Array.isArray(dto.locations)
      ? (dto.locations as Array<{ code?: unknown; name?: unknown }>).map((l) => ({ code: str(l.code, '000000'), name: str(l.name, str(l.code, '')) }))
      : codes.map((code) => ({ code, name: code }));
    const issuedAt = str(dto.issuedAt, row.received_at);
    const identity = alertIdentity(row.raw, issuedAt);
    let seq = seqByIdentity.get(identity);
    if (seq === undefined) {
      const info = insertAlert.run({
        id: row.id,
        identity,
        raw: row.raw,
        originator: str(dto.originator, header.ok ? header.header.originator : '???'),
        originatorName: str(dto.originatorName, str(dto.originator, 'unknown originator')),
        event: str(dto.event, header.ok ? header.header.event : '???'),
        eventName: str(dto.eventName, str(dto.event, 'unknown event')),
        category: str(dto.category, 'unknown'),
        callsign: str(dto.callsign, header.ok ? header.header.callsign : ''),
        issuedAt,
        expiresAt: row.expires_at,
        receivedAt: row.received_at,
        sourceId: row.source_id,
        places: named.map((l) => l.name).join('; '),
        text: str(dto.text, row.raw),
        reasons,
      });
      seq = Number(info.lastInsertRowid);
      seqByIdentity.set(identity, seq);
      named.forEach((l, i) => insertLocation.run(seq, i, l.code, l.name));
    } else {
      touchAlert.run(row.received_at, seq);
    }
    let recId: number | null = null;
    if (row.recording_file) {
      const rec = (dto.recording ?? null) as { durationS?: unknown; complete?: unknown } | null;
      const duration = typeof rec?.durationS === 'number' ? rec.durationS : null;
      insertRecording.run(row.recording_file, row.source_id, row.received_at, duration, rec?.complete === true ? 1 : 0);
      recId = (recordingId.get(row.recording_file) as { id: number }).id;
    }
    insertReception.run(row.id, seq, row.source_id, row.received_at, recId);
  }
}
