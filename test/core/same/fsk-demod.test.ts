import { describe, expect, it } from 'vitest';
import { MARK_HZ, SAME_BAUD, SPACE_HZ } from '../../../electron/core/same/constants';
import { createFskDemod } from '../../../electron/core/same/fsk-demod';
import { encodeBurst } from '../../../electron/core/same/encoder';
import { ascii, fillGaussian } from '../../helpers/signals';
import { demodAll, downconvertAll, sine } from './stages';

/** Mean and minimum of d over the settled part (after the filter and one correlator window). */
function settled(d: Float32Array, skip: number): { mean: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = skip; i < d.length; i++) {
    sum += d[i];
    if (d[i] < min) min = d[i];
    if (d[i] > max) max = d[i];
  }
  return { mean: sum / (d.length - skip), min, max };
}

describe('SAME stage 2: non-coherent FSK demodulator', () => {
  for (const rate of [8000, 22050, 48000]) {
    it(`gives d = +1 on mark and -1 on space at ${rate} Hz, and stays decisive 50 Hz off`, () => {
      const skip = (bb: ReturnType<typeof downconvertAll>): number => Math.ceil(bb.dc.taps / bb.dc.decimation) + createFskDemod(bb.dc.outputRate).window + 2;
      for (const [f, sign] of [[MARK_HZ, 1], [SPACE_HZ, -1]] as const) {
        const bb = downconvertAll(sine(f, 0.4, rate), rate);
        const s = settled(demodAll(bb), skip(bb));
        // The correlator is a whole number of samples long, not exactly one bit, so the tones
        // are not quite orthogonal over it: a little leaks into the other correlator.
        expect(sign * s.mean, `${f} Hz`).toBeGreaterThan(0.98);
        for (const off of [-50, 50]) {
          const b2 = downconvertAll(sine(f + off, 0.4, rate), rate);
          const s2 = settled(demodAll(b2), skip(b2));
          // 50 Hz is a tenth of the tone spacing: the wrong correlator picks up a little.
          expect(sign * s2.mean, `${f + off} Hz`).toBeGreaterThan(0.9);
          expect(sign > 0 ? s2.min : -s2.max, `${f + off} Hz worst`).toBeGreaterThan(0.85);
        }
      }
    });
  }

  it('is independent of level and gives d near 0 for equal mark and space', () => {
    const rate = 22050;
    for (const amp of [0.001, 0.5, 5]) {
      const bb = downconvertAll(sine(MARK_HZ, 0.3, rate, amp), rate);
      expect(settled(demodAll(bb), 40).mean, `amplitude ${amp}`).toBeGreaterThan(0.98);
    }
    const both = sine(MARK_HZ, 0.3, rate, 0.3);
    const space = sine(SPACE_HZ, 0.3, rate, 0.3, 1.1);
    for (let i = 0; i < both.length; i++) both[i] += space[i];
    expect(Math.abs(settled(demodAll(downconvertAll(both, rate)), 40).mean)).toBeLessThan(0.02);
  });

  it('gives d uniform on [-1, 1] in white noise (what the confidence model assumes)', () => {
    const rate = 22050;
    const d = demodAll(downconvertAll(fillGaussian(new Float32Array(rate * 20), 0.3, 5), rate));
    // Neighbouring values are correlated; every 9th (about one per bit) is near independent.
    const bins = new Array(5).fill(0);
    let n = 0;
    for (let i = 100; i < d.length; i += 9, n++) bins[Math.min(4, Math.floor(((d[i] + 1) / 2) * 5))]++;
    for (const b of bins) expect(Math.abs(b / n - 0.2)).toBeLessThan(0.02);
  });

  it('reads each bit of a burst from the sign of d at the bit end', () => {
    const rate = 22050;
    const bytes = ascii('ZCZC-WXR-RWT-029095+0030-1051700-KEAX/NWS-');
    const x = encodeBurst(bytes, { sampleRate: rate });
    const bb = downconvertAll(x, rate);
    const d = demodAll(bb);
    const dec = bb.dc.decimation;
    let wrong = 0;
    let weakest = 1;
    const bits = (16 + bytes.length) * 8;
    for (let k = 0; k < bits; k++) {
      const byte = k < 128 ? 0xab : bytes[(k >> 3) - 16];
      const bit = (byte >> (k & 7)) & 1;
      // The correlator spans the whole bit when its newest input is the bit's last sample,
      // delayed by the filter's group delay.
      const endInput = ((k + 1) * rate) / SAME_BAUD - 1 + bb.dc.groupDelay;
      const j = Math.round(endInput / dec);
      if (j >= d.length) break;
      const v = bit ? d[j] : -d[j];
      if (v <= 0) wrong++;
      if (v < weakest) weakest = v;
    }
    expect(wrong).toBe(0);
    expect(weakest).toBeGreaterThan(0.9);
  });
});
