import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import {
  DecoderEvent,
  RecordingMarker,
  type DecoderEvent as DecoderEventT,
  type EventLogEntry,
  type EventLogFilter,
  type HistoryFilter,
} from '../../../contract';
import type { AlertRecord, ReceptionRecord, RecordingRecord } from '../alert-record';
import { openHistoryDb } from './history-db';
import { decodeCursor, encodeCursor, eventLogWhere, historyWhere } from './history-query';

interface AlertRow {
  seq: number;
  id: string;
  identity: string;
  raw: string;
  originator: string;
  originator_name: string;
  event: string;
  event_name: string;
  category: string;
  callsign: string;
  issued_at: string;
  expires_at: string;
  text: string;
  relevant: number;
  relevance_reasons: string;
}

interface ReceptionRow {
  alert_seq: number;
  id: string;
  source_id: string;
  received_at: string;
  bursts: number | null;
  bit_confidence: number | null;
  sample_index: number | null;
  file: string | null;
}

interface RecordingRow {
  file: string;
  source_id: string;
  started_at: string;
  start_sample: number | null;
  duration_s: number | null;
  bytes: number | null;
  complete: number;
  cut_short: number;
  markers: string;
}

interface EventLogRow {
  seq: number;
  uid: string;
  at: string;
  kind: EventLogEntry['kind'];
  level: EventLogEntry['level'];
  source_id: string | null;
  alert_id: string | null;
  message: string;
}

/** A page of alerts as records, with the recordings their receptions name. */
export interface RecordPage {
  records: AlertRecord[];
  recordings: Map<string, RecordingRecord>;
  nextCursor: string | null;
}

const ALERT_COLS = `a.seq, a.id, a.identity, a.raw, a.originator, a.originator_name, a.event, a.event_name, a.category,
  a.callsign, a.issued_at, a.expires_at, a.text, a.relevant, a.relevance_reasons`;

