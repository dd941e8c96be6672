import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PcmFramer, type RawPcmFormat } from '../../../native/capture/pcm-framer';
import { s16ToF32Sample } from '../../../electron/core/dsp/pcm16';

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

  it('s16: every code decodes exactly as s16ToF32Sample, negatives sign-extended, across odd chunk cuts', () => {
    const codes = new Int16Array(65536);
    for (let i = 0; i < codes.length; i++) codes[i] = -32768 + i;
    const wire = Buffer.from(codes.buffer);
    const got: number[] = [];
    const f = new PcmFramer('s16le', (b) => got.push(...b), 500);
    // 333-byte chunks split a sample in two at every other boundary.
    for (let pos = 0; pos < wire.length; pos += 333) f.push(wire.subarray(pos, pos + 333));
    expect(got.length).toBe(codes.length);
    for (let i = 0; i < codes.length; i++) if (got[i] !== s16ToF32Sample(codes[i]!)) throw new Error(`code ${codes[i]} decoded as ${got[i]}`);
  });

  it('one block is reused (no per-chunk allocation of samples), and the sample split across a chunk counts against the block size', () => {
    const buffers = new Set<ArrayBufferLike>();
    let longest = 0;
    let total = 0;
    const f = new PcmFramer('f32le', (b) => {
      buffers.add(b.buffer);
      longest = Math.max(longest, b.length);
      total += b.length;
    }, 1);
    const wire = encode([0.1, 0.2, 0.3, 0.4, 0.5], 'f32le');
    // Chunks of 3 bytes: every sample but the first completes in a carry.
    for (let pos = 0; pos < wire.length; pos += 3) f.push(wire.subarray(pos, pos + 3));
    expect(total).toBe(5);
    expect(longest).toBe(1);
    expect(buffers.size).toBe(1);
  });

  it('f32 chunks that start at an odd offset in their buffer (a slice of a bigger read) decode the same', () => {
    const values = [0.5, -0.25, 1e-3, -1, 0.75];
    const inner = encode(values, 'f32le');
    const big = Buffer.alloc(inner.length + 3);
    inner.copy(big, 3);
    const got: number[] = [];
    const f = new PcmFramer('f32le', (b) => got.push(...b));
    f.push(big.subarray(3));
    expect(got).toEqual(values.map((v) => Math.fround(v)));
  });
});
