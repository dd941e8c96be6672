import { describe, expect, it } from 'vitest';
import { burstLength, encodeBurst, encodeSame, SameReceiver, type SameEvent } from '../../../electron/core/same/index';
import { addAwgn, concat, mulberry32, silence } from '../../helpers/signals';

const HEADER = 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-';

function decode(x: Float32Array, rate: number, chunk = 0): { events: SameEvent[]; rx: SameReceiver } {
  const events: SameEvent[] = [];
  const rx = new SameReceiver({ sampleRate: rate, onEvent: (e) => events.push(e) });
  if (chunk <= 0) rx.push(x);
  else for (let i = 0; i < x.length; i += chunk) rx.push(x.subarray(i, Math.min(x.length, i + chunk)));
  rx.flush();
  return { events, rx };
}

const of = <T extends SameEvent['type']>(events: SameEvent[], type: T): Array<Extract<SameEvent, { type: T }>> =>
  events.filter((e): e is Extract<SameEvent, { type: T }> => e.type === type);

describe('SameReceiver on clean signals', () => {
  for (const rate of [8000, 11025, 16000, 22050, 44100, 48000, 96000]) {
    it(`decodes a full message at ${rate} Hz with events stamped in input samples`, () => {
      const x = encodeSame({ header: HEADER, sampleRate: rate, attention: { kind: 'nwr', seconds: 8 }, leadSilenceS: 0.5 });
      const { events, rx } = decode(x, rate);
      expect(rx.samplesIn).toBe(x.length);
      const headers = of(events, 'header');
      expect(headers).toHaveLength(1);
      const h = headers[0];
      expect(h.raw).toBe(HEADER);
      expect(h.header.event).toBe('TOR');
      expect(h.header.locations).toEqual(['029095']);
      expect(h.bursts).toBe(3);
      expect(h.bitConfidence).toBe(1);
      const start = Math.round(0.5 * rate);
      expect(Math.abs(h.sample - start)).toBeLessThanOrEqual(rate * 0.002);

      const bursts = of(events, 'burst');
      expect(bursts.map((b) => b.text)).toEqual([HEADER, HEADER, HEADER, 'NNNN', 'NNNN', 'NNNN']);
      const hLen = burstLength(HEADER.length, { sampleRate: rate });
      expect(Math.abs(bursts[1].sample - (start + hLen + rate))).toBeLessThanOrEqual(rate * 0.002);
      for (const b of bursts) expect(b.bitErrorEstimate).toBeLessThan(1e-6);

      const eom = of(events, 'eom');
      expect(eom).toHaveLength(1);
      expect(eom[0].bursts).toBe(3);
      const eomStart = start + 3 * (hLen + rate) + 8 * rate + rate;
      expect(Math.abs(eom[0].sample - eomStart)).toBeLessThanOrEqual(rate * 0.002);

      const att = of(events, 'attention');
      expect(att.map((a) => `${a.phase}:${a.kind}`)).toEqual(['start:nwr', 'end:nwr']);
      const attStart = start + 3 * (hLen + rate);
      expect(Math.abs(att[0].sample - attStart)).toBeLessThanOrEqual(rate * 0.15);
      const end = att[1];
      if (end.phase !== 'end') throw new Error('expected end');
      expect(Math.abs(end.durationS - 8)).toBeLessThanOrEqual(0.2);
    });
  }

  it('decodes in noise at every rate (noise density of -2 dB SNR at 22050 Hz)', () => {
    for (const rate of [8000, 11025, 16000, 22050, 44100, 48000, 96000]) {
      const snr = -2 + 10 * Math.log10(22050 / rate);
      const x = encodeSame({ header: HEADER, sampleRate: rate, attention: null });
      for (let seed = 1; seed <= 4; seed++) {
        const headers = of(decode(addAwgn(x, snr, seed), rate).events, 'header').map((h) => h.raw);
        expect(headers, `${rate} Hz seed ${seed}`).toEqual([HEADER]);
      }
    }
  });

  it('gives the same events whatever the push sizes', () => {
    const rate = 22050;
    const x = encodeSame({ header: HEADER, sampleRate: rate, attention: { kind: 'two-tone', seconds: 2 } });
    const whole = decode(x, rate).events;
    const rand = mulberry32(3);
    const events: SameEvent[] = [];
    const rx = new SameReceiver({ sampleRate: rate, onEvent: (e) => events.push(e) });
    for (let i = 0; i < x.length; ) {
      const n = 1 + Math.floor(rand() * 9000);
      rx.push(x.subarray(i, Math.min(x.length, i + n)));
      i += n;
    }
    rx.flush();
    expect(events).toEqual(whole);
    expect(decode(x, rate, 1).events).toEqual(whole);
  });

  it('reports link state changes: sync, message, and idle at the end', () => {
    const rate = 22050;
    const x = encodeSame({ header: HEADER, sampleRate: rate, attention: null });
    const links = of(decode(x, rate).events, 'link').map((l) => l.state);
    expect(links).toContain('sync');
    expect(links).toContain('message');
    expect(links[links.length - 1]).toBe('idle');
    // Every burst goes through sync then message.
    expect(links.filter((s) => s === 'sync')).toHaveLength(6);
    // No repeated state in a row.
    for (let i = 1; i < links.length; i++) expect(links[i]).not.toBe(links[i - 1]);
  });

  it('decodes every originator and 1 to 31 locations, back to back, each header once', () => {
    const rate = 22050;
    const loc = (n: number): string => Array.from({ length: n }, (_, i) => `0${String(20 + (i % 30)).padStart(2, '0')}${String(1 + 2 * i).padStart(3, '0')}`).join('-');
    const headers = [
      `ZCZC-EAS-RMT-${loc(1)}+0015-0011200-WABC/FM -`,
      `ZCZC-CIV-CEM-${loc(2)}+0100-3660000-EC/GC/CA-`,
      `ZCZC-WXR-SVR-${loc(7)}+0045-1231259-KEAX/NWS-`,
      `ZCZC-PEP-EAN-${loc(16)}+0600-2002359-WHITEHSE-`,
      `ZCZC-EAN-NPT-${loc(31)}+9959-0010000-LLLLLLLL-`,
    ];
    // Back to back: each header group follows the previous one after the usual 1 s gap, with no
    // EOM in between; one EOM group at the end.
    const parts: Float32Array[] = [silence(0.3, rate)];
    for (const h of headers) for (let k = 0; k < 3; k++) parts.push(encodeBurst(h, { sampleRate: rate }), silence(1, rate));
    for (let k = 0; k < 3; k++) parts.push(encodeBurst('NNNN', { sampleRate: rate }), silence(1, rate));
    const x = addAwgn(concat(...parts), 12, 1);
    const { events } = decode(x, rate);
    expect(of(events, 'header').map((h) => h.raw)).toEqual(headers);
    expect(of(events, 'header').map((h) => h.header.locations.length)).toEqual([1, 2, 7, 16, 31]);
    expect(of(events, 'eom')).toHaveLength(1);
  });

  it('separates two complete messages and reports each EOM group once', () => {
    const rate = 16000;
    const a = encodeSame({ header: HEADER, sampleRate: rate, attention: null });
    const other = 'ZCZC-WXR-SVR-029095-029047+0100-1051710-KEAX/NWS-';
    const b = encodeSame({ header: other, sampleRate: rate, attention: { kind: 'nwr', seconds: 2 } });
    const { events } = decode(concat(a, b), rate);
    expect(of(events, 'header').map((h) => h.raw)).toEqual([HEADER, other]);
    expect(of(events, 'eom')).toHaveLength(2);
    const order = events.filter((e) => e.type === 'header' || e.type === 'eom').map((e) => e.type);
    expect(order).toEqual(['header', 'eom', 'header', 'eom']);
  });

  it('emits a two-burst header when the group times out, and at flush()', () => {
    const rate = 22050;
    const burst = encodeBurst(HEADER, { sampleRate: rate });
    const two = concat(silence(0.2, rate), burst, silence(1, rate), burst);
    // Timeout: 5 s of silence after the second burst closes the group before flush().
    const events: SameEvent[] = [];
    const rx = new SameReceiver({ sampleRate: rate, onEvent: (e) => events.push(e) });
    rx.push(concat(two, silence(5, rate)));
    expect(of(events, 'header').map((h) => [h.raw, h.bursts])).toEqual([[HEADER, 2]]);
    rx.flush();
    expect(of(events, 'header')).toHaveLength(1);
    // Input that ends right after the second burst: flush() reports it.
    const atEnd = decode(two, rate).events;
    expect(of(atEnd, 'header').map((h) => [h.raw, h.bursts])).toEqual([[HEADER, 2]]);
  });

  it('never makes a header out of one burst', () => {
    const rate = 22050;
    const { events } = decode(concat(silence(0.2, rate), encodeBurst(HEADER, { sampleRate: rate }), silence(5, rate)), rate);
    expect(of(events, 'burst')).toHaveLength(1);
    expect(of(events, 'header')).toHaveLength(0);
  });

  it('recovers from NaN and infinite samples in the input', () => {
    const rate = 22050;
    const junk = new Float32Array(rate);
    junk.fill(Number.NaN, 100, 200);
    junk.fill(Number.POSITIVE_INFINITY, 300, 310);
    const x = concat(junk, encodeSame({ header: HEADER, sampleRate: rate, attention: { kind: 'nwr', seconds: 2 } }));
    const { events } = decode(x, rate);
    expect(of(events, 'header').map((h) => h.raw)).toEqual([HEADER]);
    expect(of(events, 'eom')).toHaveLength(1);
    expect(of(events, 'attention')).toHaveLength(2);
  });

  it('refuses rates outside 8-96 kHz and input after flush()', () => {
    const onEvent = (): void => {};
    expect(() => new SameReceiver({ sampleRate: 7999, onEvent })).toThrow(RangeError);
    expect(() => new SameReceiver({ sampleRate: 96001, onEvent })).toThrow(/resample/);
    const rx = new SameReceiver({ sampleRate: 8000, onEvent });
    rx.flush();
    expect(() => rx.push(new Float32Array(10))).toThrow(/new receiver/);
  });
});
