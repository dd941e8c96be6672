import { describe, expect, it } from 'vitest';
import { withRoom } from '../../../electron/core/dsp/growable';

describe('withRoom (the kernels’ buffer growth)', () => {
  it('returns the same buffer while it is large enough', () => {
    const b = new Float32Array(8);
    expect(withRoom(b, 3, 8)).toBe(b);
  });

  it('grows at least twofold, keeps the held values and the array type', () => {
    const f = Float32Array.from([1, 2, 3, 4]);
    const g = withRoom(f, 3, 5);
    expect(g).toBeInstanceOf(Float32Array);
    expect(g.length).toBe(8);
    expect([...g.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(g[3]).toBe(0);
    const u = withRoom(Uint8Array.from([7, 8]), 2, 100);
    expect(u).toBeInstanceOf(Uint8Array);
    expect(u.length).toBe(100);
    expect([...u.subarray(0, 2)]).toEqual([7, 8]);
  });
});
