import { describe, expect, it } from 'vitest';
import { parseHeader } from '../../../electron/core/alerts/header';
import { assemblerFlush, assemblerPushBurst, combineBursts, createAssembler, softBurstFromFramer, type AssemblerEvent } from '../../../electron/core/same/assembler';
import type { Burst } from '../../../electron/core/same/framer';
import { encodeBurst, SameReceiver, type SameEvent } from '../../../electron/core/same/index';
import { addAwgn, ascii, concat, mulberry32, silence } from '../../helpers/signals';

const HEADER = 'ZCZC-WXR-FFW-029095-029047-020091+0600-1051700-KEAX/NWS-';
const RATE = 22050;

function flip(text: string, bits: number[]): Uint8Array {
  const b = ascii(text);
  for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
  return b;
}

/** A transmission of the given payloads as bursts with 1 s gaps, then 4 s of silence. */
function transmission(payloads: Uint8Array[], snrDb?: number, seed = 1): Float32Array {
  const parts: Float32Array[] = [silence(0.4, RATE)];
  for (const p of payloads) parts.push(encodeBurst(p, { sampleRate: RATE }), silence(1, RATE));
  parts.push(silence(4, RATE));
  const x = concat(...parts);
  return snrDb === undefined ? x : addAwgn(x, snrDb, seed);
}

function decode(x: Float32Array): SameEvent[] {
  const events: SameEvent[] = [];
  const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => events.push(e) });
  rx.push(x);
  rx.flush();
  return events;
}

const headersOf = (ev: SameEvent[]) => ev.filter((e): e is Extract<SameEvent, { type: 'header' }> => e.type === 'header');
const burstsOf = (ev: SameEvent[]) => ev.filter((e): e is Extract<SameEvent, { type: 'burst' }> => e.type === 'burst');

