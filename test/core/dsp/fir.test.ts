import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ComplexFirDecimator, RealFirDecimator, designLowpass, kaiserTapCount, lowpassTaps, magnitudeAt, planDecimation } from '../../../electron/core/dsp';

const db = (x: number) => 20 * Math.log10(x);

/** Reference: full convolution, then keep every factor-th output (aligned like the kernels). */
function reference(taps: Float32Array, factor: number, x: Float64Array): Float64Array {
  const out: number[] = [];
  for (let n = 0; n < x.length; n += factor) {
    let acc = 0;
    for (let k = 0; k < taps.length; k++) if (n - k >= 0) acc += taps[k]! * x[n - k]!;
    out.push(acc);
  }
  return Float64Array.from(out);
}

function split<T extends { length: number; subarray(a: number, b: number): T }>(x: T, sizes: number[]): T[] {
  const parts: T[] = [];
  let at = 0;
  for (let i = 0; at < x.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    parts.push(x.subarray(at, Math.min(x.length, at + n)));
    at += n;
  }
  return parts;
}

describe('FIR design', () => {
  it('windowed-sinc low-pass has unity DC gain and reaches the stopband attenuation', () => {
    const taps = designLowpass(8000, 12500, 64000, 60);
    expect(taps.length % 2).toBe(1);
    expect(taps.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(Math.abs(db(magnitudeAt(taps, 4000, 64000)))).toBeLessThan(0.05);
    for (let f = 12500; f <= 32000; f += 250) expect(db(magnitudeAt(taps, f, 64000))).toBeLessThan(-58);
  });

  it('a filter cut at a quarter of its rate is a half-band (every other tap zero)', () => {
    const taps = lowpassTaps(kaiserTapCount(60, 200_000, 1_024_000) | 3, 256_000, 1_024_000);
    const mid = (taps.length - 1) / 2;
    for (let d = 2; d <= mid; d += 2) expect(Math.abs(taps[mid - d]!)).toBeLessThan(1e-7);
  });

  it('plans keep the passband flat and fold nothing onto it', () => {
    const stages = planDecimation({ inputRate: 2_048_000, factor: 64, passHz: 8000, stopHz: 12500 });
    expect(stages.reduce((p, s) => p * s.factor, 1)).toBe(64);
    let rate = 2_048_000;
    for (const s of stages) {
      expect(s.inputRate).toBe(rate);
      rate /= s.factor;
      // Everything that would alias onto the passband after this stage is >= 58 dB down.
      for (let f = rate - 8000; f <= s.inputRate / 2; f += (s.inputRate / 2 - rate + 8000) / 50 + 1) {
        expect(db(magnitudeAt(s.taps, f, s.inputRate))).toBeLessThan(-58);
      }
      expect(Math.abs(db(magnitudeAt(s.taps, 8000, s.inputRate)))).toBeLessThan(0.1);
    }
    expect(rate).toBe(32_000);
  });
});

describe('FIR decimators', () => {
  const cases = [
    { name: 'half-band, unrolled', taps: lowpassTaps(11, 0.25 * 48000, 48000), factor: 2 },
    { name: 'half-band, generic', taps: lowpassTaps(35, 0.25 * 48000, 48000), factor: 2 },
    { name: 'folded', taps: designLowpass(1000, 4000, 48000), factor: 4 },
    { name: 'stride beyond taps', taps: designLowpass(1000, 20000, 48000, 30), factor: 16 },
    { name: 'asymmetric', taps: Float32Array.from([0.5, 0.3, -0.1, 0.05]), factor: 3 },
  ];

  for (const c of cases) {
    it(`complex ${c.name} (${c.taps.length} taps /${c.factor}) matches direct convolution for any block split`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (sizes, seed) => {
          let s = seed;
          const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
          const n = 700;
          const re = Float64Array.from({ length: n }, rand);
          const im = Float64Array.from({ length: n }, rand);
          const wantRe = reference(c.taps, c.factor, re);
          const wantIm = reference(c.taps, c.factor, im);
          const iq = new Float32Array(2 * n);
          for (let i = 0; i < n; i++) {
            iq[2 * i] = re[i]!;
            iq[2 * i + 1] = im[i]!;
          }
          const dec = new ComplexFirDecimator(c.taps, c.factor);
          const got: number[] = [];
          const out = new Float32Array(2 * n + 8);
          for (const part of split(iq, sizes.map((x) => 2 * x))) {
            const k = dec.process(part, out);
            for (let i = 0; i < 2 * k; i++) got.push(out[i]!);
          }
          expect(got.length).toBe(2 * wantRe.length);
          for (let i = 0; i < wantRe.length; i++) {
            expect(got[2 * i]).toBeCloseTo(wantRe[i]!, 5);
            expect(got[2 * i + 1]).toBeCloseTo(wantIm[i]!, 5);
          }
        }),
        { numRuns: 25 },
      );
    });

    it(`real ${c.name} matches direct convolution across blocks`, () => {
      const n = 900;
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.91));
      const want = reference(c.taps, c.factor, x);
      const dec = new RealFirDecimator(c.taps, c.factor);
      const got: number[] = [];
      const out = new Float32Array(n);
      for (const part of split(Float32Array.from(x), [7, 64, 1, 300])) {
        const k = dec.process(part, out);
        for (let i = 0; i < k; i++) got.push(out[i]!);
      }
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
    });
  }

  it('half-bands skip their zero taps', () => {
    const hb = new ComplexFirDecimator(lowpassTaps(35, 12000, 48000), 2);
    expect(hb.multipliesPerOutput).toBe(10);
    const plain = new ComplexFirDecimator(designLowpass(1000, 4000, 48000), 4);
    expect(plain.multipliesPerOutput).toBe((plain.taps.length + 1) / 2);
  });
});
