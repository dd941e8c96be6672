import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, EngineProblem, EventLogEntry } from '../../../electron/contract';
import { deskFixture, payloads, type DeskFixture } from './desk-fixture';

const HEADER = 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-';
const dirs: string[] = [];
const open: DeskFixture[] = [];
afterEach(() => {
  for (const f of open.splice(0)) f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture(): DeskFixture {
  const d = mkdtempSync(join(tmpdir(), 'eas-full-'));
  dirs.push(d);
  const f = deskFixture({ start: '2025-04-15T17:05:00Z', file: join(d, 'history.sqlite'), retryMs: 2000 });
  open.push(f);
  return f;
}

/**
 * The database refuses every write (SQLITE_READONLY), as a data dir remounted read-only does.
 * A full disk (SQLITE_FULL) takes the same path; test/reliability/alert-full-disk.test.ts fills a real one.
 */
function refuseWrites(f: DeskFixture): void {
  f.history.db.pragma('query_only = ON');
}

function allowWrites(f: DeskFixture): void {
  f.history.db.pragma('query_only = OFF');
}

describe('a history that cannot be written', () => {
  it('publishes the alert first, keeps it in memory, names the problem, and stores it when space returns', () => {
    const f = fixture();
    refuseWrites(f);
    f.desk.recording('nwr', { phase: 'start', file: '/rec/full.wav', startSample: 0, durationS: null, error: null });
    f.desk.decoder('nwr', { type: 'header', sample: 100, raw: HEADER, bursts: 3, bitConfidence: 0.999 });
    f.desk.decoder('nwr', { type: 'attention', phase: 'start', sample: 200_000, kind: 'nwr' });

    // Everything an operator sees happened: banner (alerts.changed), decoder event, stream title.
    const [alert] = f.desk.active();
    expect(alert).toMatchObject({ event: 'TOR', state: 'active' });
    expect(payloads<{ active: Alert[] }>(f, 'alerts.changed').at(-1)!.active.map((a) => a.id)).toEqual([alert!.id]);
    expect(f.pushed.filter((p) => p.name === 'decoder.event')).toHaveLength(2);
    expect(f.onAir.map(([id, a]) => [id, a?.event])).toEqual([['nwr', 'TOR']]);
    // Named, with the directory and what to do.
    expect(f.problems.list()).toEqual([
      {
        code: 'history_not_writable',
        message: expect.stringMatching(/^history not writable: read-only at \/data \(\d+ changes? waiting in memory, written when it can be: make the directory writable by this user, or start with --data-dir on a writable disk\)$/),
        since: '2025-04-15T17:05:00.000Z',
      },
    ]);
    expect(payloads<{ problems: EngineProblem[] }>(f, 'problems.changed').at(-1)!.problems[0]!.code).toBe('history_not_writable');
    expect(f.writes.failing).toBe('read-only');
    // Not in the database, yet listed (from memory) and its audio still found.
    expect(f.history.count({}, '2025-04-15T17:05:00Z')).toBe(0);
    expect(f.desk.page({}, undefined, 10).alerts.map((a) => a.id)).toEqual([alert!.id]);
    expect(f.desk.page({ events: ['SVR'] }, undefined, 10).alerts).toEqual([]);
    expect(f.desk.recordingFile(alert!.id)).toBe('/rec/full.wav');

    // Retries while full change nothing and lose nothing.
    f.clock.advance(2000);
    f.clock.advance(2000);
    expect(f.writes.pending).toBeGreaterThanOrEqual(3);
    expect(f.history.count({}, '2025-04-15T17:05:00Z')).toBe(0);
    // An acknowledgement meanwhile joins the queued alert's state (one write, the latest).
    f.desk.acknowledge(alert!.id, 'operator', 'heard it');

    allowWrites(f);
    f.clock.advance(2000);
    expect(f.problems.list()).toEqual([]);
    expect(f.writes.pending).toBe(0);
    const stored = f.history.page({}, undefined, 10, '2025-04-15T17:05:00Z').records;
    expect(stored.map((r) => [r.id, r.receptions[0]!.recordingFile, r.acknowledgement?.note])).toEqual([[alert!.id, '/rec/full.wav', 'heard it']]);
    expect(f.history.recentDecoderEvents(10).map((e) => e.kind)).toEqual(['header', 'attention']);
    expect(f.history.recordings(['/rec/full.wav']).get('/rec/full.wav')).toMatchObject({ complete: false, startSample: 0 });
    const logged = payloads<EventLogEntry>(f, 'events.logged').map((e) => e.message);
    expect(logged).toEqual([]); // the desk itself logs no recovery; the room says it (alert-room.ts)
    expect(f.history.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('drops the oldest log lines, never an alert, when the queue is long', () => {
    const f = fixture();
    refuseWrites(f);
    for (let i = 0; i < 30_000; i++) f.desk.eventLog.add('source', 'info', `line ${i}`);
    f.desk.decoder('nwr', { type: 'header', sample: 100, raw: HEADER, bursts: 3 });
    expect(f.writes.pending).toBeLessThanOrEqual(20_001);
    allowWrites(f);
    f.clock.advance(2000);
    expect(f.history.count({}, '2025-04-15T17:05:00Z')).toBe(1);
    const newest = f.history.eventLog({}, undefined, 1).entries[0]!;
    expect(newest.message).toBe('line 29999');
  });
});
