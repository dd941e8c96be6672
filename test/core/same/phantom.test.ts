import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_ORIGINATORS, parseHeader } from '../../../electron/core/alerts/header';
import { assemblerFlush, assemblerPushBurst, createAssembler, type AssemblerEvent } from '../../../electron/core/same/assembler';
import { createFramer, framerFlush, framerPush, type FramerCallbacks } from '../../../electron/core/same/framer';
import { encodeBurst, SameReceiver, type SameEvent } from '../../../electron/core/same/index';
import { addAwgn, ascii, bytesToSoftBits, concat, mixInto, mulberry32, musicLike, silence, speechLike } from '../../helpers/signals';

/**
 * 47 CFR 11.31(c), written independently of parseHeader, with the one leniency issue 10 asks for:
 * a station id of 3 to 8 characters (real TV stations send "WTSP/TV" unpadded).
 */
const RULE = /^ZCZC-(EAS|CIV|WXR|PEP|EAN)-[A-Z]{3}-\d{6}(-\d{6}){0,30}\+\d{2}[0-5]\d-(\d{3})([01]\d|2[0-3])[0-5]\d-[A-Z0-9/ ]{3,8}-$/;
function compliant(raw: string): boolean {
  const m = RULE.exec(raw);
  if (!m) return false;
  const day = Number(m[3]);
  return day >= 1 && day <= 366;
}

const PREAMBLE = new Array(16).fill(0xab);
/** EAS_SOAK=1: the long runs (10,000 audio decodes of damaged headers). */
const SOAK = process.env.EAS_SOAK === '1';
const RATE = 22050;
const BIT = RATE / (3125 / 6);

/** Runs bits through the framer and the message assembler (no audio), collecting events. */
function frameBits(soft: Float32Array): { events: AssemblerEvent[]; bursts: number } {
  const framer = createFramer();
  const asm = createAssembler(RATE);
  const events: AssemblerEvent[] = [];
  let bursts = 0;
  const emit = (e: AssemblerEvent): void => {
    events.push(e);
  };
  const cb: FramerCallbacks = {
    onSync: () => {},
    onBurst: (b) => {
      bursts++;
      assemblerPushBurst(asm, b, emit);
    },
  };
  const start = new Float64Array(soft.length);
  for (let i = 0; i < soft.length; i++) start[i] = i * BIT;
  framerPush(framer, soft, start, soft.length, BIT, cb);
  framerFlush(framer, soft.length * BIT, BIT, cb);
  assemblerFlush(asm, emit);
  return { events, bursts };
}

/** Bursts as bit streams: preamble + payload, 1 s of idle (random) bits between them. */
function burstBits(payloads: Uint8Array[], rand: () => number): Float32Array {
  const parts: number[] = [];
  const idle = (): void => {
    for (let i = 0; i < 520; i++) parts.push(rand() < 0.5 ? -1 : 1);
  };
  idle();
  for (const p of payloads) {
    for (const v of bytesToSoftBits(PREAMBLE)) parts.push(v);
    for (const v of bytesToSoftBits(p)) parts.push(v);
    idle();
  }
  return Float32Array.from(parts);
}

