import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isStandardPurge, MAX_HEADER_LENGTH, MIN_HEADER_LENGTH, parseHeader, type HeaderErrorKind } from '../../../electron/core/alerts/header';

const GOOD = 'ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-';

function expectError(raw: string, kind: HeaderErrorKind, field: string) {
  const r = parseHeader(raw);
  expect(r.ok, raw).toBe(false);
  if (!r.ok) {
    expect({ kind: r.error.kind, field: r.error.field }, raw).toEqual({ kind, field });
    expect(r.error.message.length).toBeGreaterThan(0);
  }
}

describe('parseHeader accepts 47 CFR 11.31 headers', () => {
  it('parses every field', () => {
    const r = parseHeader(GOOD);
    expect(r).toEqual({
      ok: true,
      header: {
        raw: GOOD,
        originator: 'WXR',
        event: 'TOR',
        locations: ['029095', '029047'],
        purge: { hours: 0, minutes: 30, nonStandard: false },
        issued: { day: 105, hour: 17, minute: 0 },
        callsign: 'KEAX/NWS',
        deviations: [],
      },
    });
  });

  it('accepts station ids of 3 to 7 characters, unpadded as TV stations send them, and flags them', () => {
    for (const call of ['WTSP/TV', 'KHOU', 'WJON/TV', 'K9X', 'EC/GC/C']) {
      const r = parseHeader(`ZCZC-EAS-RWT-012057-012081+0030-2780415-${call}-`);
      if (!r.ok) throw new Error(`${call}: ${r.error.message}`);
      expect(r.header.callsign).toBe(call);
      expect(r.header.deviations).toEqual(['nonconforming_sender_id']);
    }
    const padded = parseHeader('ZCZC-EAS-RWT-012057+0030-2780415-WTSP/TV -');
    expect(padded.ok && padded.header.deviations).toEqual([]);
    const both = parseHeader('ZCZC-EAS-RWT-012057+0037-2780415-WTSP-');
    expect(both.ok && both.header.deviations).toEqual(['nonstandard_purge', 'nonconforming_sender_id']);
  });

  it('accepts every originator, 1 and 31 locations, padded and Canadian station ids', () => {
    for (const org of ['PEP', 'CIV', 'WXR', 'EAS', 'EAN']) expect(parseHeader(`ZCZC-${org}-RWT-000000+0015-0010000-WABC/FM -`).ok).toBe(true);
    const one = 'ZCZC-CIV-EVI-129095+0100-3662359-EC/GC/CA-';
    expect(parseHeader(one).ok).toBe(true);
    expect(one.length).toBe(MIN_HEADER_LENGTH);
    const locs = Array.from({ length: 31 }, (_, k) => `0290${String(k).padStart(2, '0')}`);
    const many = `ZCZC-WXR-SVR-${locs.join('-')}+0600-0010000-KEAX/NWS-`;
    const r = parseHeader(many);
    expect(r.ok && r.header.locations).toEqual(locs);
    expect(many.length).toBe(MAX_HEADER_LENGTH);
  });

  it('accepts unknown but well-formed event codes', () => {
    const r = parseHeader('ZCZC-WXR-XYZ-029095+0030-1051700-KEAX/NWS-');
    expect(r.ok && r.header.event).toBe('XYZ');
  });

  it('flags non-standard purge times but accepts them', () => {
    const purge = (t: string) => {
      const r = parseHeader(`ZCZC-WXR-TOR-029095+${t}-1051700-KEAX/NWS-`);
      if (!r.ok) throw new Error(r.error.message);
      return r.header.purge;
    };
    expect(purge('0015')).toEqual({ hours: 0, minutes: 15, nonStandard: false });
    expect(purge('0045').nonStandard).toBe(false);
    expect(purge('0130').nonStandard).toBe(false);
    expect(purge('0600').nonStandard).toBe(false);
    expect(purge('0037').nonStandard).toBe(true);
    expect(purge('0145').nonStandard).toBe(true);
    expect(purge('0000').nonStandard).toBe(true);
    expect(purge('9930')).toEqual({ hours: 99, minutes: 30, nonStandard: false });
    expect(isStandardPurge(1, 0)).toBe(true);
    expect(isStandardPurge(0, 50)).toBe(false);
  });
});