describe('bit-level voting across bursts', () => {
  it('recovers the exact header from three bursts that are each invalid on their own', () => {
    // Burst 1: originator WXR -> WZR (unknown); burst 2: a location digit becomes ')'; burst 3:
    // the callsign's 'K' becomes lower case. Different bit positions in each burst.
    const b1 = flip(HEADER, [6 * 8 + 1]);
    const b2 = flip(HEADER, [15 * 8 + 4]);
    const b3 = flip(HEADER, [47 * 8 + 5]);
    for (const b of [b1, b2, b3]) expect(parseHeader(String.fromCharCode(...b)).ok).toBe(false);
    const ev = decode(transmission([b1, b2, b3]));
    expect(burstsOf(ev).map((b) => b.text)).toEqual([b1, b2, b3].map((b) => String.fromCharCode(...b)));
    const h = headersOf(ev);
    expect(h.map((x) => x.raw)).toEqual([HEADER]);
    expect(h[0].bursts).toBe(3);
    // Each flipped bit is outvoted by two confident copies: the header is still near-certain.
    expect(h[0].bitConfidence).toBeGreaterThan(0.98);
  });

  it('recovers the exact header when every burst has many errors at different positions', () => {
    const rand = mulberry32(42);
    const nBits = HEADER.length * 8;
    for (let trial = 0; trial < 3; trial++) {
      // 3 x 8 distinct bit positions (1.8 % of bits, six times the error rate at -3 dB SNR), none
      // shared between bursts (sync characters left alone).
      const positions = new Set<number>();
      while (positions.size < 24) positions.add(32 + Math.floor(rand() * (nBits - 32)));
      const all = [...positions];
      const payloads = [0, 1, 2].map((k) => flip(HEADER, all.slice(8 * k, 8 * k + 8)));
      const h = headersOf(decode(transmission(payloads, 10, trial + 1)));
      expect(h.map((x) => x.raw)).toEqual([HEADER]);
    }
  });

  it('keeps agreeing bits with two bursts and emits when they agree fully', () => {
    const h = headersOf(decode(transmission([ascii(HEADER), ascii(HEADER)])));
    expect(h.map((x) => [x.raw, x.bursts, x.bitConfidence])).toEqual([[HEADER, 2, 1]]);
  });

  it('never guesses a two-burst disagreement into an alert', () => {
    // One bit differs; either choice gives a valid header (FFW vs FFV... both letters), so only
    // refusing to guess is safe.
    const a = ascii(HEADER);
    const b = flip(HEADER, [11 * 8]);
    expect(parseHeader(String.fromCharCode(...b)).ok).toBe(true);
    const ev = decode(transmission([a, b]));
    expect(burstsOf(ev)).toHaveLength(2);
    expect(headersOf(ev)).toEqual([]);
    // Also when the difference is in the times (both readings well-formed).
    const c = flip(HEADER, [(HEADER.indexOf('+') + 2) * 8]);
    expect(headersOf(decode(transmission([a, c])))).toEqual([]);
  });

  it('does not decide bytes held by only two bursts that disagree when the third is cut short', () => {
    const short = ascii(HEADER.slice(0, 30));
    const b = flip(HEADER, [40 * 8 + 1]);
    expect(headersOf(decode(transmission([ascii(HEADER), short, b])))).toEqual([]);
    // ...but decides them when the two agree.
    expect(headersOf(decode(transmission([ascii(HEADER), short, ascii(HEADER)]))).map((x) => x.raw)).toEqual([HEADER]);
  });

  it('weighs copies by their soft decisions: two weak copies never outvote one sure one', () => {
    const text = ascii(HEADER);
    const n = text.length * 8;
    const target = 20 * 8 + 2;
    const make = (flipTarget: boolean, targetSoft: number): Burst => {
      const bytes = ascii(HEADER);
      if (flipTarget) bytes[target >> 3] ^= 1 << (target & 7);
      const soft = new Float32Array(n);
      // About 10 dB Eb/N0 overall: most bits decided with |d| near 0.8.
      for (let i = 0; i < n; i++) soft[i] = ((bytes[i >> 3] >> (i & 7)) & 1 ? 1 : -1) * 0.8;
      soft[target] = ((bytes[target >> 3] >> (target & 7)) & 1 ? 1 : -1) * targetSoft;
      return { kind: 'header', bytes, textLength: bytes.length, soft, startSample: 0, endSample: 0, weakSync: false };
    };
    const events: AssemblerEvent[] = [];
    const asm = createAssembler(RATE);
    // Bursts 1 and 2 agree on the flipped bit but barely (|d| = 0.02); burst 3 is sure of the
    // original. Their LLRs add up (maximal-ratio combining): the sure copy decides, and the reading
    // of the weak majority is never what comes out.
    for (const b of [make(true, 0.02), make(true, 0.02), make(false, 0.99)]) assemblerPushBurst(asm, b, (e) => events.push(e));
    assemblerFlush(asm, (e) => events.push(e));
    expect(events.map((e) => (e.type === 'header' ? e.raw : e.type))).toEqual([HEADER]);
    // The same three bursts with the lone dissent weak instead: the majority stands.
    const ok: AssemblerEvent[] = [];
    const asm2 = createAssembler(RATE);
    for (const b of [make(false, 0.8), make(false, 0.8), make(true, 0.02)]) assemblerPushBurst(asm2, b, (e) => ok.push(e));
    expect(ok.map((e) => (e.type === 'header' ? e.raw : e.type))).toEqual([HEADER]);
  });

  it('combines bit by bit: LLRs add, so two confident copies outweigh one, and a confident copy outweighs a doubtful one (unit)', () => {
    const burst = (text: string, strength: number): Burst => {
      const bytes = ascii(text);
      const soft = new Float32Array(text.length * 8);
      for (let i = 0; i < soft.length; i++) soft[i] = ((bytes[i >> 3] >> (i & 7)) & 1 ? 1 : -1) * strength;
      return { kind: 'header', bytes, textLength: bytes.length, soft, startSample: 0, endSample: 0, weakSync: false };
    };
    const bitsOf = (llr: Float32Array): string => {
      let s = '';
      for (let i = 0; i < llr.length; i += 8) {
        let b = 0;
        for (let k = 0; k < 8; k++) if (llr[i + k] > 0) b |= 1 << k;
        s += String.fromCharCode(b);
      }
      return s;
    };
    const v = combineBursts(['ABC', 'ABB', 'ACC'].map((t) => softBurstFromFramer(burst(t, 0.9))));
    expect(bitsOf(v.llr)).toBe('ABC');
    // Two copies that disagree, equally sure: the differing bits cancel.
    const two = combineBursts([softBurstFromFramer(burst('AB', 0.9)), softBurstFromFramer(burst('AC', 0.9))]);
    const diff = 'B'.charCodeAt(0) ^ 'C'.charCodeAt(0);
    for (let k = 0; k < 8; k++) if ((diff >> k) & 1) expect(Math.abs(two.llr[8 + k])).toBeLessThan(1e-6);
    // Unequal lengths: the longer burst alone holds its tail.
    const one = combineBursts([softBurstFromFramer(burst('ABCD', 0.9)), softBurstFromFramer(burst('AB', 0.9))]);
    expect(one.bits).toBe(32);
    expect(bitsOf(one.llr)).toBe('ABCD');
  });
});