function parseReasons(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parseMarkers(json: string): RecordingRecord['markers'] {
  try {
    const v: unknown = JSON.parse(json);
    if (!Array.isArray(v)) return [];
    return v.flatMap((m) => {
      const p = RecordingMarker.safeParse(m);
      return p.success ? [p.data] : [];
    });
  } catch {
    return [];
  }
}

export function recordingFromRow(r: RecordingRow): RecordingRecord {
  return {
    file: r.file,
    sourceId: r.source_id,
    startedAt: r.started_at,
    startSample: r.start_sample,
    durationS: r.duration_s,
    bytes: r.bytes,
    complete: r.complete === 1,
    cutShort: r.cut_short === 1,
    markers: parseMarkers(r.markers),
  };
}

/**
 * The alert history database: alerts with their locations, receptions, recordings and
 * acknowledgements, decoder events and the station's event log. Every write is one
 * transaction and idempotent (an upsert by id), so the desk can retry it after a failure
 * without doubling anything. Writes throw; the desk's write-behind decides what that means.
 */
export class AlertHistory {
  readonly db: Database.Database;
  private readonly st: ReturnType<AlertHistory['prepare']>;

  constructor(readonly file: string) {
    this.db = openHistoryDb(file);
    this.st = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      upsertAlert: db.prepare(`
        INSERT INTO alerts (id, identity, raw, originator, originator_name, event, event_name, category, callsign, issued_at,
          expires_at, first_received_at, last_received_at, first_source_id, places, text, relevant, relevance_reasons)
        VALUES (@id, @identity, @raw, @originator, @originatorName, @event, @eventName, @category, @callsign, @issuedAt,
          @expiresAt, @firstReceivedAt, @lastReceivedAt, @firstSourceId, @places, @text, @relevant, @reasons)
        ON CONFLICT(id) DO UPDATE SET last_received_at = excluded.last_received_at, relevant = excluded.relevant,
          relevance_reasons = excluded.relevance_reasons`),
      alertSeq: db.prepare('SELECT seq FROM alerts WHERE id = ?'),
      insertLocation: db.prepare('INSERT OR IGNORE INTO alert_locations (alert_seq, position, code, name) VALUES (?, ?, ?, ?)'),
      ensureRecording: db.prepare(`INSERT INTO recordings (file, source_id, started_at) VALUES (?, ?, ?) ON CONFLICT(file) DO NOTHING`),
      recordingId: db.prepare('SELECT id FROM recordings WHERE file = ?'),
      upsertReception: db.prepare(`
        INSERT INTO receptions (id, alert_seq, source_id, received_at, bursts, bit_confidence, sample_index, recording_id)
        VALUES (@id, @seq, @sourceId, @receivedAt, @bursts, @bitConfidence, @sampleIndex, @recordingId)
        ON CONFLICT(id) DO UPDATE SET recording_id = excluded.recording_id, bursts = excluded.bursts,
          bit_confidence = excluded.bit_confidence`),
      insertAck: db.prepare('INSERT OR IGNORE INTO acknowledgements (alert_seq, by, at, note) VALUES (?, ?, ?, ?)'),
      upsertRecording: db.prepare(`
        INSERT INTO recordings (file, source_id, started_at, start_sample, duration_s, bytes, complete, cut_short, markers)
        VALUES (@file, @sourceId, @startedAt, @startSample, @durationS, @bytes, @complete, @cutShort, @markers)
        ON CONFLICT(file) DO UPDATE SET start_sample = excluded.start_sample, duration_s = excluded.duration_s,
          bytes = excluded.bytes, complete = excluded.complete, cut_short = excluded.cut_short, markers = excluded.markers`),
      insertEvent: db.prepare('INSERT OR IGNORE INTO decoder_events (event_id, source_id, kind, received_at, json) VALUES (?, ?, ?, ?, ?)'),
      insertLog: db.prepare(`
        INSERT OR IGNORE INTO event_log (uid, at, kind, level, source_id, alert_id, message)
        VALUES (@id, @at, @kind, @level, @sourceId, @alertId, @message)`),
      byIdentity: db.prepare(`SELECT ${ALERT_COLS} FROM alerts a WHERE a.identity = ?`),
      byId: db.prepare(`SELECT ${ALERT_COLS} FROM alerts a WHERE a.id = ?`),
      alertOfReception: db.prepare('SELECT a.id FROM receptions r JOIN alerts a ON a.seq = r.alert_seq WHERE r.id = ?'),
      receptionsOf: db.prepare(`
        SELECT r.alert_seq, r.id, r.source_id, r.received_at, r.bursts, r.bit_confidence, r.sample_index, g.file
        FROM receptions r LEFT JOIN recordings g ON g.id = r.recording_id
        WHERE r.alert_seq IN (SELECT value FROM json_each(?)) ORDER BY r.alert_seq, r.received_at, r.rowid`),
      locationsOf: db.prepare('SELECT alert_seq, code, name FROM alert_locations WHERE alert_seq IN (SELECT value FROM json_each(?)) ORDER BY alert_seq, position'),
      acksOf: db.prepare('SELECT alert_seq, by, at, note FROM acknowledgements WHERE alert_seq IN (SELECT value FROM json_each(?))'),
      recordingsIn: db.prepare(`
        SELECT file, source_id, started_at, start_sample, duration_s, bytes, complete, cut_short, markers
        FROM recordings WHERE file IN (SELECT value FROM json_each(?))`),
      active: db.prepare(`SELECT ${ALERT_COLS} FROM alerts a WHERE a.expires_at > ? ORDER BY a.seq`),
      receptionFile: db.prepare('SELECT g.file FROM receptions r JOIN recordings g ON g.id = r.recording_id WHERE r.id = ?'),
      alertFile: db.prepare(`
        SELECT g.file FROM alerts a JOIN receptions r ON r.alert_seq = a.seq JOIN recordings g ON g.id = r.recording_id
        WHERE a.id = ? ORDER BY r.received_at, r.rowid LIMIT 1`),
      recentEvents: db.prepare('SELECT json FROM decoder_events ORDER BY seq DESC LIMIT ?'),
      eventsBetween: db.prepare(`
        SELECT json FROM decoder_events WHERE source_id = ? AND received_at >= ? AND received_at <= ? ORDER BY seq LIMIT ?`),
      logOfAlert: db.prepare('SELECT seq, uid, at, kind, level, source_id, alert_id, message FROM event_log WHERE alert_id = ? ORDER BY seq'),
      incompleteRecordings: db.prepare(`
        SELECT file, source_id, started_at, start_sample, duration_s, bytes, complete, cut_short, markers FROM recordings WHERE complete = 0`),
    };
  }

  // ---- writes ---------------------------------------------------------------------------

  /** Writes an alert as it stands now: the row, its locations, receptions (and their recording rows), acknowledgement. */
  saveAlert(r: AlertRecord): void {
    const st = this.st;
    this.db.transaction(() => {
      const first = r.receptions[0];
      const last = r.receptions[r.receptions.length - 1];
      st.upsertAlert.run({
        id: r.id,
        identity: r.identity,
        raw: r.raw,
        originator: r.originator,
        originatorName: r.originatorName,
        event: r.event,
        eventName: r.eventName,
        category: r.category,
        callsign: r.callsign,
        issuedAt: r.issuedAt,
        expiresAt: r.expiresAt,
        firstReceivedAt: first?.receivedAt ?? r.issuedAt,
        lastReceivedAt: last?.receivedAt ?? r.issuedAt,
        firstSourceId: first?.sourceId ?? 'unknown',
        places: r.locations.map((l) => l.name).join('; '),
        text: r.text,
        relevant: r.relevance.relevant ? 1 : 0,
        reasons: JSON.stringify(r.relevance.reasons),
      });
      const seq = (st.alertSeq.get(r.id) as { seq: number }).seq;
      r.locations.forEach((l, i) => st.insertLocation.run(seq, i, l.code, l.name));
      for (const x of r.receptions) {
        let recordingId: number | null = null;
        if (x.recordingFile) {
          st.ensureRecording.run(x.recordingFile, x.sourceId, x.receivedAt);
          recordingId = (st.recordingId.get(x.recordingFile) as { id: number }).id;
        }
        st.upsertReception.run({
          id: x.id,
          seq,
          sourceId: x.sourceId,
          receivedAt: x.receivedAt,
          bursts: x.bursts,
          bitConfidence: x.bitConfidence,
          sampleIndex: x.sampleIndex,
          recordingId,
        });
      }
      if (r.acknowledgement) st.insertAck.run(seq, r.acknowledgement.by, r.acknowledgement.at, r.acknowledgement.note);
    })();
  }

  saveRecording(r: RecordingRecord): void {
    this.st.upsertRecording.run({
      file: r.file,
      sourceId: r.sourceId,
      startedAt: r.startedAt,
      startSample: r.startSample,
      durationS: r.durationS,
      bytes: r.bytes,
      complete: r.complete ? 1 : 0,
      cutShort: r.cutShort ? 1 : 0,
      markers: JSON.stringify(r.markers),
    });
  }

  addDecoderEvent(e: DecoderEventT): void {
    this.st.insertEvent.run(e.id, e.sourceId, e.kind, e.receivedAt, JSON.stringify(e));
  }

  addLogEntry(e: EventLogEntry): void {
    this.st.insertLog.run(e);
  }

  // ---- reads ----------------------------------------------------------------------------

  findByIdentity(identity: string): { record: AlertRecord; recordings: Map<string, RecordingRecord> } | null {
    const row = this.st.byIdentity.get(identity) as AlertRow | undefined;
    return row ? this.withRecordings(this.records([row])) : null;
  }

  /** By alert id, or by the id of one of its receptions. */
  get(id: string): { record: AlertRecord; recordings: Map<string, RecordingRecord> } | null {
    let row = this.st.byId.get(id) as AlertRow | undefined;
    if (!row) {
      const owner = this.st.alertOfReception.get(id) as { id: string } | undefined;
      if (owner) row = this.st.byId.get(owner.id) as AlertRow | undefined;
    }
    return row ? this.withRecordings(this.records([row])) : null;
  }

  active(nowIso: string): { records: AlertRecord[]; recordings: Map<string, RecordingRecord> } {
    const records = this.records(this.st.active.all(nowIso) as AlertRow[]);
    return { records, recordings: this.recordingsOf(records) };
  }

  /** Alerts matching the filter, newest first, `limit` at a time. */
  page(filter: HistoryFilter, cursor: string | undefined, limit: number, nowIso: string): RecordPage {
    const w = historyWhere(filter, nowIso);
    const below = decodeCursor(cursor);
    const sql = `SELECT ${ALERT_COLS} FROM alerts a WHERE ${w.sql}${below !== null ? ' AND a.seq < @below' : ''} ORDER BY a.seq DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all({ ...w.params, below, limit: limit + 1 }) as AlertRow[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const records = this.records(rows);
    return { records, recordings: this.recordingsOf(records), nextCursor: more ? encodeCursor(rows[rows.length - 1]!.seq) : null };
  }

  /** The old alerts.list paging: newest first, older than the alert `beforeId`. */
  list(limit: number, beforeId: string | undefined, nowIso: string): RecordPage {
    if (!beforeId) return this.page({}, undefined, limit, nowIso);
    const row = this.st.alertSeq.get(beforeId) as { seq: number } | undefined;
    if (!row) return { records: [], recordings: new Map(), nextCursor: null };
    return this.page({}, encodeCursor(row.seq), limit, nowIso);
  }

  count(filter: HistoryFilter, nowIso: string): number {
    const w = historyWhere(filter, nowIso);
    return (this.db.prepare(`SELECT count(*) AS n FROM alerts a WHERE ${w.sql}`).get(w.params) as { n: number }).n;
  }

  /** The audio of an alert (its first reception with one) or of one reception, by id. */
  recordingFile(id: string): string | null {
    const a = this.st.alertFile.get(id) as { file: string } | undefined;
    if (a) return a.file;
    const r = this.st.receptionFile.get(id) as { file: string } | undefined;
    return r?.file ?? null;
  }

  recordings(files: string[]): Map<string, RecordingRecord> {
    const out = new Map<string, RecordingRecord>();
    if (files.length === 0) return out;
    for (const row of this.st.recordingsIn.all(JSON.stringify(files)) as RecordingRow[]) out.set(row.file, recordingFromRow(row));
    return out;
  }

  incompleteRecordings(): RecordingRecord[] {
    return (this.st.incompleteRecordings.all() as RecordingRow[]).map(recordingFromRow);
  }

  recentDecoderEvents(limit: number): DecoderEventT[] {
    const rows = this.st.recentEvents.all(limit) as Array<{ json: string }>;
    return parseEvents(rows).reverse();
  }

  decoderEventsBetween(sourceId: string, fromIso: string, toIso: string, limit = 200): DecoderEventT[] {
    return parseEvents(this.st.eventsBetween.all(sourceId, fromIso, toIso, limit) as Array<{ json: string }>);
  }

  eventLog(filter: EventLogFilter, cursor: string | undefined, limit: number): { entries: EventLogEntry[]; nextCursor: string | null } {
    const w = eventLogWhere(filter);
    const below = decodeCursor(cursor);
    const sql = `SELECT seq, uid, at, kind, level, source_id, alert_id, message FROM event_log e WHERE ${w.sql}${below !== null ? ' AND e.seq < @below' : ''} ORDER BY e.seq DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all({ ...w.params, below, limit: limit + 1 }) as EventLogRow[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return { entries: rows.map(logEntry), nextCursor: more ? encodeCursor(rows[rows.length - 1]!.seq) : null };
  }

  logOfAlert(alertId: string): EventLogEntry[] {
    return (this.st.logOfAlert.all(alertId) as EventLogRow[]).map(logEntry);
  }

  storage(): { alerts: number; recordings: number; recordingBytes: number; databaseBytes: number; oldestAlertAt: string | null } {
    const a = this.db.prepare('SELECT count(*) AS n, min(first_received_at) AS oldest FROM alerts').get() as { n: number; oldest: string | null };
    const r = this.db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM recordings').get() as { n: number; bytes: number };
    let databaseBytes = 0;
    if (this.file !== ':memory:') {
      for (const suffix of ['', '-wal']) {
        try {
          databaseBytes += statSync(this.file + suffix).size;
        } catch {
          // no WAL right after a checkpoint
        }
      }
    }
    return { alerts: a.n, recordings: r.n, recordingBytes: r.bytes, databaseBytes, oldestAlertAt: a.oldest };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- rows to records ------------------------------------------------------------------

  private withRecordings(records: AlertRecord[]): { record: AlertRecord; recordings: Map<string, RecordingRecord> } {
    return { record: records[0]!, recordings: this.recordingsOf(records) };
  }

  private recordingsOf(records: AlertRecord[]): Map<string, RecordingRecord> {
    const files = new Set<string>();
    for (const r of records) for (const x of r.receptions) if (x.recordingFile) files.add(x.recordingFile);
    return this.recordings([...files]);
  }

  private records(rows: AlertRow[]): AlertRecord[] {
    if (rows.length === 0) return [];
    const seqs = JSON.stringify(rows.map((r) => r.seq));
    const receptions = new Map<number, ReceptionRecord[]>();
    for (const x of this.st.receptionsOf.all(seqs) as ReceptionRow[]) {
      let list = receptions.get(x.alert_seq);
      if (!list) receptions.set(x.alert_seq, (list = []));
      list.push({
        id: x.id,
        sourceId: x.source_id,
        receivedAt: x.received_at,
        bursts: x.bursts,
        bitConfidence: x.bit_confidence,
        sampleIndex: x.sample_index,
        recordingFile: x.file,
      });
    }
    const locations = new Map<number, Array<{ code: string; name: string }>>();
    for (const l of this.st.locationsOf.all(seqs) as Array<{ alert_seq: number; code: string; name: string }>) {
      let list = locations.get(l.alert_seq);
      if (!list) locations.set(l.alert_seq, (list = []));
      list.push({ code: l.code, name: l.name });
    }
    const acks = new Map<number, AlertRecord['acknowledgement']>();
    for (const k of this.st.acksOf.all(seqs) as Array<{ alert_seq: number; by: string; at: string; note: string | null }>) {
      acks.set(k.alert_seq, { by: k.by, at: k.at, note: k.note });
    }
    return rows.map((r) => ({
      id: r.id,
      identity: r.identity,
      raw: r.raw,
      originator: r.originator,
      originatorName: r.originator_name,
      event: r.event,
      eventName: r.event_name,
      category: r.category,
      callsign: r.callsign,
      locations: locations.get(r.seq) ?? [],
      issuedAt: r.issued_at,
      expiresAt: r.expires_at,
      text: r.text,
      receptions: receptions.get(r.seq) ?? [],
      relevance: { relevant: r.relevant === 1, reasons: parseReasons(r.relevance_reasons) },
      acknowledgement: acks.get(r.seq) ?? null,
    }));
  }
}

function parseEvents(rows: Array<{ json: string }>): DecoderEventT[] {
  const out: DecoderEventT[] = [];
  for (const r of rows) {
    try {
      const p = DecoderEvent.safeParse(JSON.parse(r.json));
      if (p.success) out.push(p.data);
    } catch {
      // a damaged row is skipped, not fatal
    }
  }
  return out;
}

function logEntry(r: EventLogRow): EventLogEntry {
  return { id: r.uid, at: r.at, kind: r.kind, level: r.level, sourceId: r.source_id, alertId: r.alert_id, message: r.message };
}
