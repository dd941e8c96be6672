import { describe, expect, it } from 'vitest';
import { aliasHz } from '../../../electron/core/same/fsk-demod';
import { BAND_CENTRE_HZ, chooseDecimation, createDownconverter, downconvert, downconverterPowerGain } from '../../../electron/core/same/downconverter';
import { MARK_HZ, NWR_TONE_HZ, SPACE_HZ, TWO_TONE_LOW_HZ } from '../../../electron/core/same/constants';
import { downconvertAll, sine } from './stages';

/**
 * The output's component at `hz` (a single DFT bin over out[from, to)) and the mean frequency
 * of the output from its phase step (meaningful when that component dominates).
 */
function measure(re: Float32Array, im: Float32Array, from: number, to: number, rate: number, hz: number): { amplitude: number; hz: number } {
  const w = (2 * Math.PI * hz) / rate;
  let ar = 0;
  let ai = 0;
  let step = 0;
  for (let i = from; i < to; i++) {
    const c = Math.cos(w * i);
    const s = Math.sin(w * i);
    ar += re[i] * c + im[i] * s;
    ai += im[i] * c - re[i] * s;
    // Phase advance between neighbours: arg(z[i] · conj(z[i-1])).
    step += Math.atan2(im[i] * re[i - 1] - re[i] * im[i - 1], re[i] * re[i - 1] + im[i] * im[i - 1]);
  }
  const n = to - from;
  return { amplitude: Math.hypot(ar, ai) / n, hz: ((step / n) * rate) / (2 * Math.PI) };
}

describe('SAME stage 1: complex band-pass and decimation', () => {
  const rates = [8000, 11025, 22050, 44100, 48000];

  it('lands every supported rate in 4-8 kHz after decimation', () => {
    for (const rate of [...rates, 96000]) {
      const d = chooseDecimation(rate);
      expect(rate / d, `${rate} Hz`).toBeGreaterThanOrEqual(4000);
      expect(rate / d, `${rate} Hz`).toBeLessThan(8000 + 1e-9);
    }
  });

  for (const rate of rates) {
    it(`passes the FSK tones (+/-50 Hz) at ${rate} Hz as an analytic signal of half the amplitude, at the aliased frequency`, () => {
      for (const f of [SPACE_HZ - 50, SPACE_HZ, BAND_CENTRE_HZ, MARK_HZ, MARK_HZ + 50]) {
        const bb = downconvertAll(sine(f, 0.5, rate, 0.5), rate);
        const out = bb.dc.outputRate;
        // Skip the filter's start-up.
        const from = Math.ceil((2 * bb.dc.taps) / bb.dc.decimation) + 1;
        const m = measure(bb.re, bb.im, from, bb.re.length, out, aliasHz(f, out));
        expect(m.amplitude, `${f} Hz amplitude`).toBeGreaterThan(0.25 * 0.97);
        expect(m.amplitude, `${f} Hz amplitude`).toBeLessThan(0.25 * 1.03);
        expect(Math.abs(m.hz - aliasHz(f, out)), `${f} Hz frequency`).toBeLessThan(0.5);
        expect(Math.abs(downconverterPowerGain(bb.dc, f) - 1)).toBeLessThan(0.06);
      }
    });

    it(`attenuates by at least 35 dB whatever would alias into the band at ${rate} Hz, and reports input energy per output sample`, () => {
      const dc = downconvertAll(new Float32Array(0), rate).dc;
      const out = dc.outputRate;
      // The complex response, both signs of frequency: beyond the stop edge (the output rate less
      // the kept half-width, from the centre) it must be down by 35 dB.
      const stopFromCentre = Math.max(out - 900, 1300);
      for (let nu = -rate / 2; nu <= rate / 2; nu += 25) {
        // Distance from the centre around the circle of frequencies (nu and nu + rate are one).
        const off = nu - BAND_CENTRE_HZ;
        const fromCentre = Math.abs(off - rate * Math.round(off / rate));
        if (fromCentre < stopFromCentre) continue;
        expect(10 * Math.log10(downconverterPowerGain(dc, nu)), `${nu} Hz`).toBeLessThan(-35);
      }
      // A real tone that would fold onto the mark frequency after decimation.
      const image = MARK_HZ + out;
      if (image < rate / 2) {
        const bb = downconvertAll(sine(image, 0.5, rate, 0.5), rate);
        const from = Math.ceil((2 * bb.dc.taps) / bb.dc.decimation) + 1;
        const m = measure(bb.re, bb.im, from, bb.re.length, out, aliasHz(MARK_HZ, out));
        expect(20 * Math.log10(m.amplitude / 0.25), `${image} Hz`).toBeLessThan(-35);
        // energy[j] sums x^2 over the D inputs of output j: mean power 0.125 for a 0.5 sine.
        let e = 0;
        for (let i = from; i < bb.energy.length; i++) e += bb.energy[i];
        const meanPower = e / ((bb.energy.length - from) * bb.dc.decimation);
        expect(Math.abs(meanPower / 0.125 - 1)).toBeLessThan(0.02);
      }
    });
  }

  it('knows its own gain at the attention tones on the band edge, to within 0.5 dB of what it does', () => {
    for (const rate of rates) {
      for (const f of [TWO_TONE_LOW_HZ, NWR_TONE_HZ]) {
        const bb = downconvertAll(sine(f, 0.5, rate, 0.5), rate);
        const from = Math.ceil((2 * bb.dc.taps) / bb.dc.decimation) + 1;
        const m = measure(bb.re, bb.im, from, bb.re.length, bb.dc.outputRate, aliasHz(f, bb.dc.outputRate));
        const measuredDb = 20 * Math.log10(m.amplitude / 0.25);
        expect(Math.abs(measuredDb - 10 * Math.log10(downconverterPowerGain(bb.dc, f))), `${rate} Hz, ${f} Hz`).toBeLessThan(0.5);
      }
    }
  });

  it('gives the same output however the input is cut (history carried across calls)', () => {
    const rate = 22050;
    const x = sine(MARK_HZ, 0.3, rate);
    const whole = downconvertAll(x, rate);
    const dc = createDownconverter(rate);
    const got: number[] = [];
    const r = new Float32Array(1000);
    const i = new Float32Array(1000);
    const e = new Float32Array(1000);
    // 1000-sample pieces instead of DOWNCONVERTER_CHUNK.
    for (let at = 0; at < x.length; at += 1000) {
      const n = downconvert(dc, x, at, Math.min(1000, x.length - at), r, i, e);
      for (let k = 0; k < n; k++) got.push(r[k], i[k]);
    }
    expect(got.length).toBe(2 * whole.re.length);
    for (let k = 0; k < whole.re.length; k++) {
      expect(Math.abs(got[2 * k] - whole.re[k])).toBeLessThan(1e-6);
      expect(Math.abs(got[2 * k + 1] - whole.im[k])).toBeLessThan(1e-6);
    }
  });
});
