import { describe, expect, it } from 'vitest';
import { alertFlags } from '../../electron/engine/alerts/alert-record';

describe('alert flags: what the operator is told is unusual about a message', () => {
  it('names a nonconforming sender ID and a header from two of three bursts', () => {
    const raw = 'ZCZC-WXR-TOR-029095+0030-1052200-WTSP/TV-';
    expect(alertFlags(raw, 'WTSP/TV', [{ bursts: 2 }])).toEqual(['nonconforming sender ID "WTSP/TV"', 'two of three bursts received']);
  });

  it('says nothing for a conforming header heard in full on any input', () => {
    const raw = 'ZCZC-WXR-TOR-029095+0030-1052200-KEAX/NWS-';
    expect(alertFlags(raw, 'KEAX/NWS', [{ bursts: 2 }, { bursts: 3 }])).toEqual([]);
    expect(alertFlags(raw, 'KEAX/NWS', [{ bursts: null }])).toEqual([]);
  });

  it('flags a single-burst alert', () => {
    expect(alertFlags('ZCZC-WXR-TOR-029095+0030-1052200-KEAX/NWS-', 'KEAX/NWS', [{ bursts: 1 }])).toEqual(['one burst only (single-burst alerts are on)']);
  });
});