const locationArb = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 })).map(([p, s, c]) => `${p}${String(s).padStart(2, '0')}${String(c).padStart(3, '0')}`);
const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
const callChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/ '.split(''));
const headerArb = fc
  .record({
    org: fc.constantFrom(...KNOWN_ORIGINATORS),
    event: fc.array(upper, { minLength: 3, maxLength: 3 }).map((a) => a.join('')),
    locations: fc.array(locationArb, { minLength: 1, maxLength: 31 }),
    purgeH: fc.integer({ min: 0, max: 99 }),
    purgeM: fc.integer({ min: 0, max: 59 }),
    day: fc.integer({ min: 1, max: 366 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    call: fc.array(callChar, { minLength: 8, maxLength: 8 }).map((a) => a.join('')),
  })
  .map(
    (h) =>
      `ZCZC-${h.org}-${h.event}-${h.locations.join('-')}+${String(h.purgeH).padStart(2, '0')}${String(h.purgeM).padStart(2, '0')}-${String(h.day).padStart(3, '0')}${String(h.hour).padStart(2, '0')}${String(h.minute).padStart(2, '0')}-${h.call}-`,
  );

function flipBits(text: string, bits: readonly number[]): Uint8Array {
  const b = ascii(text);
  for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
  return b;
}

/**
 * Whether `reading` goes on, after a header of `len` characters whose station id has `call`
 * characters, with more id characters and a '-' within 8: that '-' is then one inside the id
 * ("KEAX-NWS-", which parseHeader refuses) rather than the header's end.
 */
function idGoesOn(reading: string, len: number, call: number): boolean {
  return call < 8 && new RegExp(`^[A-Z0-9/ ]{1,${8 - call}}-`).test(reading.slice(len));
}

/**
 * Why `raw`, decoded from two bursts reading t1 and t2, would be a guess ('' if it is not). The
 * readings consistent with both bursts are those that agree with them wherever they agree, with
 * either value wherever they differ, over all the bytes both bursts hold. A header of any length
 * that parses in some reading is one the bursts could carry, unless some reading goes on past it
 * as more of its station id: a sender that stopped there would have left noise after it, not two
 * copies of the rest of an id ('/' and '-' are one bit apart, so "KEAX/NWS-" with that bit wrong in
 * one burst must not make "KEAX" a rival). `raw` must be one of these headers and the only one:
 * the grammar may settle a disagreement, but never choose between two headers.
 */
function ambiguousOrInvented(raw: string, t1: string, t2: string): string {
  const n = Math.min(t1.length, t2.length);
  if (raw.length > n) return 'longer than a burst';
  const differ: number[] = [];
  for (let i = 0; i < n * 8; i++) {
    const b1 = (t1.charCodeAt(i >> 3) >> (i & 7)) & 1;
    const b2 = (t2.charCodeAt(i >> 3) >> (i & 7)) & 1;
    if (b1 !== b2) differ.push(i);
    else if (i < raw.length * 8 && ((raw.charCodeAt(i >> 3) >> (i & 7)) & 1) !== b1) return `bit ${i} is in neither burst`;
  }
  if (differ.length > 12) return '';
  const readings: string[] = [];
  for (let m = 0; m < 1 << differ.length; m++) {
    const codes = Array.from(t1.slice(0, n), (c) => c.charCodeAt(0));
    differ.forEach((bit, k) => {
      const want = (m >> k) & 1;
      codes[bit >> 3] = (codes[bit >> 3] & ~(1 << (bit & 7))) | (want << (bit & 7));
    });
    readings.push(String.fromCharCode(...codes));
  }
  const goesOn = new Map<string, boolean>();
  let held = false;
  for (const alt of readings) {
    for (let len = 37; len <= n; len++) {
      const h = alt.slice(0, len);
      const r = parseHeader(h);
      if (!r.ok) continue;
      const call = r.header.callsign.length;
      const key = `${len}:${call}`;
      if (!goesOn.has(key)) goesOn.set(key, readings.some((other) => idGoesOn(other, len, call)));
      if (goesOn.get(key)) continue;
      if (h !== raw) return `both ${JSON.stringify(raw)} and ${JSON.stringify(h)} fit the bursts`;
      held = true;
    }
  }
  return held ? '' : `no reading of the bursts holds ${JSON.stringify(raw)}`;
}

/**
 * A header with one field made to break the grammar: a location digit, an event letter, a time
 * digit, the originator, a separator or a station-id character replaced by something its field
 * cannot hold. `where` picks the field, `what` the replacement.
 */
function mutateGrammar(header: string, where: number, what: number): string {
  const plus = header.indexOf('+');
  const set = (i: number, ch: string): string => header.slice(0, i) + ch + header.slice(i + 1);
  const pick = (chars: string): string => chars[what % chars.length];
  switch (where % 7) {
    case 0: {
      const digit = 13 + ((what >> 3) % (plus - 13));
      return /\d/.test(header[digit]) ? set(digit, pick('ABZ:;/ ac')) : set(plus, pick('*-,'));
    }
    case 1:
      return set(9 + ((what >> 3) % 3), pick('0159az-'));
    case 2:
      return header.slice(0, 5) + ['WXZ', 'ABC', 'WXr', 'PEQ', 'CIW', 'GAN', 'SIV'][what % 7] + header.slice(8);
    case 3:
      return set(plus + 1 + ((what >> 3) % 12) + Math.floor(((what >> 3) % 12) / 4), pick('AOZ:'));
    case 4:
      return set([4, 8, 12][what % 3], pick('_.=,'));
    case 5: {
      const call = plus + 14 + ((what >> 3) % (header.length - plus - 15));
      return set(call, pick('abz_.*#'));
    }
    default:
      return set(plus + 13, pick('+_.'));
  }
}

/**
 * Three bursts of `header`, each bit in `picks` (mod its length, distinct) flipped in one burst,
 * dealt round-robin: the exact header or nothing; with at most 3 flips per burst, the header.
 */
function threeFlippedBursts(header: string, picks: readonly number[], seed: number): void {
  const nBits = header.length * 8;
  const positions = [...new Set(picks.map((p) => p % nBits))];
  const sets: number[][] = [[], [], []];
  positions.forEach((p, i) => sets[i % 3].push(p));
  const { events } = frameBits(burstBits(sets.map((s) => flipBits(header, s)), mulberry32(seed)));
  const headers = events.filter((e) => e.type === 'header').map((e) => (e.type === 'header' ? e.raw : ''));
  for (const raw of headers) expect(raw).toBe(header);
  // Sync needs the last preamble bytes and "ZCZC" within 7 bit errors; with at most 3 flips
  // per burst (4 invalid bytes in a row would end a burst) the header must come through.
  if (sets.every((s) => s.length <= 3)) expect(headers).toEqual([header]);
}

/**
 * Two bursts of `header` with the bits in `p1` and `p2` (past "ZCZC", mod its length) flipped:
 * only compliant headers that are no guess between the bursts' readings (see ambiguousOrInvented),
 * and the header itself when the bursts agree on it. Returns the headers decoded.
 */
function twoFlippedBursts(header: string, p1: readonly number[], p2: readonly number[], seed: number): string[] {
  const nBits = header.length * 8;
  const f1 = flipBits(header, p1.map((p) => 32 + (p % (nBits - 32))));
  const f2 = flipBits(header, p2.map((p) => 32 + (p % (nBits - 32))));
  const { events } = frameBits(burstBits([f1, f2], mulberry32(seed)));
  const headers = events.filter((e) => e.type === 'header').map((e) => (e.type === 'header' ? e.raw : ''));
  const t1 = String.fromCharCode(...f1);
  const t2 = String.fromCharCode(...f2);
  for (const raw of headers) {
    expect(compliant(raw)).toBe(true);
    // Never a guess between two headers the bursts could both have carried.
    expect(ambiguousOrInvented(raw, t1, t2), `${raw} from ${JSON.stringify(t1)} / ${JSON.stringify(t2)}`).toBe('');
  }
  if (t1 === t2 && parseHeader(t1).ok) expect(headers).toEqual([t1]);
  return headers;
}

describe('never a phantom alert: framer + parser properties (fast-check)', () => {
  it('random bytes, with or without a preamble and sync characters, never give a non-compliant header or an exception', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sync: fc.constantFrom('', 'ZCZC', 'NNNN', 'ZCZC-'), body: fc.uint8Array({ maxLength: 300 }) }), { minLength: 1, maxLength: 4 }),
        fc.integer(),
        (bursts, seed) => {
          const payloads = bursts.map((b) => concat(Float32Array.from(ascii(b.sync)), Float32Array.from(b.body))).map((f) => Uint8Array.from(f));
          const { events } = frameBits(burstBits(payloads, mulberry32(seed)));
          for (const e of events) if (e.type === 'header') expect(compliant(e.raw)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes straight after a real header prefix never give a non-compliant header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 260 }), fc.integer({ min: 2, max: 3 }), fc.integer(), (tail, copies, seed) => {
        const payload = concat(Float32Array.from(ascii('ZCZC-WXR-TOR-')), Float32Array.from(tail));
        const bytes = Uint8Array.from(payload);
        const { events } = frameBits(burstBits(new Array(copies).fill(bytes), mulberry32(seed)));
        for (const e of events) if (e.type === 'header') expect(compliant(e.raw)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('three bursts with bit flips at different positions give the exact header or nothing; with few flips, exactly the header', () => {
    fc.assert(fc.property(headerArb, fc.array(fc.nat(), { minLength: 0, maxLength: 18 }), fc.integer(), threeFlippedBursts), { numRuns: 300 });
  });

  it('a "/" flipped to "-" in one burst\'s station id does not cut that burst short of the other bursts\' errors (regression)', () => {
    // Found by the property above: burst 1 reads "AAA-AAAA-" (bit 1 of the '/', byte 43), which
    // once ended it as a 3-character id; burst 2 has 'C' for the 'A' at byte 45. With burst 1's
    // last five bytes dropped, bursts 2 and 3 tied on that bit and the header was missed.
    threeFlippedBursts('ZCZC-PEP-AAA-000000-000000+0000-0010000-AAA/AAAA-', [728990985, 292380225], 0);
  });

  it('two bursts give a header only where they agree or the grammar admits just one reading, and then only that text', () => {
    fc.assert(
      fc.property(headerArb, fc.array(fc.nat(), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), fc.integer(), (header, p1, p2, seed) => {
        twoFlippedBursts(header, p1, p2, seed);
      }),
      { numRuns: 300 },
    );
  });

  it('two bursts, one with a "/" flipped to "-" in the station id, never give the short id (regression)', () => {
    // Found by the property above: burst 2 reads "AAAAAA-A-" (bit 1 of the '/', byte 39). It used
    // to end there, so the decoder saw only 40 bytes and took the tie on that bit for the
    // 6-character id "AAAAAA": a header that was not sent. Both bursts hold "A-" after that '-',
    // which makes it a '-' inside the id; the one header the bursts carry is the one sent.
    // Two copies that disagree on one bit, settled by the grammar alone: with the 1e-4 emission
    // threshold the decoder may also stay silent (the spec's "two bursts that disagree -> no
    // alert"); what it must never do is give the 6-character id.
    const header = 'ZCZC-PEP-AAA-000000+0000-0010000-AAAAAA/A-';
    const got = twoFlippedBursts(header, [], [2147483641], 0);
    expect(got.filter((h) => h !== header)).toEqual([]);
    expect(got.length).toBeLessThanOrEqual(1);
  });

  it('headers with mutated grammar, in all three bursts, never give an alert', () => {
    fc.assert(
      fc.property(headerArb, fc.nat(), fc.nat(), fc.integer(), (header, where, what, seed) => {
        const mutated = mutateGrammar(header, where, what);
        fc.pre(!parseHeader(mutated).ok);
        const { events } = frameBits(burstBits([0, 1, 2].map(() => ascii(mutated)), mulberry32(seed)));
        expect(events.filter((e) => e.type === 'header')).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('truncated headers, in all three bursts, never give an alert other than a compliant one the noise completed', () => {
    fc.assert(
      fc.property(headerArb, fc.nat(), fc.integer(), (header, cut, seed) => {
        const short = header.slice(0, 5 + (cut % (header.length - 6)));
        const { events } = frameBits(burstBits([0, 1, 2].map(() => ascii(short)), mulberry32(seed)));
        for (const e of events) if (e.type === 'header') expect(compliant(e.raw) && e.raw.startsWith(short)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('parseHeader never throws and accepts only compliant text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b)), headerArb), (s) => {
        const r = parseHeader(s);
        if (r.ok) expect(compliant(s)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

function decode(x: Float32Array, rate = RATE): SameEvent[] {
  const events: SameEvent[] = [];
  const rx = new SameReceiver({ sampleRate: rate, onEvent: (e) => events.push(e) });
  rx.push(x);
  rx.flush();
  return events;
}

const count = (ev: SameEvent[], type: SameEvent['type']): number => ev.filter((e) => e.type === type).length;

describe('never a phantom alert: audio', () => {
  it('mutated and truncated headers as audio, clean and in noise down to -9 dB, never give an alert (fast-check)', () => {
    fc.assert(
      fc.property(headerArb, fc.nat(), fc.nat(), fc.constantFrom(null, 6, 0, -5, -9), fc.boolean(), (header, where, what, snr, truncate) => {
        const bad = truncate ? header.slice(0, 5 + (what % (header.length - 6))) : mutateGrammar(header, where, what);
        fc.pre(!parseHeader(bad).ok);
        const b = encodeBurst(bad, { sampleRate: RATE });
        const x = concat(silence(0.3, RATE), b, silence(1, RATE), b, silence(1, RATE), b, silence(2, RATE));
        const ev = decode(snr === null ? x : addAwgn(x, snr, where + what));
        expect(ev.filter((e) => e.type === 'header')).toEqual([]);
      }),
      { numRuns: SOAK ? 10_000 : 60 },
    );
  }, SOAK ? 3_600_000 : 60_000);

  it('a header truncated just before its last "-", three clean bursts, never gives an alert (regression)', () => {
    // Found by the property above: the first bit after the carrier reads as a firm 1 in all three
    // bursts, which is bit 0 of '-'; every layout paid the same carrier-off penalty for that byte,
    // so it cancelled out and "...-AAA" was completed into a 3-character id.
    const bad = 'ZCZC-PEP-AAA-000000-000000-000000-000000-000000+0000-0010000-AAA';
    const b = encodeBurst(bad, { sampleRate: RATE });
    const ev = decode(concat(silence(0.3, RATE), b, silence(1, RATE), b, silence(1, RATE), b, silence(2, RATE)));
    expect(count(ev, 'burst')).toBe(3);
    expect(ev.filter((e) => e.type === 'header')).toEqual([]);
  });

  it('truncated headers and headers with a bad field are heard as bursts but never become alerts', () => {
    const bad = [
      'ZCZC-WXR-TOR-029095+00', // truncated
      'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS', // no final '-'
      'ZCZC-XYZ-TOR-029095+0030-1051700-KEAX/NWS-', // unknown originator
      'ZCZC-WXR-T0R-029095+0030-1051700-KEAX/NWS-', // digit in event
      'ZCZC-WXR-TOR-02909A+0030-1051700-KEAX/NWS-', // letter in location
      'ZCZC-WXR-TOR-029095+0060-1051700-KEAX/NWS-', // purge minutes 60
      'ZCZC-WXR-TOR-029095+0030-3671700-KEAX/NWS-', // day 367
      'ZCZC-WXR-TOR-029095+0030-0001700-KEAX/NWS-', // day 000
      'ZCZC-WXR-TOR-029095+0030-1052400-KEAX/NWS-', // hour 24
      'ZCZC-WXR-TOR-029095+0030-1051760-KEAX/NWS-', // minute 60
      'ZCZC-WXR-TOR-029095+0030-1051700-keax/nws-', // lower-case station id
      'ZCZC-WXR-TOR-029095+0030-1051700-KE-', // 2-character station id
      'ZCZC-WXR-TOR-029095+0030-1051700-KEAX-NWS-', // '-' inside the station id
      `ZCZC-WXR-TOR-${new Array(32).fill('029095').join('-')}+0030-1051700-KEAX/NWS-`, // 32 locations
    ];
    const parts: Float32Array[] = [silence(0.5, RATE)];
    for (const h of bad) {
      for (let k = 0; k < 3; k++) parts.push(encodeBurst(h, { sampleRate: RATE }), silence(1, RATE));
      parts.push(silence(3, RATE));
    }
    const ev = decode(concat(...parts));
    expect(count(ev, 'burst')).toBe(3 * bad.length);
    expect(count(ev, 'header')).toBe(0);
  });

  it('"ZCZC" inside speech and music (as AFSK, with and without preamble) never becomes an alert', () => {
    const x = concat(speechLike(20, RATE, 5, 0.5), musicLike(20, RATE, 6, 0.5));
    // A real preamble + "ZCZC-WXR-TOR-0290" fragment three times, and bare "ZCZCZCZC" AFSK
    // without a preamble, mixed into the programme.
    const fragment = encodeBurst('ZCZC-WXR-TOR-0290', { sampleRate: RATE, amplitude: 0.4 });
    const bare = encodeBurst('ZCZCZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-', { sampleRate: RATE, amplitude: 0.4, preambleBytes: 0 });
    for (const at of [2, 5, 8]) mixInto(x, fragment, at * RATE);
    for (const at of [22, 28, 34]) mixInto(x, bare, at * RATE);
    const ev = decode(x);
    expect(count(ev, 'header')).toBe(0);
    expect(count(ev, 'eom')).toBe(0);
    expect(count(ev, 'attention')).toBe(0);
  });

  it('30 minutes of speech-like noise and music-like tones give zero headers, EOMs and attention signals', () => {
    // Two minutes each of speech and music are generated once; the 30 minutes are built from
    // 10 s slices of them at random offsets, levels and polarity, sometimes mixed, so every
    // block differs while generation stays cheap.
    const speech = speechLike(120, RATE, 101, 0.9);
    const music = musicLike(120, RATE, 202, 0.9);
    const rand = mulberry32(303);
    const slice = 10 * RATE;
    const block = new Float32Array(slice);
    const events: SameEvent[] = [];
    const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => events.push(e) });
    for (let k = 0; k < 180; k++) {
      const a = Math.floor(rand() * (speech.length - slice));
      const b = Math.floor(rand() * (music.length - slice));
      const mode = rand();
      const gs = (mode < 0.4 ? 1 : mode < 0.7 ? 0 : 0.5) * Math.pow(10, (-rand() * 20) / 20) * (rand() < 0.5 ? -1 : 1);
      const gm = (mode < 0.4 ? 0 : mode < 0.7 ? 1 : 0.5) * Math.pow(10, (-rand() * 20) / 20);
      for (let i = 0; i < slice; i++) block[i] = gs * speech[a + i] + gm * music[b + i];
      rx.push(block);
    }
    rx.flush();
    expect(rx.samplesIn).toBe(30 * 60 * RATE);
    expect(count(events, 'header')).toBe(0);
    expect(count(events, 'eom')).toBe(0);
    expect(count(events, 'attention')).toBe(0);
    // A false sync would need 64 bits within 7 errors of the preamble + "ZCZC"/"NNNN".
    expect(count(events, 'burst')).toBe(0);
  });
});
