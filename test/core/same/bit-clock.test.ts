import { describe, expect, it } from 'vitest';
import { createBitClockScratch, fitBitClock } from '../../../electron/core/same/bit-clock';
import { fillGaussian, mulberry32 } from '../../helpers/signals';

const NOMINAL = 4410 / (3125 / 6);

/**
 * Strobes as a timing loop gives them: the true line (period `period`, bit 0 at `t0`), a slow
 * wander of +/-`wander` bits over ~100 bits, white jitter, optionally a slip (one extra strobe
 * from bit `slipAt` on) and garbage after `end` (the loop following noise after the burst).
 */
function strobes(n: number, period: number, t0: number, opts: { wander?: number; jitter?: number; slipAt?: number; end?: number; seed?: number } = {}): Float64Array {
  const s = new Float64Array(n);
  const jitter = fillGaussian(new Float32Array(n), opts.jitter ?? 0.05, opts.seed ?? 1);
  const rand = mulberry32((opts.seed ?? 1) + 99);
  for (let j = 0; j < n; j++) {
    const k = opts.slipAt !== undefined && j >= opts.slipAt ? j - 1 : j;
    const w = (opts.wander ?? 0) * Math.sin((2 * Math.PI * j) / 97) + jitter[j];
    s[j] = t0 + period * (k + w);
    if (opts.end !== undefined && j >= opts.end) s[j] = t0 + period * (opts.end + (j - opts.end) * (1 + 0.03 * (rand() - 0.5)) + 2 * (rand() - 0.5));
  }
  return s;
}

describe('bit clock fit', () => {
  const scratch = createBitClockScratch(4096);
  for (const err of [-0.02, 0, 0.02]) {
    it(`finds the sender's clock ${err * 100} % off through wander and jitter, to 0.05 % and 0.03 bit`, () => {
      const period = NOMINAL * (1 + err);
      const s = strobes(600, period, 123.4, { wander: 0.2, jitter: 0.08 });
      const c = fitBitClock(s, 0, 600, 100, NOMINAL, scratch);
      expect(Math.abs(c.b / period - 1)).toBeLessThan(0.0005);
      // Bit 100 (the anchor) and bit 600 both land within 0.03 bit of the truth.
      for (const k of [100, 599]) expect(Math.abs(c.a + c.b * k - (123.4 + period * k)) / period).toBeLessThan(0.03);
    });
  }

  it('follows a slip of the loop: the burst keeps its bit numbering from the anchor', () => {
    const period = NOMINAL * 1.01;
    const s = strobes(500, period, 50, { jitter: 0.06, slipAt: 300 });
    const c = fitBitClock(s, 0, 500, 80, NOMINAL, scratch);
    expect(Math.abs(c.b / period - 1)).toBeLessThan(0.0005);
    expect(Math.abs(c.a + c.b * 80 - (50 + period * 80)) / period).toBeLessThan(0.03);
  });

  it('is not pulled off by strobes that follow noise after the burst', () => {
    const s = strobes(700, NOMINAL, 10, { jitter: 0.06, end: 420, seed: 3 });
    const c = fitBitClock(s, 0, 700, 60, NOMINAL, scratch);
    expect(Math.abs(c.b / NOMINAL - 1)).toBeLessThan(0.0008);
  });
});
