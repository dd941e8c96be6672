import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, DecoderEvent } from '../../electron/contract';
import { AlertStore } from '../../electron/engine/alerts/alert-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-store-'));
  dirs.push(d);
  return join(d, 'history.sqlite');
}

function alert(id: string, raw: string, receivedAt: string, expiresAt: string, sourceId = 'demo'): Alert {
  return {
    id, sourceId, raw, originator: 'WXR', originatorName: 'National Weather Service', event: 'TOR', eventName: 'Tornado Warning',
    category: 'warning', locations: [{ code: '029095', name: 'Jackson County, MO' }], issuedAt: receivedAt, expiresAt,
    callsign: 'KEAX/NWS', text: 'text', receivedAt, active: true, recording: null,
  };
}

describe('AlertStore', () => {
  it('keeps history across a reopen (survives a crash of the app)', () => {
    const file = tempDb();
    const a = new AlertStore(file);
    a.addAlert(alert('a1', 'ZCZC-1', '2026-04-15T17:00:00.000Z', '2026-04-15T17:30:00.000Z'));
    const ev: DecoderEvent = { id: 'e1', sourceId: 'demo', kind: 'eom', receivedAt: '2026-04-15T17:01:00.000Z', sampleIndex: 5, raw: 'NNNN', text: 'End of message' };
    a.addEvent(ev);
    // No close(): as if the process died; WAL keeps the committed rows.
    const b = new AlertStore(file);
    expect(b.list().map((x) => x.id)).toEqual(['a1']);
    expect(b.recentEvents(10)).toEqual([ev]);
    b.close();
    a.close();
  });

  it('lists newest first and pages with beforeId', () => {
    const s = new AlertStore(tempDb());
    for (let i = 0; i < 5; i++) s.addAlert(alert(`a${i}`, `ZCZC-${i}`, `2026-04-15T17:0${i}:00.000Z`, '2026-04-15T18:00:00.000Z'));
    expect(s.list(2).map((x) => x.id)).toEqual(['a4', 'a3']);
    expect(s.list(2, 'a3').map((x) => x.id)).toEqual(['a2', 'a1']);
    s.close();
  });

  it('active: unexpired only, one per distinct header', () => {
    const s = new AlertStore(tempDb());
    s.addAlert(alert('a1', 'ZCZC-A', '2026-04-15T17:00:00.000Z', '2026-04-15T17:30:00.000Z', 'demo'));
    s.addAlert(alert('a2', 'ZCZC-A', '2026-04-15T17:00:02.000Z', '2026-04-15T17:30:00.000Z', 'nwr'));
    s.addAlert(alert('a3', 'ZCZC-B', '2026-04-15T16:00:00.000Z', '2026-04-15T16:15:00.000Z'));
    const active = s.active(new Date('2026-04-15T17:10:00Z'));
    expect(active.map((a) => a.id)).toEqual(['a1']);
    expect(s.active(new Date('2026-04-15T17:31:00Z'))).toEqual([]);
    expect(s.seenRecently('ZCZC-A', new Date('2026-04-15T17:01:00Z'), 120_000)).toBe(true);
    s.close();
  });
});
