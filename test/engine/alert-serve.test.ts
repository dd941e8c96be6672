import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { alertExportPath, type Alert, type ServerMessage } from '../../electron/contract';
import { parseCsv } from '../../electron/core/alerts';
import { CSV_COLUMNS } from '../../electron/engine/alerts/history/history-export';
import { startTestStation, type TestStation } from '../helpers/station';
import { waitFor, within } from '../helpers/wait';

const TOKEN = 'test-token-alert-serve-0123';
let station: TestStation;

beforeAll(async () => {
  station = await startTestStation(TOKEN, {
    sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?first=0.5&every=0', priority: 10, enabled: true }],
  });
});

afterAll(async () => {
  await station?.cleanup();
});

/** A WebSocket client of the console, as a second PC would be. */
async function client(): Promise<{ call: (cmd: string, args: unknown) => Promise<unknown>; events: Array<{ name: string; payload: unknown }>; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${station.server.port}/ws`, { headers: { authorization: `Bearer ${TOKEN}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<number, (m: ServerMessage) => void>();
  const events: Array<{ name: string; payload: unknown }> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as ServerMessage;
    if (m.t === 'result') pending.get(m.id)?.(m);
    else if (m.t === 'event') events.push({ name: m.name, payload: m.payload });
  });
  let id = 0;
  return {
    events,
    close: () => ws.close(),
    call: (cmd, args) =>
      new Promise((resolve, reject) => {
        const n = ++id;
        const timer = setTimeout(() => reject(new Error(`no answer to ${cmd} within 10 s`)), 10_000);
        pending.set(n, (m) => {
          clearTimeout(timer);
          if (m.t === 'result' && m.ok) resolve(m.value);
          else reject(new Error(JSON.stringify(m)));
        });
        ws.send(JSON.stringify({ t: 'call', id: n, cmd, args }));
      }),
  };
}

describe('the alert desk over serve', () => {
  it('acknowledges as "serve client ADDRESS", pushes the change, and exports the history as a download', async () => {
    const { te, base } = station;
    const [alert] = await waitFor('the demo RWT', async () => {
      const l = await te.engine.call('alerts.active', {});
      return l.length > 0 ? l : null;
    }, 30_000);
    const c = await client();
    try {
      const acked = (await c.call('alerts.acknowledge', { id: alert!.id, note: 'weekly test heard' })) as Alert;
      expect(acked.acknowledgement).toMatchObject({ by: expect.stringMatching(/^serve client (::ffff:)?127\.0\.0\.1$/), note: 'weekly test heard' });
      await waitFor('alerts.updated with the acknowledgement', () =>
        c.events.some((e) => e.name === 'alerts.updated' && (e.payload as { alerts: Alert[] }).alerts.some((a) => a.id === alert!.id && a.acknowledgement !== null)),
      );
      // In-process callers are the desktop operator; the first acknowledgement stays.
      expect((await te.engine.call('alerts.acknowledge', { id: alert!.id })).acknowledgement!.by).toBe(acked.acknowledgement!.by);
      const page = (await c.call('alerts.history', { filter: { acknowledged: true, events: ['RWT'] } })) as { alerts: Alert[]; nextCursor: string | null };
      expect(page.alerts.map((a) => a.id)).toEqual([alert!.id]);
      expect(((await c.call('locations.search', { query: 'jackson mo' })) as unknown[])[0]).toEqual({ code: '029095', name: 'Jackson County, MO', kind: 'county' });
    } finally {
      c.close();
    }

    const status = (await (await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { problems: unknown[] };
    expect(status.problems).toEqual([]);

    const url = `${base}/api/${alertExportPath({ events: ['RWT'], acknowledged: true }, 'csv')}`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="eas-alerts-.*\.csv"$/);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => [r[0], r[CSV_COLUMNS.indexOf('event')], r[CSV_COLUMNS.indexOf('acknowledgement_note')]])).toEqual([[alert!.id, 'RWT', 'weekly test heard']]);
    const json = (await (await fetch(`${base}/api/${alertExportPath({}, 'json')}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Alert[];
    expect(json.map((a) => a.id)).toEqual([alert!.id]);
    const badExport = await fetch(`${base}/api/alerts/export.csv?relevant=maybe`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(badExport.status).toBe(400);
    expect(await badExport.text()).toMatch(/^filter\.relevant: /);
  }, 60_000);

  it('relevance settings round-trip, are checked field by field, and re-judge the active alert', async () => {
    const { te } = station;
    const before = await te.engine.call('settings.get', {});
    expect(before.alerts.relevance).toEqual({ locations: [], allowEvents: [], denyEvents: [], originators: [], ignoreTests: false });
    expect(before.timeZone).toBeNull();
    await expect(
      te.engine.call('settings.update', { alerts: { ...before.alerts, relevance: { ...before.alerts.relevance, locations: ['29095'] } } }),
    ).rejects.toMatchObject({ code: 'invalid_settings', field: 'alerts.relevance.locations.0' });
    await expect(te.engine.call('settings.update', { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ field: 'timeZone' });
    const changed = new Promise<Alert[]>((resolve) => te.engine.once('alerts.changed', ({ active }) => resolve(active)));
    const after = await te.engine.call('settings.update', {
      alerts: { ...before.alerts, relevance: { ...before.alerts.relevance, ignoreTests: true } },
      timeZone: 'America/Chicago',
    });
    expect(after).toMatchObject({ timeZone: 'America/Chicago', alerts: { relevance: { ignoreTests: true } } });
    const [rwt] = await within('alerts.changed after the relevance settings changed', changed, 10_000);
    expect(rwt!.relevance).toEqual({ relevant: false, reasons: ['event RWT ignored by setting (ignore tests)'] });
  });
});
