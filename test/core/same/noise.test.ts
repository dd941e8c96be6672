import { describe, expect, it } from 'vitest';
import { encodeSame, SAME_BAUD, SameReceiver, type SameEvent } from '../../../electron/core/same/index';
import { addAwgn } from '../../helpers/signals';

const HEADER = 'ZCZC-WXR-TOR-029095-029047+0030-1051700-KEAX/NWS-';
const RATE = 22050;

interface Outcome {
  exact: boolean;
  wrong: string[];
  bursts: Array<Extract<SameEvent, { type: 'burst' }>>;
}

function decode(x: Float32Array): Outcome {
  const out: Outcome = { exact: false, wrong: [], bursts: [] };
  const rx = new SameReceiver({
    sampleRate: RATE,
    onEvent: (e) => {
      if (e.type === 'header') {
        if (e.raw === HEADER) out.exact = true;
        else out.wrong.push(e.raw);
      } else if (e.type === 'burst') out.bursts.push(e);
    },
  });
  rx.push(x);
  rx.flush();
  return out;
}

describe('SameReceiver in white noise (SNR = AFSK power / noise variance over 0..fs/2 at 22050 Hz)', () => {
  const clean = encodeSame({ header: HEADER, sampleRate: RATE, attention: null, amplitude: 0.5 });

  it('gives the exact header for >= 95 % of 40 seeds at -3 dB, and never a wrong one', () => {
    let exact = 0;
    const wrong: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const r = decode(addAwgn(clean, -3, seed));
      if (r.exact) exact++;
      wrong.push(...r.wrong);
    }
    expect(wrong).toEqual([]);
    expect(exact).toBeGreaterThanOrEqual(38);
  });

  it('stays silent rather than wrong below its working range (-4 to -6 dB, 8 locations)', () => {
    const long = 'ZCZC-WXR-SVR-029095-029047-029037-029013-020091-020209-029165-029177+0100-0011200-KEAX/NWS-';
    const x = encodeSame({ header: long, sampleRate: RATE, attention: null });
    const wrong: string[] = [];
    for (const snr of [-4, -5, -6]) {
      for (let seed = 1; seed <= 20; seed++) {
        const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => e.type === 'header' && e.raw !== long && wrong.push(`${snr} dB: ${e.raw}`) });
        rx.push(addAwgn(x, snr, 500 + 31 * seed + snr));
        rx.flush();
      }
    }
    expect(wrong).toEqual([]);
  });

  it('estimates a higher bit error rate in noise than on a clean signal', () => {
    const quiet = decode(clean).bursts;
    const noisy = decode(addAwgn(clean, -3, 77)).bursts;
    expect(quiet.length).toBe(6);
    for (const b of quiet) expect(b.bitErrorEstimate).toBeLessThan(1e-6);
    const mean = noisy.reduce((s, b) => s + b.bitErrorEstimate, 0) / noisy.length;
    expect(mean).toBeGreaterThan(1e-4);
    expect(mean).toBeLessThan(0.05);
  });

  // Sender bit clock off by +/-2 % (510.4 and 531.2 bit/s) and tones off by +/-50 Hz, alone and
  // together, clean and at 0 dB SNR.
  const cases: Array<[string, { bitRate?: number; toneOffsetHz?: number }]> = [
    ['510.4 bit/s', { bitRate: 510.4 }],
    ['531.2 bit/s', { bitRate: 531.2 }],
    ['tones +50 Hz', { toneOffsetHz: 50 }],
    ['tones -50 Hz', { toneOffsetHz: -50 }],
    ['531.2 bit/s and -50 Hz', { bitRate: 531.2, toneOffsetHz: -50 }],
    ['510.4 bit/s and +50 Hz', { bitRate: 510.4, toneOffsetHz: 50 }],
  ];
  for (const [label, opts] of cases) {
    it(`copes with ${label}`, () => {
      expect(Math.abs((opts.bitRate ?? SAME_BAUD) / SAME_BAUD - 1)).toBeLessThanOrEqual(0.0201);
      const x = encodeSame({ header: HEADER, sampleRate: RATE, attention: null, ...opts });
      expect(decode(x).exact).toBe(true);
      let exact = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const r = decode(addAwgn(x, 0, 1000 + seed));
        expect(r.wrong).toEqual([]);
        if (r.exact) exact++;
      }
      expect(exact).toBe(10);
    });
  }
});
