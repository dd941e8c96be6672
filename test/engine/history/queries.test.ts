import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { Alert, ContractError, type DecoderEvent, type HistoryFilter, type RelevanceSettings } from '../../../electron/contract';
import { parseCsv } from '../../../electron/core/alerts';
import { AlertHistory } from '../../../electron/engine/alerts/history/alert-history';
import { CSV_COLUMNS, csvRow, exportStream } from '../../../electron/engine/alerts/history/history-export';
import { deskFixture, makeRecord, type DeskFixture } from './desk-fixture';

const dirs: string[] = [];
const open: DeskFixture[] = [];
afterEach(() => {
  for (const f of open.splice(0)) f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-history-'));
  dirs.push(d);
  return join(d, 'history.sqlite');
}

const NOW = '2026-04-15T17:20:00.000Z';
const JACKSON: RelevanceSettings = { locations: ['029095'], allowEvents: [], denyEvents: [], originators: [], ignoreTests: false };

/** A station's afternoon: what each filter below should find is named in the comments. */
function fill(h: AlertHistory): void {
  const rel = JACKSON;
  const tor = makeRecord('ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-', '2026-04-15T17:00:30Z', ['nwr', 'fm'], rel, 'tor');
  const svr = makeRecord('ZCZC-WXR-SVR-020173+0100-1051705-KICT/NWS-', '2026-04-15T17:05:30Z', ['nwr'], rel, 'svr');
  const rwt = makeRecord('ZCZC-WXR-RWT-029000+0015-1051600-KEAX/NWS-', '2026-04-15T16:00:30Z', ['nwr'], rel, 'rwt');
  const cem = makeRecord('ZCZC-CIV-CEM-000000+0100-1051710-FEMA    -', '2026-04-15T17:10:30Z', ['fm'], rel, 'cem');
  const ffw = makeRecord('ZCZC-WXR-FFW-029047+0300-1051712-KEAX/NWS-', '2026-04-15T17:12:30Z', ['stream'], rel, 'ffw');
  ffw.acknowledgement = { by: 'operator', at: '2026-04-15T17:13:00.000Z', note: 'river watch' };
  for (const r of [rwt, tor, svr, cem, ffw]) h.saveAlert(r);
}

describe('alert history queries', () => {
  it('keeps history across a reopen without close (a crash), newest first, paged', () => {
    const file = tempFile();
    const a = new AlertHistory(file);
    fill(a);
    const ev: DecoderEvent = { id: 'e1', sourceId: 'demo', kind: 'eom', receivedAt: '2026-04-15T17:01:00.000Z', sampleIndex: 5, raw: 'NNNN', text: 'End of message' };
    a.addDecoderEvent(ev);
    a.addDecoderEvent(ev); // a retried write does not double it
    const b = new AlertHistory(file);
    expect(b.page({}, undefined, 10, NOW).records.map((r) => r.id)).toEqual(['ffw', 'cem', 'svr', 'tor', 'rwt']);
    expect(b.list(2, 'svr', NOW).records.map((r) => r.id)).toEqual(['tor', 'rwt']);
    expect(b.recentDecoderEvents(10)).toEqual([ev]);
    expect(b.active(NOW).records.map((r) => r.id)).toEqual(['tor', 'svr', 'cem', 'ffw']);
    b.close();
    a.close();
  });

  it.each<[string, HistoryFilter, string[]]>([
    ['everything', {}, ['ffw', 'cem', 'svr', 'tor', 'rwt']],
    ['events', { events: ['TOR', 'FFW'] }, ['ffw', 'tor']],
    ['originator', { originators: ['CIV'] }, ['cem']],
    // A county finds its own alerts, its state's and the nation's, as relevance matches.
    ['location code (county)', { location: '029095' }, ['cem', 'tor', 'rwt']],
    ['location code (state)', { location: '020000' }, ['cem', 'svr']],
    ['location code without the part digit', { location: '29047' }, ['ffw', 'cem', 'rwt']],
    ['location name', { location: 'Sedgwick' }, ['svr']],
    ['county name in the text', { text: 'Jackson County' }, ['tor']],
    ['words and a prefix', { text: 'tornado warn' }, ['tor']],
    ['station id in the header', { text: 'KICT' }, ['svr']],
    ['FTS syntax is text, not a query', { text: '"AND* NEAR(:' }, []],
    ['relevant only', { relevant: true }, ['cem', 'tor', 'rwt']],
    ['not relevant', { relevant: false }, ['ffw', 'svr']],
    ['acknowledged', { acknowledged: true }, ['ffw']],
    ['unacknowledged relevant', { acknowledged: false, relevant: true }, ['cem', 'tor', 'rwt']],
    ['active', { state: 'active' }, ['ffw', 'cem', 'svr', 'tor']],
    ['expired', { state: 'expired' }, ['rwt']],
    ['heard on a source', { sourceId: 'fm' }, ['cem', 'tor']],
    ['date range', { from: '2026-04-15T17:00:00Z', to: '2026-04-15T17:10:00Z' }, ['svr', 'tor']],
    ['time zone offsets in the range', { from: '2026-04-15T12:00:00-05:00', to: '2026-04-15T12:06:00-05:00' }, ['svr', 'tor']],
    ['everything at once', { events: ['TOR'], originators: ['WXR'], location: '029000', text: 'jackson', relevant: true, acknowledged: false, state: 'active', sourceId: 'nwr' }, ['tor']],
  ])('filter: %s', (_name, filter, ids) => {
    const h = new AlertHistory(':memory:');
    try {
      fill(h);
      expect(h.page(filter, undefined, 100, NOW).records.map((r) => r.id)).toEqual(ids);
      expect(h.count(filter, NOW)).toBe(ids.length);
    } finally {
      h.close();
    }
  });

  it('pages with an opaque cursor, never repeating or skipping a row', () => {
    const h = new AlertHistory(':memory:');
    try {
      for (let i = 0; i < 25; i++) {
        const minute = String(i).padStart(2, '0');
        h.saveAlert(makeRecord(`ZCZC-WXR-SVR-029095+0100-10516${minute}-KEAX/NWS-`, `2026-04-15T16:${minute}:30Z`, ['nwr'], undefined, `a${i}`));
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      const sizes: number[] = [];
      do {
        const p = h.page({ events: ['SVR'] }, cursor, 10, NOW);
        sizes.push(p.records.length);
        seen.push(...p.records.map((r) => r.id));
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      expect(sizes).toEqual([10, 10, 5]);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `a${24 - i}`));
      expect(() => h.page({}, 'not-a-cursor', 10, NOW)).toThrow(ContractError);
    } finally {
      h.close();
    }
  });

  it('exports a filtered set as CSV and JSON, streamed, that read back equal to the query', async () => {
    const f = deskFixture({ start: NOW, file: tempFile() });
    open.push(f);
    fill(f.history);
    for (let i = 0; i < 1200; i++) {
      const t = new Date(Date.parse('2026-04-14T00:00:00Z') + i * 60_000);
      const jjjhhmm = `104${String(t.getUTCHours()).padStart(2, '0')}${String(t.getUTCMinutes()).padStart(2, '0')}`;
      f.history.saveAlert(makeRecord(`ZCZC-WXR-SVS-029095+0015-${jjjhhmm}-KEAX/NWS-`, t.toISOString(), ['nwr'], undefined, `s${i}`));
    }
    const filter: HistoryFilter = { location: '029095' };
    const all: Alert[] = [];
    let cursor: string | undefined;
    do {
      const p = f.desk.page(filter, cursor, 100);
      all.push(...p.alerts);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toHaveLength(1203); // across three export pages

    const page = (c: string | undefined, limit: number) => f.desk.page(filter, c, limit);
    const json = JSON.parse(await text(exportStream(page, 'json'))) as unknown[];
    expect(json.map((x) => Alert.parse(x))).toEqual(all);

    const rows = parseCsv(await text(exportStream(page, 'csv')));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1)).toEqual(all.map((a) => parseCsv(csvRow(a))[0]));
    const tor = rows.find((r) => r[0] === 'tor')!;
    const col = (name: (typeof CSV_COLUMNS)[number]) => tor[CSV_COLUMNS.indexOf(name)];
    expect([col('event_name'), col('sources'), col('receptions'), col('location_names'), col('relevant')]).toEqual(['Tornado Warning', 'nwr;fm', '2', 'Jackson County, MO', 'yes']);

    // Empty results are still well-formed files.
    expect(JSON.parse(await text(exportStream((c, l) => f.desk.page({ events: ['EAN'] }, c, l), 'json')))).toEqual([]);
    expect(await text(exportStream((c, l) => f.desk.page({ events: ['EAN'] }, c, l), 'csv'))).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });
});
