import { describe, expect, it } from 'vitest';
import { MAX_WRONG_PROBABILITY } from '../../../electron/core/same/assembler';
import { decodeHeader } from '../../../electron/core/same/header-decoder';
import { mulberry32 } from '../../helpers/signals';

/** LLRs of `text` (LSB first) at +/-strength, then `tail` bytes of zeros (silence after the burst). */
function llrOf(text: string, strength = 30, tail = 2): Float32Array {
  const bytes = Buffer.from(text + '\0'.repeat(tail), 'latin1');
  const llr = new Float32Array(bytes.length * 8);
  for (let i = 0; i < llr.length; i++) llr[i] = (bytes[i >> 3] >> (i & 7)) & 1 ? strength : -strength;
  return llr;
}

const HEADER = 'ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-';

describe('header decoder (grammar-constrained, from combined LLRs)', () => {
  it('reads a clean header exactly and is sure of it', () => {
    const d = decodeHeader(llrOf(HEADER), HEADER.length * 8 + 16);
    expect(d?.raw).toBe(HEADER);
    expect(d?.pWrong).toBeLessThan(1e-6);
    expect(d?.bitConfidence).toBeGreaterThan(1 - 1e-9);
    // Three clean bursts combined: no doubt left at all.
    expect(decodeHeader(llrOf(HEADER, 90), HEADER.length * 8 + 16)?.bitConfidence).toBe(1);
  });

  it('reads every layout: 1 and 31 locations, station ids of 3 to 8 characters', () => {
    const locs = (n: number): string => Array.from({ length: n }, (_, i) => `0${String(10 + i).padStart(2, '0')}${String(100 + i)}`).join('-');
    for (const n of [1, 2, 7, 31]) {
      for (const call of ['KEAX/NWS', 'WTSP/TV', 'KHOU', 'K9X', 'WABC/FM ']) {
        const h = `ZCZC-CIV-CEM-${locs(n)}+0100-3662359-${call}-`;
        const d = decodeHeader(llrOf(h), (h.length + 2) * 8);
        expect(d?.raw, h).toBe(h);
        expect(d?.pWrong, h).toBeLessThan(1e-4);
        expect(d?.header.deviations.includes('nonconforming_sender_id'), h).toBe(call.length !== 8);
      }
    }
  });

  it('lets the grammar settle a bit nobody is sure of where only one reading is grammatical', () => {
    // Bit 1 of the '-' after "ZCZC": '-' (0x2D) or '/' (0x2F); only '-' can stand there.
    const llr = llrOf(HEADER);
    llr[4 * 8 + 1] = 0;
    const d = decodeHeader(llr, llr.length);
    expect(d?.raw).toBe(HEADER);
    expect(d?.pWrong).toBeLessThan(1e-3);
  });

  it('refuses to choose where two readings are both grammatical', () => {
    for (const at of [16 /* a location digit */, 10 /* an event letter */, HEADER.indexOf('+') + 11 /* the issue minute */, HEADER.length - 3 /* the station id */]) {
      const llr = llrOf(HEADER);
      llr[at * 8] = 0;
      const d = decodeHeader(llr, llr.length);
      expect(d === null || d.pWrong > 0.4, `position ${at}`).toBe(true);
    }
  });

  /**
   * With confident bits the outlier explains a violation far better than the nearest valid
   * character, so the header is never emitted. (Deep in the noise, where one burst's bit is
   * wrong one time in a few thousand, a single flipped bit is likelier than a sender breaking the
   * grammar, and is corrected like any other bit error.)
   */
  it('never "corrects" a header that breaks the grammar with confident bits (one clean burst, three combined)', () => {
    const bad = [
      'ZCZC-WZR-TOR-029095+0030-1051700-KEAX/NWS-', // unknown originator
      'ZCZC-WXR-T0R-029095+0030-1051700-KEAX/NWS-', // digit in the event
      'ZCZC-WXR-TOR-02909A+0030-1051700-KEAX/NWS-', // letter in a location
      'ZCZC-WXR-TOR-029095+0060-1051700-KEAX/NWS-', // purge minutes 60
      'ZCZC-WXR-TOR-029095+0030-3671700-KEAX/NWS-', // day 367
      'ZCZC-WXR-TOR-029095+0030-1052400-KEAX/NWS-', // hour 24
      'ZCZC-WXR-TOR-029095+0030-1051700-keax/nws-', // lower case
      'ZCZC-WXR-TOR-029095+0030-1051700-KEAX-NWS-', // '-' inside the id
      'ZCZC-WXR-TOR-029095*0030-1051700-KEAX/NWS-', // '*' for '+'
    ];
    for (const text of bad) {
      for (const strength of [30, 90]) {
        const d = decodeHeader(llrOf(text, strength), (text.length + 2) * 8);
        expect(d === null || d.pWrong > 0.5, `${text} at ${strength}`).toBe(true);
      }
    }
  });

  it('never completes a header whose end was not heard', () => {
    const cut = HEADER.slice(0, -1);
    // Bits end with the text: the final '-' was never received.
    const none = decodeHeader(llrOf(cut, 30, 0), cut.length * 8);
    expect(none === null || none.pWrong > MAX_WRONG_PROBABILITY).toBe(true);
    // Silence after it, and the demodulator's evidence that the carrier was off there.
    const presence = new Float32Array(cut.length + 2).fill(20);
    presence[cut.length] = presence[cut.length + 1] = -20;
    const d = decodeHeader(llrOf(cut), (cut.length + 2) * 8, presence);
    expect(d === null || d.pWrong > MAX_WRONG_PROBABILITY).toBe(true);
  });

  it('finds nothing trustworthy in noise', () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 50; trial++) {
      const llr = new Float32Array(2100);
      const scale = [0.5, 2, 8][trial % 3];
      for (let i = 0; i < llr.length; i++) llr[i] = (rand() * 2 - 1) * scale;
      // Even with "ZCZC-" heard perfectly.
      llr.set(llrOf('ZCZC-', 30, 0));
      const d = decodeHeader(llr, llr.length);
      expect(d === null || d.pWrong > 0.5).toBe(true);
    }
  });
});

describe('header decoder: station ids that do not end where they seem to', () => {
  it('refuses a short id that the burst continues past with more id characters and a "-"', () => {
    for (const text of ['ZCZC-WXR-TOR-029095+0030-1051700-KEA-/NWS-', 'ZCZC-WXR-TOR-029095+0030-1051700-WTSP/TV-X-']) {
      const d = decodeHeader(llrOf(text), (text.length + 2) * 8);
      expect(d === null || d.pWrong > MAX_WRONG_PROBABILITY, text).toBe(true);
    }
    // Unless the carrier had ended there.
    const text = 'ZCZC-WXR-TOR-029095+0030-1051700-KEA-';
    expect(decodeHeader(llrOf(text), (text.length + 2) * 8)?.raw).toBe(text);
  });
});
