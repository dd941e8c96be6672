import { describe, expect, it } from 'vitest';
import { SameReceiver, encodeSame } from '../../../electron/core/same';
import { SAMPLE_LIMIT, SampleGuard } from '../../../electron/engine/pipeline/sample-guard';

const RATE = 22050;
const HEADER = 'ZCZC-WXR-TOR-029095+0030-1051700-KEAX/NWS-';

describe('SampleGuard', () => {
  it('passes an in-range block through untouched, without a copy', () => {
    const g = new SampleGuard();
    const block = Float32Array.from([0, 0.5, -1, 1.2, -SAMPLE_LIMIT, SAMPLE_LIMIT]);
    expect(g.apply(block)).toBe(block);
    expect(g.fixed).toBe(0);
  });

  it('clamps what is not audio in a copy and counts it, leaving the input as it was', () => {
    const g = new SampleGuard();
    const block = Float32Array.from([0.1, NaN, 1e30, -Infinity, 0.2]);
    const out = g.apply(block);
    expect(out).not.toBe(block);
    expect(Array.from(out)).toEqual([Math.fround(0.1), 0, SAMPLE_LIMIT, -SAMPLE_LIMIT, Math.fround(0.2)]);
    expect(g.fixed).toBe(3);
    expect(Number.isNaN(block[1])).toBe(true);
  });

  it('keeps the SAME receiver hearing after a sample that would overflow its sums', () => {
    for (const spike of [1e20, 3e38, NaN]) {
      const g = new SampleGuard();
      const headers: string[] = [];
      const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => e.type === 'header' && headers.push(e.raw) });
      const junk = new Float32Array(RATE);
      junk[100] = spike;
      rx.push(g.apply(junk));
      rx.push(g.apply(encodeSame({ header: HEADER, sampleRate: RATE, attention: null })));
      rx.flush();
      expect(headers, `after a ${spike} sample`).toEqual([HEADER]);
    }
  });
});