describe('parseHeader refuses each bad field with its kind and field', () => {
  const cases: [string, HeaderErrorKind, string][] = [
    ['', 'truncated', 'prefix'],
    ['ZCZ', 'truncated', 'prefix'],
    ['NNNN', 'prefix', 'prefix'],
    ['ZCZX-WXR-TOR-029095+0030-1051700-KEAX/NWS-', 'prefix', 'prefix'],
    [' ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-', 'prefix', 'prefix'],
    ['ZCZC-WXZ-TOR-029095+0030-1051700-KEAX/NWS-', 'originator', 'originator'],
    ['ZCZC-WxR-TOR-029095+0030-1051700-KEAX/NWS-', 'originator', 'originator'],
    ['ZCZC-WXR_TOR-029095+0030-1051700-KEAX/NWS-', 'originator', 'originator'],
    ['ZCZC-WX', 'truncated', 'originator'],
    ['ZCZC-WXR-T0R-029095+0030-1051700-KEAX/NWS-', 'event', 'event'],
    ['ZCZC-WXR-TORN-029095+0030-1051700-KEAX/NWS-', 'event', 'event'],
    ['ZCZC-WXR-TOR', 'truncated', 'event'],
    ['ZCZC-WXR-TOR-02909+0030-1051700-KEAX/NWS-', 'location', 'locations[0]'],
    ['ZCZC-WXR-TOR-029095-02904A+0030-1051700-KEAX/NWS-', 'location', 'locations[1]'],
    ['ZCZC-WXR-TOR-029095-0290477+0030-1051700-KEAX/NWS-', 'location', 'locations[1]'],
    ['ZCZC-WXR-TOR-+0030-1051700-KEAX/NWS-', 'location', 'locations[0]'],
    ['ZCZC-WXR-TOR-029095-', 'truncated', 'locations[1]'],
    ['ZCZC-WXR-TOR-029095', 'truncated', 'locations[0]'],
    [`ZCZC-WXR-TOR-${Array(32).fill('029095').join('-')}+0030-1051700-KEAX/NWS-`, 'location-count', 'locations'],
    ['ZCZC-WXR-TOR-029095+030-1051700-KEAX/NWS-', 'purge', 'purge'],
    ['ZCZC-WXR-TOR-029095+0075-1051700-KEAX/NWS-', 'purge', 'purge'],
    ['ZCZC-WXR-TOR-029095+0030+1051700-KEAX/NWS-', 'purge', 'purge'],
    ['ZCZC-WXR-TOR-029095+00', 'truncated', 'purge'],
    ['ZCZC-WXR-TOR-029095+0030-0001700-KEAX/NWS-', 'issued', 'issued.day'],
    ['ZCZC-WXR-TOR-029095+0030-3671700-KEAX/NWS-', 'issued', 'issued.day'],
    ['ZCZC-WXR-TOR-029095+0030-1052400-KEAX/NWS-', 'issued', 'issued.hour'],
    ['ZCZC-WXR-TOR-029095+0030-1051760-KEAX/NWS-', 'issued', 'issued.minute'],
    ['ZCZC-WXR-TOR-029095+0030-10517-KEAX/NWS-', 'issued', 'issued.minute'],
    ['ZCZC-WXR-TOR-029095+0030-105170-KEAX/NWS-', 'issued', 'issued.minute'],
    ['ZCZC-WXR-TOR-029095+0030-10517000-KEAX/NWS-', 'issued', 'issued'],
    ['ZCZC-WXR-TOR-029095+0030-105', 'truncated', 'issued.hour'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KE-', 'callsign', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700--', 'callsign', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS/-', 'callsign', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KEAX-NWS-', 'callsign', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-keax/nws-', 'callsign', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWSX-', 'callsign', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS', 'truncated', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KEA', 'truncated', 'callsign'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS--', 'trailing', 'trailing'],
    ['ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-NNNN', 'trailing', 'trailing'],
  ];
  it.each(cases)('%s -> %s %s', (raw, kind, field) => expectError(raw, kind, field));

  it('never throws on non-string input', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x')]) {
      const r = parseHeader(v as unknown as string);
      expect(r.ok).toBe(false);
    }
  });
});

// ---- property tests ---------------------------------------------------------------------------

/**
 * Independent oracle: a strict regex plus the numeric range checks, written separately from the
 * scanner (station ids of 3 to 8 characters: the rule's 8 and the unpadded ones real stations send). The character classes are all fixed width, so the regex cannot backtrack badly.
 */
