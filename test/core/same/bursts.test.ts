import { describe, expect, it } from 'vitest';
import { encodeBurst, SameReceiver, type SameEvent } from '../../../electron/core/same/index';
import { addAwgn, ascii, concat, silence } from '../../helpers/signals';

const RATE = 22050;
const HEADER = 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-';
const LONG = `ZCZC-WXR-SVR-${Array.from({ length: 31 }, (_, i) => `0290${String(i + 10)}`).join('-')}+0100-1051700-KEAX/NWS-`;

type Header = Extract<SameEvent, { type: 'header' }>;

function decode(x: Float32Array, opts: { singleBurstAlerts?: boolean } = {}): SameEvent[] {
  const events: SameEvent[] = [];
  const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => events.push(e), ...opts });
  rx.push(x);
  rx.flush();
  return events;
}

const headers = (ev: SameEvent[]): Header[] => ev.filter((e): e is Header => e.type === 'header');

/** Bursts 1 to 3 of a header with the usual 1 s gaps; `heard` says which are on air (a lost one is silence of its length). */
function transmission(payload: string | Uint8Array, heard: [boolean, boolean, boolean], tail = 5): Float32Array {
  const b = encodeBurst(payload, { sampleRate: RATE });
  const parts: Float32Array[] = [silence(0.3, RATE)];
  for (const on of heard) parts.push(on ? b : new Float32Array(b.length), silence(1, RATE));
  parts.push(silence(tail, RATE));
  return concat(...parts);
}

describe('headers from two bursts of three', () => {
  for (const [label, header] of [
    ['one location', HEADER],
    ['31 locations (4 s bursts)', LONG],
  ] as const) {
    for (const lost of [0, 1, 2]) {
      it(`alerts when burst ${lost + 1} is lost (${label}), with bursts: 2 and a note, clean and at 0 dB`, () => {
        const heard: [boolean, boolean, boolean] = [true, true, true];
        heard[lost] = false;
        const x = transmission(header, heard);
        for (const input of [x, addAwgn(x, 0, 11 + lost)]) {
          const h = headers(decode(input));
          expect(h.map((e) => [e.raw, e.bursts])).toEqual([[header, 2]]);
          expect(h[0].note).toMatch(/two of three bursts/);
          expect(h[0].bitConfidence).toBeGreaterThan(0.999);
        }
      });
    }
  }

  it('stamps the header at the first burst heard', () => {
    const x = transmission(HEADER, [false, true, true]);
    const h = headers(decode(x));
    const b = encodeBurst(HEADER, { sampleRate: RATE });
    const second = Math.round(0.3 * RATE) + b.length + RATE;
    expect(Math.abs(h[0].sample - second)).toBeLessThanOrEqual(RATE * 0.002);
  });

  it('keeps one burst alone a decoder event; with singleBurstAlerts it is a header with bursts: 1', () => {
    for (const only of [0, 2]) {
      const heard: [boolean, boolean, boolean] = [false, false, false];
      heard[only] = true;
      const x = transmission(HEADER, heard);
      const ev = decode(x);
      expect(ev.filter((e) => e.type === 'burst')).toHaveLength(1);
      expect(headers(ev)).toEqual([]);
      const single = headers(decode(x, { singleBurstAlerts: true }));
      expect(single.map((e) => [e.raw, e.bursts])).toEqual([[HEADER, 1]]);
      expect(single[0].note).toMatch(/single burst/);
    }
  });

  it('never alerts on two bursts that disagree in a bit the soft decisions cannot settle', () => {
    // Each burst is clean and sure of itself; both readings are valid headers (TOR / TOS, 1700 / 1701).
    for (const bit of [11 * 8 + 0, (HEADER.indexOf('+') + 12) * 8 + 0]) {
      const other = ascii(HEADER);
      other[bit >> 3] ^= 1 << (bit & 7);
      const b1 = encodeBurst(HEADER, { sampleRate: RATE });
      const b2 = encodeBurst(other, { sampleRate: RATE });
      const x = concat(silence(0.3, RATE), b1, silence(1, RATE), b2, silence(5, RATE));
      for (const input of [x, addAwgn(x, 6, bit)]) {
        const ev = decode(input);
        expect(ev.filter((e) => e.type === 'burst')).toHaveLength(2);
        expect(headers(ev)).toEqual([]);
      }
    }
  });

  it('lets a third burst settle what two disagreeing ones could not', () => {
    const other = ascii(HEADER);
    other[11] ^= 1;
    const b1 = encodeBurst(HEADER, { sampleRate: RATE });
    const b2 = encodeBurst(other, { sampleRate: RATE });
    const x = concat(silence(0.3, RATE), b1, silence(1, RATE), b2, silence(1, RATE), b1, silence(4, RATE));
    expect(headers(decode(x)).map((e) => [e.raw, e.bursts])).toEqual([[HEADER, 3]]);
  });
});

describe('station ids of 3 to 8 characters', () => {
  for (const call of ['WTSP/TV', 'KHOU', 'K9X', 'EC/GC/C']) {
    it(`decodes "${call}" unpadded, flagged as a nonconforming sender id`, () => {
      const header = `ZCZC-EAS-RWT-012057-012081+0030-2780415-${call}-`;
      for (const x of [transmission(header, [true, true, true]), addAwgn(transmission(header, [true, true, true]), 0, 5)]) {
        const h = headers(decode(x));
        expect(h.map((e) => e.raw)).toEqual([header]);
        expect(h[0].header.callsign).toBe(call);
        expect(h[0].header.deviations).toEqual(['nonconforming_sender_id']);
        expect(h[0].note).toContain(`nonconforming sender ID "${call}"`);
      }
    });
  }

  it('still refuses ids of 2 characters, with a "-" inside, or of 9', () => {
    for (const call of ['KE', 'KEAX-NWS', 'KEAX/NWSX']) {
      const header = `ZCZC-EAS-RWT-012057+0030-2780415-${call}-`;
      const ev = decode(transmission(header, [true, true, true]));
      expect(ev.filter((e) => e.type === 'burst').length).toBeGreaterThanOrEqual(3);
      expect(headers(ev)).toEqual([]);
    }
  });
});
