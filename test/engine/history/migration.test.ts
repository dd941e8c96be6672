import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertHistory } from '../../../electron/engine/alerts/history/alert-history';
import { schemaVersion } from '../../../electron/engine/alerts/history/history-db';
import { PRE_VERSION_SCHEMA_SQL, SCHEMA_VERSION } from '../../../electron/engine/alerts/history/migrations';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-migrate-'));
  dirs.push(d);
  return join(d, 'history.sqlite');
}

/**
 * The schema the console wrote before versions existed (the CREATE statements, shared with the
 * baseline migration, and the ALTER that added recording_file), and the rows its
 * addAlert/setRecording/addEvent wrote.
 */
function writeTodaysFile(file: string, withRecordingColumn = true): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(PRE_VERSION_SCHEMA_SQL);
  if (withRecordingColumn) db.exec('ALTER TABLE alerts ADD COLUMN recording_file TEXT');
  const insert = db.prepare('INSERT OR IGNORE INTO alerts (id, raw, source_id, received_at, expires_at, json) VALUES (?, ?, ?, ?, ?, ?)');
  const add = (id: string, raw: string, sourceId: string, receivedAt: string, event: string, eventName: string, category: string, expiresAt: string, locations: Array<{ code: string; name: string }>) => {
    const dto = {
      id, sourceId, raw, originator: 'WXR', originatorName: 'National Weather Service', event, eventName, category, locations,
      issuedAt: '2026-04-15T17:00:00.000Z', expiresAt, callsign: 'KEAX/NWS',
      text: `The National Weather Service has issued a ${eventName} for ${locations.map((l) => l.name).join(', ')}.`,
      receivedAt, active: true, recording: null,
    };
    insert.run(id, raw, sourceId, receivedAt, expiresAt, JSON.stringify(dto));
  };
  const TOR = 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-';
  const jackson = [{ code: '029095', name: 'Jackson County, MO' }];
  add('a1', TOR, 'demo', '2026-04-15T17:00:10.000Z', 'TOR', 'Tornado Warning', 'warning', '2026-04-15T17:30:00.000Z', jackson);
  add('a2', TOR, 'nwr', '2026-04-15T17:00:12.000Z', 'TOR', 'Tornado Warning', 'warning', '2026-04-15T17:30:00.000Z', jackson);
  add('b1', 'ZCZC-WXR-RWT-020173+0015-1051700-KICT/NWS-', 'nwr', '2026-04-15T17:01:00.000Z', 'RWT', 'Required Weekly Test', 'test', '2026-04-15T17:15:00.000Z', [{ code: '020173', name: 'Sedgwick County, KS' }]);
  add('a3', TOR, 'demo', '2026-04-15T17:10:00.000Z', 'TOR', 'Tornado Warning', 'warning', '2026-04-15T17:30:00.000Z', jackson);
  if (withRecordingColumn) {
    const setRecording = db.prepare("UPDATE alerts SET recording_file = ?, json = json_set(json, '$.recording', json(?)) WHERE id = ?");
    setRecording.run('/rec/a1.wav', JSON.stringify({ durationS: 20.5, complete: true }), 'a1');
    setRecording.run('/rec/a2.wav', JSON.stringify({ durationS: null, complete: false }), 'a2');
  }
  // A row whose JSON was damaged: its own columns still say what it was.
  db.prepare('INSERT INTO alerts (id, raw, source_id, received_at, expires_at, json) VALUES (?, ?, ?, ?, ?, ?)').run(
    'c1', 'ZCZC-CIV-CEM-029000+0100-1051730-MOSEMA  -', 'fm', '2026-04-15T17:31:00.000Z', '2026-04-15T18:30:00.000Z', '{broken',
  );
  const ev = db.prepare('INSERT INTO decoder_events (source_id, kind, received_at, json) VALUES (?, ?, ?, ?)');
  for (const [id, kind, at] of [['e1', 'attention', '2026-04-15T17:00:20.000Z'], ['e2', 'eom', '2026-04-15T17:00:40.000Z']]) {
    ev.run('demo', kind, at, JSON.stringify({ id, sourceId: 'demo', kind, receivedAt: at, sampleIndex: 5, raw: kind === 'eom' ? 'NNNN' : null, text: kind }));
  }
  // No close(): today's console is often killed, and WAL must carry the rows over.
}

