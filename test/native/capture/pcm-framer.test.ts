import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PcmFramer, type RawPcmFormat } from '../../../native/capture/pcm-framer';

function encode(values: number[], format: RawPcmFormat): Buffer {
  const b = Buffer.alloc(values.length * (format === 's16le' ? 2 : 4));
  values.forEach((v, i) => (format === 's16le' ? b.writeInt16LE(Math.round(v * 32767), i * 2) : b.writeFloatLE(v, i * 4)));
  return b;
}

describe('PcmFramer', () => {
  for (const format of ['s16le', 'f32le'] as const) {
    it(`${format}: any chunking gives the same samples, in blocks no longer than the maximum`, () => {
      fc.assert(
        fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { maxLength: 400 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 10 }), (values, cuts) => {
          const wire = encode(values, format);
          const got: number[] = [];
          let longest = 0;
          const f = new PcmFramer(format, (b) => {
            longest = Math.max(longest, b.length);
            got.push(...b);
          }, 64);
          for (let pos = 0, k = 0; pos < wire.length; k++) {
            const n = cuts[k % cuts.length]!;
            f.push(wire.subarray(pos, pos + n));
            pos += n;
          }
          expect(got.length).toBe(values.length);
          expect(f.samples).toBe(values.length);
          expect(longest).toBeLessThanOrEqual(64);
          const tol = format === 's16le' ? 1.5 / 32768 : 1e-6; // s16: rounding plus the 32767-vs-32768 scale
          got.forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(tol));
        }),
        { numRuns: 100 },
      );
    });
  }
});