const ORACLE = /^ZCZC-(PEP|CIV|WXR|EAS|EAN)-[A-Z]{3}-(\d{6}(?:-\d{6}){0,30})\+(\d{2})([0-5]\d)-(\d{3})([01]\d|2[0-3])([0-5]\d)-[A-Z0-9/ ]{3,8}-$/;
function oracleValid(s: string): boolean {
  const m = ORACLE.exec(s);
  if (!m) return false;
  const day = Number(m[5]);
  return day >= 1 && day <= 366;
}

const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const digit = fc.constantFrom(...'0123456789');
const str = (a: fc.Arbitrary<string>, n: number) => fc.array(a, { minLength: n, maxLength: n }).map((x) => x.join(''));
const validHeader = fc
  .record({
    org: fc.constantFrom('PEP', 'CIV', 'WXR', 'EAS', 'EAN'),
    event: str(upper, 3),
    locs: fc.array(str(digit, 6), { minLength: 1, maxLength: 31 }),
    ph: fc.integer({ min: 0, max: 99 }),
    pm: fc.integer({ min: 0, max: 59 }),
    day: fc.integer({ min: 1, max: 366 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    call: fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/ '), { minLength: 3, maxLength: 8 }).map((x) => x.join('')),
  })
  .map(
    (h) =>
      `ZCZC-${h.org}-${h.event}-${h.locs.join('-')}+${String(h.ph).padStart(2, '0')}${String(h.pm).padStart(2, '0')}-` +
      `${String(h.day).padStart(3, '0')}${String(h.hour).padStart(2, '0')}${String(h.minute).padStart(2, '0')}-${h.call}-`,
  );

function flipBits(s: string, flips: { pos: number; bit: number }[]): string {
  const codes = Array.from(s, (c) => c.charCodeAt(0));
  for (const f of flips) {
    const p = f.pos % codes.length;
    codes[p] ^= 1 << f.bit;
  }
  return String.fromCharCode(...codes);
}

function agrees(s: string) {
  const r = parseHeader(s);
  expect(r.ok, JSON.stringify(s)).toBe(oracleValid(s));
  if (r.ok) expect(r.header.raw).toBe(s);
}

describe('parseHeader properties', () => {
  it('accepts every generated valid header', () => {
    fc.assert(fc.property(validHeader, (s) => {
      expect(parseHeader(s).ok).toBe(true);
    }), { numRuns: 500 });
  });

  it('agrees with the oracle on random strings and never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), agrees), { numRuns: 500 });
    // Random bytes (what a framer hands over from noise) and random UTF-16 code units.
    const bytes = fc.uint8Array({ maxLength: 260 }).map((b) => String.fromCharCode(...b));
    fc.assert(fc.property(bytes, agrees), { numRuns: 500 });
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 80 }).map((u) => String.fromCharCode(...u));
    fc.assert(fc.property(units, agrees), { numRuns: 300 });
    // Strings close to the alphabet of real headers reach deeper into the scanner.
    const near = fc.array(fc.constantFrom(...'ZC-WXRTOR0123456789+/ KEANPIV'), { maxLength: 120 }).map((a) => 'ZCZC-' + a.join(''));
    fc.assert(fc.property(near, agrees), { numRuns: 1000 });
  });

  it('agrees with the oracle on bit-flipped, truncated and spliced valid headers', () => {
    const flips = fc.array(fc.record({ pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }), { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(validHeader, flips, (s, f) => {
      agrees(flipBits(s, f));
    }), { numRuns: 1500 });
    fc.assert(fc.property(validHeader, fc.nat(), (s, cut) => {
      agrees(s.slice(0, cut % s.length));
    }), { numRuns: 300 });
    fc.assert(
      fc.property(validHeader, fc.nat(), fc.string({ maxLength: 4 }), (s, at, ins) => {
        const p = at % (s.length + 1);
        agrees(s.slice(0, p) + ins + s.slice(p));
      }),
      { numRuns: 500 },
    );
  });

  it('handles very long adversarial input in linear time', () => {
    const long = 'ZCZC-WXR-TOR-' + '029095-'.repeat(100_000);
    const r = parseHeader(long);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('location-count');
    expect(parseHeader('Z'.repeat(1_000_000)).ok).toBe(false);
  });
});
