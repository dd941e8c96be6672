import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_ORIGINATORS, parseHeader } from '../../../electron/core/alerts/header';
import { assemblerFlush, assemblerPushBurst, createAssembler, type AssemblerEvent } from '../../../electron/core/same/assembler';
import { createFramer, framerFlush, framerPush, type FramerCallbacks } from '../../../electron/core/same/framer';
import { encodeBurst, SameReceiver, type SameEvent } from '../../../electron/core/same/index';
import { ascii, bytesToSoftBits, concat, mixInto, mulberry32, musicLike, silence, speechLike } from '../../helpers/signals';

/** 47 CFR 11.31(c), written independently of parseHeader. */
const RULE = /^ZCZC-(EAS|CIV|WXR|PEP|EAN)-[A-Z]{3}-\d{6}(-\d{6}){0,30}\+\d{2}[0-5]\d-(\d{3})([01]\d|2[0-3])[0-5]\d-[A-Z0-9/ ]{8}-$/;
function compliant(raw: string): boolean {
  const m = RULE.exec(raw);
  if (!m) return false;
  const day = Number(m[3]);
  return day >= 1 && day <= 366;
}

const PREAMBLE = new Array(16).fill(0xab);
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
    fc.assert(
      fc.property(headerArb, fc.array(fc.nat(), { minLength: 0, maxLength: 18 }), fc.integer(), (header, picks, seed) => {
        const nBits = header.length * 8;
        // Distinct positions, dealt round-robin to the three bursts: no bit is flipped twice.
        const positions = [...new Set(picks.map((p) => p % nBits))];
        const sets: number[][] = [[], [], []];
        positions.forEach((p, i) => sets[i % 3].push(p));
        const { events } = frameBits(burstBits(sets.map((s) => flipBits(header, s)), mulberry32(seed)));
        const headers = events.filter((e) => e.type === 'header').map((e) => (e.type === 'header' ? e.raw : ''));
        for (const raw of headers) expect(raw).toBe(header);
        // Sync needs the last preamble bytes and "ZCZC" within 7 bit errors; with at most 3 flips
        // per burst (4 invalid bytes in a row would end a burst) the header must come through.
        if (sets.every((s) => s.length <= 3)) expect(headers).toEqual([header]);
      }),
      { numRuns: 300 },
    );
  });

  it('two bursts give a header only if they agree on every bit, and then only that text', () => {
    fc.assert(
      fc.property(headerArb, fc.array(fc.nat(), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), fc.integer(), (header, p1, p2, seed) => {
        const nBits = header.length * 8;
        const f1 = flipBits(header, p1.map((p) => 32 + (p % (nBits - 32))));
        const f2 = flipBits(header, p2.map((p) => 32 + (p % (nBits - 32))));
        const { events } = frameBits(burstBits([f1, f2], mulberry32(seed)));
        const headers = events.filter((e) => e.type === 'header').map((e) => (e.type === 'header' ? e.raw : ''));
        const t1 = String.fromCharCode(...f1);
        const t2 = String.fromCharCode(...f2);
        if (t1 !== t2) {
          // A disagreement inside the header is never guessed. (Flips beyond the voted end do not count.)
          for (const raw of headers) {
            expect(t1.startsWith(raw) && t2.startsWith(raw)).toBe(true);
            expect(compliant(raw)).toBe(true);
          }
        } else {
          for (const raw of headers) expect(raw).toBe(t1);
          if (parseHeader(t1).ok) expect(headers).toEqual([t1]);
        }
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
      'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NW-', // 7-character station id
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
