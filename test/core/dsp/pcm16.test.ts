import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f32ToS16, f32ToS16Sample, s16ToF32, s16ToF32Sample, S16_SCALE } from '../../../electron/core/dsp/pcm16';

const MAX = 32767;
const MIN = -32768;

describe('f32 <-> s16', () => {
  it('full scale and beyond clip to the s16 range', () => {
    expect(f32ToS16Sample(-1)).toBe(MIN);
    // +1.0 has no s16 code (2^15 would be 32768): it clips to the largest.
    expect(f32ToS16Sample(1)).toBe(MAX);
    expect(f32ToS16Sample(1.5)).toBe(MAX);
    expect(f32ToS16Sample(-1.5)).toBe(MIN);
    expect(f32ToS16Sample(Number.POSITIVE_INFINITY)).toBe(MAX);
    expect(f32ToS16Sample(Number.NEGATIVE_INFINITY)).toBe(MIN);
  });

  it('NaN becomes silence, not a full-scale click', () => {
    expect(f32ToS16Sample(Number.NaN)).toBe(0);
    expect(Array.from(f32ToS16(Float32Array.from([Number.NaN, 0.5, Number.NaN])))).toEqual([0, 16384, 0]);
  });

  it('rounds to the nearest code (halves towards +inf), never truncates', () => {
    const lsb = 1 / S16_SCALE;
    expect(f32ToS16Sample(0.4 * lsb)).toBe(0);
    expect(f32ToS16Sample(0.6 * lsb)).toBe(1);
    expect(f32ToS16Sample(-0.6 * lsb)).toBe(-1);
    // Truncation would give 0 for both of these.
    expect(f32ToS16Sample(0.9 * lsb)).toBe(1);
    expect(f32ToS16Sample(-0.9 * lsb)).toBe(-1);
    expect(f32ToS16Sample(0.5 * lsb)).toBe(1);
    expect(Object.is(f32ToS16Sample(-0.5 * lsb), 0)).toBe(true);
    expect(f32ToS16Sample(-1.5 * lsb)).toBe(-1);
    expect(f32ToS16Sample(1.5 * lsb)).toBe(2);
    // The block form rounds the same way as the sample form.
    expect(Array.from(f32ToS16(Float32Array.from([-0.5 * lsb, 0.5 * lsb, -0.9 * lsb, 0.9 * lsb])))).toEqual([0, 1, -1, 1]);
  });

  it('every s16 code survives s16 -> f32 -> s16 bit for bit', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = MIN + i;
    const back = f32ToS16(s16ToF32(all));
    expect(back).toEqual(all);
    expect(s16ToF32Sample(MIN)).toBe(-1);
    expect(s16ToF32Sample(MAX)).toBe(MAX / S16_SCALE);
  });

  it('block and sample forms agree on any input', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 200 }), (values) => {
        const src = Float32Array.from(values);
        const block = f32ToS16(src);
        src.forEach((v, i) => expect(block[i]).toBe(f32ToS16Sample(v)));
      }),
      { numRuns: 200 },
    );
  });

  it('fills a caller-owned buffer and returns only the filled part', () => {
    const dst = new Int16Array(8);
    const got = f32ToS16(Float32Array.from([0.25, -0.25]), dst);
    expect(got.buffer).toBe(dst.buffer);
    expect(Array.from(got)).toEqual([8192, -8192]);
    const f = new Float32Array(4);
    expect(s16ToF32(Int16Array.from([16384]), f).buffer).toBe(f.buffer);
    expect(() => f32ToS16(new Float32Array(9), dst)).toThrow(RangeError);
  });
});
