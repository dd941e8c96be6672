import { describe, expect, it } from 'vitest';
import { burstLength, encodeBurst, encodeSame, MARK_HZ, SAME_BAUD, SPACE_HZ } from '../../../electron/core/same/index';
import { peak } from '../../helpers/signals';

const HEADER = 'ZCZC-WXR-RWT-029095+0030-1051700-KEAX/NWS-';

/** Power of x[from, to) at frequency f (single-bin DFT), independent of the receiver. */
function binPower(x: Float32Array, from: number, to: number, f: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * f * (i - from)) / rate;
    re += x[i] * Math.cos(w);
    im -= x[i] * Math.sin(w);
  }
  return (re * re + im * im) / ((to - from) * (to - from));
}

/** Reads `nBytes` bytes from an AFSK burst starting at `start` by comparing tone power per bit. */
function readBytes(x: Float32Array, start: number, nBytes: number, rate: number, bitRate = SAME_BAUD): number[] {
  const out: number[] = [];
  for (let b = 0; b < nBytes; b++) {
    let byte = 0;
    for (let k = 0; k < 8; k++) {
      const bit = b * 8 + k;
      const from = start + Math.ceil((bit * rate) / bitRate);
      const to = start + Math.ceil(((bit + 1) * rate) / bitRate);
      if (binPower(x, from, to, MARK_HZ, rate) > binPower(x, from, to, SPACE_HZ, rate)) byte |= 1 << k;
    }
    out.push(byte);
  }
  return out;
}

/** [start, end) of each run of non-zero samples longer than 10 ms. */
function segments(x: Float32Array, rate: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < x.length) {
    while (i < x.length && x[i] === 0) i++;
    const s = i;
    // A burst may cross zero exactly at a sample; treat a segment as ended after 5 ms of zeros.
    let zeros = 0;
    while (i < x.length && zeros < rate * 0.005) {
      zeros = x[i] === 0 ? zeros + 1 : 0;
      i++;
    }
    const e = i - zeros;
    if (e - s > rate * 0.01) out.push([s, e]);
  }
  return out;
}

