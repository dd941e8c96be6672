import { describe, expect, it } from 'vitest';
import { ComplexFirDecimator, U8Fs4HalfbandDecimator, U8IqMixer, lowpassTaps } from '../../../electron/core/dsp';

/** u8 IQ of a complex tone at `freqHz`, amplitude `amp` of full scale. */
function toneU8(n: number, freqHz: number, rate: number, amp = 0.8, phase0 = 0.3): Uint8Array {
  const out = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const p = phase0 + (2 * Math.PI * freqHz * i) / rate;
    out[2 * i] = Math.round(127.5 + 127.5 * amp * Math.cos(p));
    out[2 * i + 1] = Math.round(127.5 + 127.5 * amp * Math.sin(p));
  }
  return out;
}

function mixAll(m: U8IqMixer, u8: Uint8Array, chunk: number): Float32Array {
  const out = new Float32Array(u8.length);
  const tmp = new Float32Array(chunk * 2);
  for (let at = 0; at < u8.length; at += 2 * chunk) {
    const part = u8.subarray(at, Math.min(u8.length, at + 2 * chunk));
    const n = m.process(part, tmp);
    out.set(tmp.subarray(0, 2 * n), at);
  }
  return out;
}

describe('U8IqMixer', () => {
  const rate = 1_024_000;

  it.each([
    ['rate/4 (multiply-free)', rate / 4],
    ['-rate/4', -rate / 4],
    ['table NCO', 200_000],
    ['phasor NCO (long period)', 123_456.5],
  ])('moves a tone at the offset to 0 Hz: %s', (_name, offset) => {
    const u8 = toneU8(4096, offset, rate);
    const out = mixAll(new U8IqMixer(rate, offset), u8, 333);
    // After mixing, the tone is a constant phasor: every sample equals the first within quantisation.
    for (let i = 0; i < 4096; i += 97) {
      expect(out[2 * i]).toBeCloseTo(out[0]!, 1);
      expect(out[2 * i + 1]).toBeCloseTo(out[1]!, 1);
    }
    expect(Math.hypot(out[0]!, out[1]!)).toBeCloseTo(0.8, 1);
  });

  it('the rate/4 fast path equals an exact e^(-jπn/2) rotation sample for sample', () => {
    const u8 = toneU8(1001, 37_000, rate);
    const fast = mixAll(new U8IqMixer(rate, rate / 4), u8, 101);
    for (let i = 0; i < 1001; i++) {
      const re = (u8[2 * i]! - 127.5) / 127.5;
      const im = (u8[2 * i + 1]! - 127.5) / 127.5;
      const a = (-Math.PI / 2) * i;
      expect(fast[2 * i]).toBeCloseTo(re * Math.cos(a) - im * Math.sin(a), 6);
      expect(fast[2 * i + 1]).toBeCloseTo(re * Math.sin(a) + im * Math.cos(a), 6);
    }
  });

  it('refuses an offset outside the band', () => {
    expect(() => new U8IqMixer(rate, rate / 2)).toThrow(RangeError);
  });
});

describe('U8Fs4HalfbandDecimator (fused mixer + half-band)', () => {
  const rate = 2_048_000;
  for (const side of [1, -1] as const) {
    for (const nt of [11, 15, 35]) {
      it(`equals mixer + decimator (${nt} taps, channel at ${side > 0 ? '+' : '-'}rate/4)`, () => {
        const taps = lowpassTaps(nt, rate / 4, rate);
        const n = 5000;
        const u8 = new Uint8Array(2 * n);
        let s = 12345;
        for (let i = 0; i < u8.length; i++) u8[i] = (s = (s * 1103515245 + 12345) & 0x7fffffff) >>> 23;
        const fused = new U8Fs4HalfbandDecimator(taps, side);
        const mixer = new U8IqMixer(rate, (side * rate) / 4);
        const dec = new ComplexFirDecimator(taps, 2);
        const a: number[] = [];
        const b: number[] = [];
        const out = new Float32Array(2 * n);
        const mixed = new Float32Array(2 * n);
        // Different block splits on each side, odd sizes included.
        for (const [from, to] of [[0, 1], [1, 778], [778, 779], [779, 3001], [3001, n]] as const) {
          const k = fused.process(u8.subarray(2 * from, 2 * to), out);
          for (let i = 0; i < 2 * k; i++) a.push(out[i]!);
        }
        for (let at = 0; at < n; at += 1024) {
          const part = u8.subarray(2 * at, 2 * Math.min(n, at + 1024));
          const m = mixer.process(part, mixed);
          const k = dec.process(mixed.subarray(0, 2 * m), out);
          for (let i = 0; i < 2 * k; i++) b.push(out[i]!);
        }
        expect(a.length).toBe(b.length);
        // Skip the start-up transient (the two fill their history differently).
        for (let i = 2 * nt; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
      });
    }
  }
});
