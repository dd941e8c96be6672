import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, EventLogEntry } from '../../electron/contract';
import { deskFixture, hearMessage, payloads, type DeskFixture } from './history/desk-fixture';
import { ManualClock } from './history/manual-clock';

const HEADER = 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-';
const OTHER = 'ZCZC-WXR-SVR-029095-029047+0100-1051705-KEAX/NWS-';

const open: DeskFixture[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const f of open.splice(0)) f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function desk(start: string, more: Partial<Parameters<typeof deskFixture>[0]> = {}): DeskFixture {
  const f = deskFixture({ start, ...more });
  open.push(f);
  return f;
}

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-desk-'));
  dirs.push(d);
  return join(d, 'history.sqlite');
}

describe('AlertDesk', () => {
  it('turns a header into an alert linked to its recording, and completes it when the recording ends', () => {
    const t = desk('2025-04-15T17:05:00Z');
    t.desk.recording('wx', { phase: 'start', file: '/rec/a.wav', startSample: 0, durationS: null, error: null });
    t.desk.decoder('wx', { type: 'header', sample: 1000, raw: HEADER, bursts: 3, bitConfidence: 0.999 });
    const [alert] = t.desk.active();
    expect(alert).toMatchObject({ raw: HEADER, sourceId: 'wx', event: 'TOR', state: 'active', recording: { durationS: null, complete: false, cutShort: false } });
    expect(alert!.receptions).toEqual([
      { id: alert!.id, sourceId: 'wx', receivedAt: '2025-04-15T17:05:00.000Z', bursts: 3, bitConfidence: 0.999, recording: { durationS: null, complete: false, cutShort: false, markers: [] } },
    ]);
    expect(t.desk.recordingFile(alert!.id)).toBe('/rec/a.wav');
    expect(t.onAir).toEqual([['wx', expect.objectContaining({ id: alert!.id, eventName: 'Tornado Warning' })]]);
    // Published before the decoder event goes out (and before it is stored).
    expect(t.pushed.filter((p) => p.name === 'alerts.changed' || p.name === 'decoder.event').map((p) => p.name)).toEqual(['alerts.changed', 'decoder.event']);
    expect(t.desk.recentEvents(10)).toMatchObject([{ kind: 'header', sourceId: 'wx', sampleIndex: 1000, raw: HEADER }]);

    t.desk.decoder('wx', { type: 'eom', sample: 90_000 });
    expect(t.onAir.at(-1)).toEqual(['wx', null]);
    t.desk.recording('wx', { phase: 'end', file: '/rec/a.wav', startSample: 0, durationS: 21.5, error: null });
    // The active set is the same alert, but it now carries the finished recording: pushed again.
    const last = payloads<{ active: Alert[] }>(t, 'alerts.changed').at(-1)!;
    const done = { durationS: 21.5, complete: true, cutShort: false, markers: [{ kind: 'eom', startS: 4.082, endS: null }] };
    expect(last.active[0]!.recording).toEqual(done);
    expect(t.desk.history(10)[0]!.recording).toEqual(done);
    expect(t.history.page({}, undefined, 10, new Date().toISOString()).records[0]!.receptions[0]!.recordingFile).toBe('/rec/a.wav');
  });

  it('expires an alert at its purge time (a timer, not a poll) and logs a failed recording', () => {
    const t = desk('2025-04-15T17:05:00Z');
    t.desk.decoder('wx', { type: 'header', sample: 0, raw: HEADER, bursts: 3 });
    expect(t.desk.active()).toHaveLength(1);
    // The next timer is the alert's expiry, 17:30.
    expect(t.clock.nextDue()).toBe(Date.parse('2025-04-15T17:30:00Z'));
    t.clock.advance('2025-04-15T17:29:59.999Z');
    expect(t.desk.active()).toHaveLength(1);
    const before = t.pushed.length;
    t.clock.advance('2025-04-15T17:30:00Z');
    expect(t.desk.active()).toEqual([]);
    // Pushed at that moment: the new active set and the alert itself, now expired.
    const pushedNow = t.pushed.slice(before);
    expect(pushedNow.find((p) => p.name === 'alerts.changed')!.payload).toEqual({ active: [] });
    const updated = pushedNow.find((p) => p.name === 'alerts.updated')!.payload as { alerts: Alert[] };
    expect(updated.alerts.map((a) => [a.event, a.state, a.active])).toEqual([['TOR', 'expired', false]]);
    expect(t.desk.history(10)[0]!.state).toBe('expired');

    t.desk.recording('wx', { phase: 'start', file: '/rec/b.wav', startSample: 0, durationS: null, error: null });
    t.desk.recording('wx', { phase: 'end', file: '/rec/b.wav', startSample: 0, durationS: 3, error: 'disk full' });
    expect(t.lines).toEqual(['wx: disk full']);
    expect(t.problems.list()).toMatchObject([{ code: 'recording_failed', message: 'alert recording failed on wx: disk full' }]);
    // Another input recording fine does not make wx's failure go away; wx's own success does.
    t.desk.recording('fm', { phase: 'start', file: '/rec/c.wav', startSample: 0, durationS: null, error: null });
    t.desk.recording('fm', { phase: 'end', file: '/rec/c.wav', startSample: 0, durationS: 3, error: null });
    expect(t.problems.list()).toMatchObject([{ code: 'recording_failed', message: 'alert recording failed on wx: disk full' }]);
    t.desk.recording('wx', { phase: 'start', file: '/rec/d.wav', startSample: 0, durationS: null, error: null });
    t.desk.recording('wx', { phase: 'end', file: '/rec/d.wav', startSample: 0, durationS: 3, error: null });
    expect(t.problems.list()).toEqual([]);
  });

  it('describes attention signals and bursts, stores all but bursts, and ignores link changes', () => {
    const t = desk('2025-04-15T17:05:00Z');
    t.desk.decoder('wx', { type: 'link', sample: 0, state: 'carrier' });
    t.desk.decoder('wx', { type: 'burst', sample: 1, text: HEADER, bitErrorEstimate: 0.01 });
    t.desk.decoder('wx', { type: 'attention', phase: 'start', sample: 2, kind: 'nwr' });
    t.desk.decoder('wx', { type: 'attention', phase: 'end', sample: 3, kind: 'nwr', durationS: 8.04 });
    expect(t.desk.recentEvents(10).map((e) => [e.kind, e.text])).toEqual([
      ['burst', null],
      ['attention', 'Attention signal (nwr) started'],
      ['attention', 'Attention signal (nwr) ended after 8.0 s'],
    ]);
    expect(t.history.recentDecoderEvents(10).map((e) => e.kind)).toEqual(['attention', 'attention']);
  });

  it('two sources each hearing the same header (three bursts) give one alert with two receptions; another header is another alert', () => {
    const t = desk('2025-04-15T17:01:00Z');
    const a = hearMessage(t, 'nwr', HEADER);
    expect(a.filter((e) => e.type === 'burst')).toHaveLength(6); // three header bursts, three EOM bursts
    expect(a.filter((e) => e.type === 'header')).toMatchObject([{ bursts: 3 }]);
    hearMessage(t, 'fm', HEADER);
    expect(t.desk.active()).toHaveLength(1);
    const [alert] = t.desk.active();
    expect(alert!.receptions.map((r) => [r.sourceId, r.bursts])).toEqual([
      ['nwr', 3],
      ['fm', 3],
    ]);
    expect(alert!.receptions.every((r) => r.bitConfidence !== null && r.bitConfidence > 0.98)).toBe(true);
    expect(alert!.lastReceivedAt > alert!.receivedAt).toBe(true);

    hearMessage(t, 'nwr', OTHER);
    expect(t.desk.active().map((x) => x.event)).toEqual(['TOR', 'SVR']);
    const rows = t.desk.page({}, undefined, 10);
    expect(rows.alerts.map((x) => [x.event, x.receptions.length, [...new Set(x.receptions.map((r) => r.sourceId))]])).toEqual([
      ['SVR', 1, ['nwr']],
      ['TOR', 2, ['nwr', 'fm']],
    ]);
    expect(t.history.count({}, new Date(t.clock.now()).toISOString())).toBe(2);
  });

  it('a repeat heard after a restart joins the stored alert', () => {
    const file = tempFile();
    const first = desk('2025-04-15T17:01:00Z', { file });
    first.desk.decoder('nwr', { type: 'header', sample: 0, raw: HEADER, bursts: 3 });
    first.close();
    open.splice(open.indexOf(first), 1);
    const second = desk('2025-04-15T17:11:00Z', { file });
    expect(second.desk.active().map((a) => a.receptions.length)).toEqual([1]);
    second.desk.decoder('nwr', { type: 'header', sample: 0, raw: HEADER, bursts: 2 });
    expect(second.desk.active().map((a) => a.receptions.map((r) => r.bursts))).toEqual([[3, 2]]);
    // A two-burst header is a decoder anomaly, in the event log.
    const logged = payloads<EventLogEntry>(second, 'events.logged');
    expect(logged).toMatchObject([{ kind: 'decoder', level: 'warn', sourceId: 'nwr', message: 'nwr: TOR header decoded from 2 of 3 bursts' }]);
    expect(second.history.eventLog({}, undefined, 10).entries.map((e) => e.message)).toEqual(['nwr: TOR header decoded from 2 of 3 bursts']);
  });

  it('acknowledges separately from expiry, says by whom, and keeps it across a restart', () => {
    const file = tempFile();
    const clock = new ManualClock('2025-04-15T17:05:00Z');
    const first = desk('', { file, clock });
    first.desk.decoder('nwr', { type: 'header', sample: 0, raw: HEADER, bursts: 3 });
    const id = first.desk.active()[0]!.id;
    clock.advance('2025-04-15T17:06:00Z');
    const acked = first.desk.acknowledge(id, 'serve client 10.0.0.7', 'called the PD');
    expect(acked).toMatchObject({ state: 'active', acknowledgement: { by: 'serve client 10.0.0.7', at: '2025-04-15T17:06:00.000Z', note: 'called the PD' } });
    // Acknowledging again keeps the first.
    expect(first.desk.acknowledge(id, 'operator', undefined).acknowledgement!.by).toBe('serve client 10.0.0.7');
    expect(payloads<{ active: Alert[] }>(first, 'alerts.changed').at(-1)!.active[0]!.acknowledgement).not.toBeNull();
    first.close();
    open.splice(open.indexOf(first), 1);

    // Restarted after the purge time: expired, still acknowledged.
    clock.advance('2025-04-15T18:00:00Z');
    const second = desk('', { file, clock });
    expect(second.desk.active()).toEqual([]);
    const [stored] = second.desk.page({ acknowledged: true }, undefined, 10).alerts;
    expect(stored).toMatchObject({ id, state: 'expired', acknowledgement: { by: 'serve client 10.0.0.7', note: 'called the PD' } });
    expect(second.desk.page({ acknowledged: false }, undefined, 10).alerts).toEqual([]);
    expect(() => second.desk.acknowledge('nope', 'operator', undefined)).toThrow(/no alert nope/);
  });

  it('an alert restored after a restart still expires on time', () => {
    const file = tempFile();
    const clock = new ManualClock('2025-04-15T17:05:00Z');
    const first = desk('', { file, clock });
    first.desk.decoder('nwr', { type: 'header', sample: 0, raw: HEADER, bursts: 3 });
    first.close();
    open.splice(open.indexOf(first), 1);
    clock.advance('2025-04-15T17:20:00Z');
    const second = desk('', { file, clock });
    expect(second.desk.active()).toHaveLength(1);
    clock.advance('2025-04-15T17:30:00Z');
    expect(second.desk.active()).toEqual([]);
    expect(payloads<{ active: Alert[] }>(second, 'alerts.changed').at(-1)).toEqual({ active: [] });
  });

  it('details an alert: purge, deviations, the decoder events around each reception, its log', () => {
    const t = desk('2025-04-15T17:01:00Z');
    hearMessage(t, 'nwr', HEADER);
    t.desk.decoder('fm', { type: 'header', sample: 0, raw: HEADER, bursts: 2 });
    const id = t.desk.active()[0]!.id;
    const d = t.desk.detail(id);
    expect(d).toMatchObject({ purge: '+0030', deviations: [], alert: { id, receptions: [{ sourceId: 'nwr' }, { sourceId: 'fm' }] } });
    expect(d.decoderEvents.map((e) => `${e.sourceId}:${e.kind}`)).toEqual(['nwr:header', 'nwr:attention', 'nwr:attention', 'nwr:eom', 'fm:header']);
    expect(d.log.map((e) => e.message)).toEqual(['fm: TOR header decoded from 2 of 3 bursts']);
    // A reception's id finds its alert too.
    expect(t.desk.detail(d.alert.receptions[1]!.id).alert.id).toBe(id);
    expect(() => t.desk.detail('nope')).toThrow(/no alert nope/);
  });

  it('a listener that throws stops neither the stream title nor the history', () => {
    const t = desk('2025-04-15T17:05:00Z');
    t.events.on('alerts.changed', () => {
      throw new Error('a broken UI transport');
    });
    t.desk.decoder('nwr', { type: 'header', sample: 0, raw: HEADER, bursts: 3 });
    expect(t.onAir.map(([id, a]) => [id, a?.event])).toEqual([['nwr', 'TOR']]);
    expect(t.pushed.filter((p) => p.name === 'decoder.event')).toHaveLength(1);
    expect(t.history.count({}, '2025-04-15T17:05:00Z')).toBe(1);
  });

  it('judges relevance with the settings of the moment, and again for active alerts when they change', () => {
    const t = desk('2025-04-15T17:05:00Z', {
      relevance: { locations: ['020173'], allowEvents: [], denyEvents: [], originators: [], ignoreTests: false },
    });
    t.desk.decoder('nwr', { type: 'header', sample: 0, raw: HEADER, bursts: 3 });
    expect(t.desk.active()[0]!.relevance).toEqual({ relevant: false, reasons: ['no location of interest: alert for 029095 Jackson County, MO'] });
    t.relevance.locations = ['029000'];
    t.desk.relevanceChanged();
    expect(t.desk.active()[0]!.relevance).toEqual({ relevant: true, reasons: ['matches 029095 Jackson County, MO (in 029000 All of Missouri)'] });
    expect(t.desk.page({ relevant: true }, undefined, 10).alerts).toHaveLength(1);
  });
});