describe('encodeSame', () => {
  for (const rate of [8000, 11025, 22050, 44100, 48000, 96000]) {
    it(`lays out a compliant message at ${rate} Hz`, () => {
      const x = encodeSame({ header: HEADER, sampleRate: rate, leadSilenceS: 0.5, tailSilenceS: 0.5 });
      const hLen = burstLength(HEADER.length, { sampleRate: rate });
      const eLen = burstLength(4, { sampleRate: rate });
      const gap = rate;
      const att = 8 * rate;
      expect(x.length).toBe(Math.round(0.5 * rate) * 2 + 3 * hLen + 3 * gap + att + gap + 3 * eLen + 2 * gap);

      const segs = segments(x, rate);
      // 3 headers, the attention tone, 3 EOMs.
      expect(segs.length).toBe(7);
      for (let k = 0; k < 3; k++) expect(Math.abs(segs[k][1] - segs[k][0] - hLen)).toBeLessThanOrEqual(2);
      for (let k = 0; k < 2; k++) expect(Math.abs(segs[k + 1][0] - segs[k][1] - gap)).toBeLessThanOrEqual(2);
      expect(Math.abs(segs[3][1] - segs[3][0] - att)).toBeLessThanOrEqual(2);
      for (let k = 4; k < 7; k++) expect(Math.abs(segs[k][1] - segs[k][0] - eLen)).toBeLessThanOrEqual(2);

      // Each header burst: 16 x 0xAB then the text, LSB first, mark 2083.3 / space 1562.5 Hz.
      for (let k = 0; k < 3; k++) {
        const bytes = readBytes(x, segs[k][0], 16 + HEADER.length, rate);
        expect(bytes.slice(0, 16)).toEqual(new Array(16).fill(0xab));
        expect(String.fromCharCode(...bytes.slice(16))).toBe(HEADER);
      }
      for (let k = 4; k < 7; k++) {
        const bytes = readBytes(x, segs[k][0], 20, rate);
        expect(String.fromCharCode(...bytes.slice(16))).toBe('NNNN');
      }
      // The attention tone is 1050 Hz.
      const mid = segs[3][0] + rate;
      expect(binPower(x, mid, mid + rate / 10, 1050, rate)).toBeGreaterThan(0.05);
      expect(peak(x)).toBeLessThanOrEqual(0.5 + 1e-6);
    });
  }

  it('is phase-continuous inside a burst (no step larger than one sample of the mark tone)', () => {
    const rate = 22050;
    const x = encodeBurst(HEADER, { sampleRate: rate, amplitude: 0.5 });
    const maxStep = 0.5 * ((2 * Math.PI * MARK_HZ) / rate) * 1.001;
    let worst = 0;
    for (let i = 1; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - x[i - 1]));
    expect(worst).toBeLessThanOrEqual(maxStep);
  });

  it('honours a sender bit clock and tone offset (for impairment tests)', () => {
    const rate = 22050;
    const bitRate = SAME_BAUD * 1.02;
    const x = encodeBurst(HEADER, { sampleRate: rate, bitRate, toneOffsetHz: 0 });
    expect(x.length).toBe(Math.ceil(((16 + HEADER.length) * 8 * rate) / bitRate));
    expect(String.fromCharCode(...readBytes(x, 0, 16 + HEADER.length, rate, bitRate).slice(16))).toBe(HEADER);
    // All-mark payload sent 50 Hz high: its energy sits at 2133 Hz, not 2083 Hz.
    const allMark = new Uint8Array(20).fill(0xff);
    const shifted = encodeBurst(allMark, { sampleRate: rate, toneOffsetHz: 50 });
    const from = Math.ceil((16 * 8 * rate) / SAME_BAUD) + 10;
    const to = from + Math.round(0.2 * rate);
    expect(binPower(shifted, from, to, MARK_HZ + 50, rate)).toBeGreaterThan(50 * binPower(shifted, from, to, MARK_HZ, rate));
  });

  it('writes a two-tone attention signal of the chosen length and a voice placeholder', () => {
    const rate = 16000;
    const x = encodeSame({ header: HEADER, sampleRate: rate, attention: { kind: 'two-tone', seconds: 3 }, voiceSeconds: 4, amplitude: 0.3 });
    const segs = segments(x, rate);
    const att = segs[3];
    expect(Math.abs(att[1] - att[0] - 3 * rate)).toBeLessThanOrEqual(2);
    const mid = att[0] + rate;
    const p853 = binPower(x, mid, mid + rate / 5, 853, rate);
    const p960 = binPower(x, mid, mid + rate / 5, 960, rate);
    // Each tone at half the peak amplitude: bin power (0.15 / 2)^2.
    expect(p853).toBeCloseTo(0.005625, 3);
    expect(p960).toBeCloseTo(0.005625, 3);
    expect(binPower(x, mid, mid + rate / 5, 1050, rate)).toBeLessThan(p853 / 100);
    expect(peak(x)).toBeLessThanOrEqual(0.3 + 1e-6);
    // Voice placeholder: 4 s of non-silent audio between the attention signal and the EOMs.
    const voiceStart = att[1] + rate;
    let energy = 0;
    for (let i = voiceStart; i < voiceStart + 4 * rate; i++) energy += x[i] * x[i];
    expect(energy / (4 * rate)).toBeGreaterThan(1e-4);
    // Deterministic.
    const again = encodeSame({ header: HEADER, sampleRate: rate, attention: { kind: 'two-tone', seconds: 3 }, voiceSeconds: 4, amplitude: 0.3 });
    expect(again.length).toBe(x.length);
    expect(again.every((v, i) => v === x[i])).toBe(true);
  });

  it('can leave out the attention signal', () => {
    const rate = 8000;
    const x = encodeSame({ header: HEADER, sampleRate: rate, attention: null });
    expect(segments(x, rate).length).toBe(6);
  });

  it('refuses text that is not 7-bit ASCII and rates outside 8-192 kHz', () => {
    expect(() => encodeSame({ header: 'ZCZC-WXR-RWT-029095+0030-1051700-KEAX/NWŠ-', sampleRate: 22050 })).toThrow(/7-bit ASCII/);
    expect(() => encodeSame({ header: HEADER, sampleRate: 4000 })).toThrow(/outside/);
  });
});
