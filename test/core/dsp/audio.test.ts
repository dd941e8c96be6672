import { describe, expect, it } from 'vitest';
import { Deemphasis, FmDiscriminator, RationalResampler, fastAtan2 } from '../../../electron/core/dsp';
import { concat, fitTone } from './tone-fit';

describe('fastAtan2', () => {
  it('stays within 2e-5 rad of Math.atan2 all the way round', () => {
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      const a = (i / 20000) * 2 * Math.PI - Math.PI;
      const r = 0.001 + (i % 7);
      const y = r * Math.sin(a);
      const x = r * Math.cos(a);
      worst = Math.max(worst, Math.abs(fastAtan2(y, x) - Math.atan2(y, x)));
    }
    expect(worst).toBeLessThan(2e-5);
    expect(fastAtan2(0, 0)).toBe(0);
  });
});

describe('FmDiscriminator', () => {
  it('turns a constant frequency offset into a constant level scaled by the deviation', () => {
    const rate = 32000;
    const disc = new FmDiscriminator(rate, 5000);
    const n = 256;
    const iq = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const p = (2 * Math.PI * 2500 * i) / rate;
      iq[2 * i] = 0.3 * Math.cos(p);
      iq[2 * i + 1] = 0.3 * Math.sin(p);
    }
    const out = new Float32Array(n);
    disc.process(iq, out);
    for (let i = 1; i < n; i++) expect(out[i]).toBeCloseTo(0.5, 4);
  });
});

describe('Deemphasis', () => {
  it('follows 1/(1 + jωτ) for 75 µs at the discriminator rate', () => {
    const rate = 256000;
    for (const f of [500, 2122, 5000, 10000]) {
      const d = new Deemphasis(rate, 75e-6);
      const x = Float32Array.from({ length: rate / 10 }, (_, i) => Math.sin((2 * Math.PI * f * i) / rate));
      d.process(x, x);
      const got = fitTone(x.subarray(rate / 20), f, rate).amplitude;
      const want = 1 / Math.hypot(1, 2 * Math.PI * f * 75e-6);
      expect(20 * Math.log10(got / want)).toBeCloseTo(0, 1);
    }
  });
});

describe('RationalResampler', () => {
  it.each([
    [32000, 22050, 1000],
    [48000, 22050, 3000],
    [31250, 22050, 2083.3],
    [30720, 22050, 440],
  ])('%i -> %i Hz keeps a %f Hz tone (amplitude and frequency) across uneven blocks', (inRate, outRate, f) => {
    const rs = new RationalResampler({ inputRate: inRate, outputRate: outRate, passHz: 4000, stopHz: 6500 });
    const x = Float32Array.from({ length: inRate }, (_, i) => 0.7 * Math.sin((2 * Math.PI * f * i) / inRate));
    const parts: Float32Array[] = [];
    const out = new Float32Array(rs.maxOutput(4096));
    for (let at = 0, k = 0; at < x.length; k++) {
      const n = [1, 4096, 333, 1000][k % 4]!;
      const got = rs.process(x.subarray(at, Math.min(x.length, at + n)), out);
      parts.push(out.slice(0, got));
      at += n;
    }
    const y = concat(parts);
    expect(Math.abs(y.length - outRate)).toBeLessThanOrEqual(2);
    const fit = fitTone(y.subarray(200), f, outRate);
    expect(fit.amplitude).toBeCloseTo(0.7, 2);
    expect(fit.snrDb).toBeGreaterThan(50);
  });

  it('removes what lies above its stop edge', () => {
    const rs = new RationalResampler({ inputRate: 32000, outputRate: 22050, passHz: 4000, stopHz: 6500 });
    const x = Float32Array.from({ length: 32000 }, (_, i) => Math.sin((2 * Math.PI * 9000 * i) / 32000));
    const y = new Float32Array(rs.maxOutput(x.length));
    const n = rs.process(x, y);
    let peak = 0;
    for (let i = 200; i < n; i++) peak = Math.max(peak, Math.abs(y[i]!));
    expect(20 * Math.log10(peak)).toBeLessThan(-55);
  });

  it('refuses ratios that would need a huge filter bank', () => {
    expect(() => new RationalResampler({ inputRate: 1_000_003, outputRate: 22050 })).toThrow(/filter phases/);
  });
});