describe('history migration', () => {
  it("migrates a file written by today's schema with nothing lost", () => {
    const file = tempFile();
    writeTodaysFile(file);
    const h = new AlertHistory(file);
    try {
      expect(schemaVersion(h.db)).toBe(SCHEMA_VERSION);
      expect(h.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(h.db.pragma('foreign_key_check')).toEqual([]);
      expect(h.db.pragma('foreign_keys', { simple: true })).toBe(1);

      const now = '2026-04-15T17:05:00.000Z';
      const { records, recordings } = h.page({}, undefined, 10, now);
      // Three messages: the TOR heard three times is one alert with three receptions.
      expect(records.map((r) => [r.id, r.event, r.receptions.map((x) => `${x.id}@${x.sourceId}`)])).toEqual([
        ['c1', 'CEM', ['c1@fm']],
        ['b1', 'RWT', ['b1@nwr']],
        ['a1', 'TOR', ['a1@demo', 'a2@nwr', 'a3@demo']],
      ]);
      const tor = records[2]!;
      expect(tor).toMatchObject({
        raw: 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-',
        eventName: 'Tornado Warning',
        category: 'warning',
        locations: [{ code: '029095', name: 'Jackson County, MO' }],
        issuedAt: '2026-04-15T17:00:00.000Z',
        expiresAt: '2026-04-15T17:30:00.000Z',
        relevance: { relevant: true, reasons: ['judged before relevance settings existed'] },
        acknowledgement: null,
      });
      expect(tor.receptions.map((x) => x.receivedAt)).toEqual(['2026-04-15T17:00:10.000Z', '2026-04-15T17:00:12.000Z', '2026-04-15T17:10:00.000Z']);
      expect(tor.receptions.map((x) => x.recordingFile)).toEqual(['/rec/a1.wav', '/rec/a2.wav', null]);
      expect(recordings.get('/rec/a1.wav')).toMatchObject({ durationS: 20.5, complete: true, cutShort: false });
      expect(recordings.get('/rec/a2.wav')).toMatchObject({ durationS: null, complete: false });
      // Every old id still names its alert and its audio (URLs the UI kept).
      expect(h.get('a3')!.record.id).toBe('a1');
      expect(h.recordingFile('a1')).toBe('/rec/a1.wav');
      expect(h.recordingFile('a2')).toBe('/rec/a2.wav');
      // The damaged row: header, source and times kept, names from the header itself.
      expect(records[0]).toMatchObject({ raw: 'ZCZC-CIV-CEM-029000+0100-1051730-MOSEMA  -', originator: 'CIV', event: 'CEM', expiresAt: '2026-04-15T18:30:00.000Z' });
      // Decoder events carried over, searchable text indexed, the cut recording due for repair.
      expect(h.recentDecoderEvents(10).map((e) => e.id)).toEqual(['e1', 'e2']);
      expect(h.page({ text: 'Jackson' }, undefined, 10, now).records.map((r) => r.id)).toEqual(['a1']);
      expect(h.incompleteRecordings().map((r) => r.file)).toEqual(['/rec/a2.wav']);
    } finally {
      h.close();
    }
    // Opening again changes nothing.
    const again = new AlertHistory(file);
    expect(again.page({}, undefined, 10, '2026-04-15T17:05:00.000Z').records).toHaveLength(3);
    again.close();
  });

  it('migrates a file from before recordings (no recording_file column)', () => {
    const file = tempFile();
    writeTodaysFile(file, false);
    const h = new AlertHistory(file);
    try {
      const { records } = h.page({}, undefined, 10, '2026-04-15T17:05:00.000Z');
      expect(records.map((r) => r.receptions.length)).toEqual([1, 1, 3]);
      expect(records.flatMap((r) => r.receptions.map((x) => x.recordingFile))).toEqual([null, null, null, null, null]);
    } finally {
      h.close();
    }
  });

  it('refuses a file from a newer console, naming what to do', () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new AlertHistory(file)).toThrow(/cannot open the alert history in .*newer console.*update the console or use another --data-dir/);
  });
});
