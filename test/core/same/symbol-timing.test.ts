import { describe, expect, it } from 'vitest';
import { ACQUIRE_GAINS, createSymbolTiming, recoverSymbol, setTimingGains, TRACK_GAINS } from '../../../electron/core/same/symbol-timing';
import { fillGaussian, mulberry32 } from '../../helpers/signals';

/**
 * What the demodulator gives for NRZ bits with one-bit correlators: the mean of +/-1 over the
 * last `window` samples, a linear ramp across each bit boundary. Bits last `period` samples
 * (the sender's clock) and the first one starts at `phase`. Returns d and the time at which each
 * bit's eye is widest (the window exactly covering the bit's end; where the strobe belongs).
 */
function nrzCorrelated(bits: Uint8Array, period: number, phase: number, window: number, noiseSigma = 0, seed = 1): { d: Float32Array; eye: Float64Array } {
  const n = Math.ceil(phase + bits.length * period + window);
  const level = (t: number): number => {
    const k = Math.floor((t - phase) / period);
    if (k < 0 || k >= bits.length) return 0;
    return bits[k] ? 1 : -1;
  };
  const d = new Float32Array(n);
  const sub = 16;
  for (let i = 0; i < n; i++) {
    // Integrate the level over (i - window, i] with sub-sample resolution.
    let acc = 0;
    for (let s = 0; s < window * sub; s++) acc += level(i - s / sub);
    d[i] = acc / (window * sub);
  }
  if (noiseSigma > 0) {
    const noise = fillGaussian(new Float32Array(n), noiseSigma, seed);
    for (let i = 0; i < n; i++) d[i] = Math.max(-1, Math.min(1, d[i] + noise[i]));
  }
  const eye = new Float64Array(bits.length);
  // Window (t - window, t] lies inside bit k when t in [start + window, end]; the middle of that.
  for (let k = 0; k < bits.length; k++) eye[k] = phase + k * period + (window + period) / 2;
  return { d, eye };
}

function preambleThenRandom(nRandom: number, seed: number): Uint8Array {
  const bits = new Uint8Array(128 + nRandom);
  for (let k = 0; k < 128; k++) bits[k] = (0xab >> (k & 7)) & 1;
  const rand = mulberry32(seed);
  for (let k = 128; k < bits.length; k++) bits[k] = rand() < 0.5 ? 1 : 0;
  return bits;
}

/** Runs the loop over d; returns each recovered strobe time and soft value. */
function strobes(d: Float32Array, rate: number, trackAfter = Infinity): { times: number[]; soft: number[]; freq: number } {
  const st = createSymbolTiming(rate);
  const times: number[] = [];
  const soft: number[] = [];
  let pos = 0;
  while (pos < d.length) {
    pos = recoverSymbol(st, d, pos, d.length);
    if (!st.bitReady) break;
    times.push(st.bitTime);
    soft.push(st.bitSoft);
    if (times.length === trackAfter) setTimingGains(st, TRACK_GAINS);
  }
  return { times, soft, freq: st.freq };
}

/** For each strobe after `from`, its distance (in bits) from the nearest eye centre, and the bit it read. */
function alignment(times: number[], eye: Float64Array, period: number, from: number): { worst: number; rms: number; offsets: number[] } {
  const offsets: number[] = [];
  for (let i = from; i < times.length; i++) {
    const k = Math.round((times[i] - eye[0]) / period);
    if (k < 0 || k >= eye.length) continue;
    offsets.push((times[i] - eye[k]) / period);
  }
  const worst = offsets.reduce((m, o) => Math.max(m, Math.abs(o)), 0);
  const rms = Math.sqrt(offsets.reduce((s, o) => s + o * o, 0) / offsets.length);
  return { worst, rms, offsets };
}

describe('SAME stage 3: symbol timing recovery', () => {
  for (const rate of [4000, 4410]) {
    const sps = rate / (3125 / 6);
    for (const err of [-0.02, 0, 0.02]) {
      for (const phase of [0.1, 0.37, 0.71]) {
        it(`locks within the preamble at a ${rate} Hz stage-2 rate, clock ${err * 100} %, start phase ${phase} bit`, () => {
          const period = sps * (1 + err);
          const bits = preambleThenRandom(400, 7);
          const { d, eye } = nrzCorrelated(bits, period, 5 + phase * period, Math.round(sps));
          const { times, soft, freq } = strobes(d, rate, 128);
          // From the second half of the preamble on, every strobe within 0.15 bit of the eye centre.
          const a = alignment(times, eye, period, 70);
          expect(a.worst).toBeLessThan(0.15);
          // The loop's clock estimate has found the sender's error.
          expect(Math.abs(freq - err)).toBeLessThan(0.006);
          // And it reads every bit.
          const k0 = Math.round((times[70] - eye[0]) / period);
          for (let i = 70; i < times.length && k0 + i - 70 < bits.length; i++) {
            expect(soft[i] > 0 ? 1 : 0, `bit ${k0 + i - 70}`).toBe(bits[k0 + i - 70]);
          }
        });
      }
    }
  }

  it('holds the phase through noise: rms timing error under 0.08 bit with noise of sigma 0.4 on d', () => {
    const rate = 4410;
    const sps = rate / (3125 / 6);
    for (const err of [-0.02, 0.02]) {
      const period = sps * (1 + err);
      const bits = preambleThenRandom(1500, 11);
      const { d, eye } = nrzCorrelated(bits, period, 3.3, Math.round(sps), 0.4, 99);
      const { times } = strobes(d, rate, 128);
      const a = alignment(times, eye, period, 128);
      expect(a.rms, `clock ${err}`).toBeLessThan(0.08);
      expect(a.worst, `clock ${err}`).toBeLessThan(0.35);
    }
  });

  it('stops at every bit and resumes where it stopped, whatever the block boundaries', () => {
    const rate = 4410;
    const sps = rate / (3125 / 6);
    const { d } = nrzCorrelated(preambleThenRandom(200, 3), sps * 1.01, 2, Math.round(sps));
    const whole = strobes(d, rate);
    const st = createSymbolTiming(rate);
    setTimingGains(st, ACQUIRE_GAINS);
    const times: number[] = [];
    const rand = mulberry32(5);
    for (let at = 0; at < d.length; ) {
      const end = Math.min(d.length, at + 1 + Math.floor(rand() * 40));
      let pos = at;
      while (pos < end) {
        pos = recoverSymbol(st, d, pos, end);
        if (st.bitReady) times.push(st.bitTime);
      }
      at = end;
    }
    expect(times).toEqual(whole.times);
  });
});
