import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLogEntry, RetentionSettings } from '../../../electron/contract';
import type { AlertRecord, RecordingRecord } from '../../../electron/engine/alerts/alert-record';
import { Retention } from '../../../electron/engine/alerts/history/retention';
import { deskFixture, makeRecord, payloads, type DeskFixture } from './desk-fixture';

const MB = 1024 * 1024;
const dirs: string[] = [];
const open: DeskFixture[] = [];
afterEach(() => {
  for (const f of open.splice(0)) f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NOW = '2026-06-01T12:00:00.000Z';
const RELEVANT = { locations: ['029095'], allowEvents: [], denyEvents: [], originators: [], ignoreTests: false };

function setup(settings: RetentionSettings) {
  const dir = mkdtempSync(join(tmpdir(), 'eas-retention-'));
  dirs.push(dir);
  const f = deskFixture({ start: NOW, file: join(dir, 'history.sqlite') });
  open.push(f);
  const forgotten: string[] = [];
  const retention = new Retention({ history: f.history, settings: () => settings, eventLog: f.desk.eventLog, timers: f.clock, onDeleted: (ids) => forgotten.push(...ids) });
  const recording = (name: string, startedAt: string, bytes: number, complete = true): RecordingRecord => {
    const file = join(dir, 'recordings', startedAt.slice(0, 10), `${name}.wav`);
    mkdirSync(join(dir, 'recordings', startedAt.slice(0, 10)), { recursive: true });
    writeFileSync(file, 'RIFF');
    const r: RecordingRecord = { file, sourceId: 'nwr', startedAt, startSample: 0, durationS: 10, bytes, complete, cutShort: false, markers: [] };
    f.history.saveRecording(r);
    return r;
  };
  const alert = (id: string, raw: string, at: string, opts: { relevant?: boolean; acked?: boolean; file?: string; expiresAt?: string } = {}): AlertRecord => {
    const r = makeRecord(raw, at, ['nwr'], opts.relevant === false ? { ...RELEVANT, locations: ['048001'] } : RELEVANT, id);
    if (opts.acked) r.acknowledgement = { by: 'operator', at, note: null };
    if (opts.file) r.receptions[0]!.recordingFile = opts.file;
    if (opts.expiresAt) r.expiresAt = opts.expiresAt;
    f.history.saveAlert(r);
    return r;
  };
  return { f, retention, recording, alert, forgotten, ids: () => f.history.page({}, undefined, 100, NOW).records.map((r) => r.id) };
}

describe('retention', () => {
  it('deletes by age, never an active alert or an unacknowledged relevant one, and logs what it did', () => {
    const t = setup({ maxAgeDays: 30, maxRecordingsMb: null });
    const old = '2026-04-15T17:00:30Z';
    const oldRec = t.recording('old', old, 2 * MB);
    const sharedRec = t.recording('shared', old, 2 * MB);
    t.alert('old-noise', 'ZCZC-WXR-SVR-020173+0100-1051700-KICT/NWS-', old, { relevant: false, file: oldRec.file });
    t.alert('old-acked', 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-', old, { acked: true, file: sharedRec.file });
    t.alert('old-unacked', 'ZCZC-WXR-FFW-029095+0300-1051700-KEAX/NWS-', old);
    t.alert('old-active', 'ZCZC-WXR-FFA-029095+9900-1051700-KEAX/NWS-', old, { expiresAt: '2026-06-02T00:00:00.000Z' });
    // The shared recording also holds a recent alert's repeat: it stays.
    t.alert('recent', 'ZCZC-WXR-SVR-020173+0100-1521100-KICT/NWS-', '2026-06-01T11:00:30Z', { relevant: false, file: sharedRec.file });
    t.f.history.addDecoderEvent({ id: 'old-ev', sourceId: 'nwr', kind: 'eom', receivedAt: old, sampleIndex: 0, raw: 'NNNN', text: 'End of message' });
    t.f.history.addDecoderEvent({ id: 'new-ev', sourceId: 'nwr', kind: 'eom', receivedAt: NOW, sampleIndex: 0, raw: 'NNNN', text: 'End of message' });

    const report = t.retention.run('manual');
    expect(report).toEqual({ at: NOW, trigger: 'manual', deletedAlerts: 2, deletedRecordings: 1, freedBytes: 2 * MB, kept: 2 });
    expect(t.ids()).toEqual(['recent', 'old-active', 'old-unacked']);
    expect(t.forgotten.sort()).toEqual(['old-acked', 'old-noise']);
    expect(existsSync(oldRec.file)).toBe(false);
    expect(existsSync(sharedRec.file)).toBe(true);
    expect(t.f.history.recordingFile('recent')).toBe(sharedRec.file);
    expect(t.f.history.recentDecoderEvents(10).map((e) => e.id)).toEqual(['new-ev']);
    expect(t.f.history.db.pragma('foreign_key_check')).toEqual([]);
    const logged = payloads<EventLogEntry>(t.f, 'events.logged').filter((e) => e.kind === 'retention');
    expect(logged.map((e) => e.message)).toEqual([
      'retention (manual): deleted 2 alerts and 1 recordings (2.0 MB); kept 2 past the age limit (active, or relevant and not acknowledged)',
    ]);
    expect(t.f.history.eventLog({ kinds: ['retention'] }, undefined, 10).entries).toHaveLength(1);
  });

  it('trims recordings oldest first to the size limit, keeping the alerts and protected or unfinished audio', () => {
    const t = setup({ maxAgeDays: null, maxRecordingsMb: 10 });
    const r1 = t.recording('r1', '2026-06-01T08:00:00.000Z', 6 * MB);
    const r2 = t.recording('r2', '2026-06-01T09:00:00.000Z', 6 * MB);
    const r3 = t.recording('r3', '2026-06-01T10:00:00.000Z', 6 * MB);
    const guarded = t.recording('guarded', '2026-06-01T07:00:00.000Z', 6 * MB);
    const writing = t.recording('writing', '2026-06-01T06:00:00.000Z', 6 * MB, false);
    t.alert('a1', 'ZCZC-WXR-SVR-029095+0100-1520800-KEAX/NWS-', '2026-06-01T08:00:30Z', { acked: true, file: r1.file });
    t.alert('a2', 'ZCZC-WXR-SVR-029095+0100-1520900-KEAX/NWS-', '2026-06-01T09:00:30Z', { acked: true, file: r2.file });
    t.alert('a3', 'ZCZC-WXR-SVR-029095+0100-1521000-KEAX/NWS-', '2026-06-01T10:00:30Z', { acked: true, file: r3.file });
    t.alert('g', 'ZCZC-WXR-TOR-029095+0030-1520700-KEAX/NWS-', '2026-06-01T07:00:30Z', { file: guarded.file });
    t.alert('w', 'ZCZC-WXR-TOR-029095+0030-1520600-KEAX/NWS-', '2026-06-01T06:00:30Z', { acked: true, file: writing.file });

    const report = t.retention.run('daily');
    // 30 MB held; r1, r2 and r3 may go (the others are protected or unfinished): oldest first until 10 MB would be met.
    expect(report).toMatchObject({ deletedAlerts: 0, deletedRecordings: 3, freedBytes: 18 * MB });
    expect([r1, r2, r3].map((r) => existsSync(r.file))).toEqual([false, false, false]);
    expect([guarded, writing].map((r) => existsSync(r.file))).toEqual([true, true]);
    expect(t.ids()).toEqual(['w', 'g', 'a3', 'a2', 'a1']);
    expect(t.f.history.recordingFile('a1')).toBeNull();
    expect(t.f.history.recordingFile('g')).toBe(guarded.file);
  });

  it('runs daily on its own timer', () => {
    const t = setup({ maxAgeDays: 30, maxRecordingsMb: null });
    t.alert('old', 'ZCZC-WXR-SVR-020173+0100-1051700-KICT/NWS-', '2026-04-15T17:00:30Z', { relevant: false });
    t.retention.startDaily();
    expect(t.ids()).toEqual(['old']);
    t.f.clock.advance(11 * 60_000);
    expect(t.ids()).toEqual([]);
    expect(t.retention.lastReport).toMatchObject({ trigger: 'daily', deletedAlerts: 1 });
    t.alert('old2', 'ZCZC-WXR-SVR-020173+0100-1051705-KICT/NWS-', '2026-04-15T17:05:30Z', { relevant: false });
    t.f.clock.advance(23 * 3_600_000);
    expect(t.ids()).toEqual(['old2']);
    t.f.clock.advance(3_600_000);
    expect(t.ids()).toEqual([]);
    t.retention.stop();
  });
});
