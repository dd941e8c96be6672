/**
 * Test signal generators and channel impairments, shared by the decoder tests, benchmarks and
 * anyone else who needs reproducible audio: seeded white noise, filters, FM pre-/de-emphasis,
 * clipping, level changes, speech-like noise, music-like tones and WAV/s16 helpers.
 * Everything is deterministic for a given seed.
 */
import { mulberry32 } from '../../electron/core/random';
import { wav16Header } from '../../native/wav';

export { mulberry32 };

/** Fills `out` with N(0, sigma^2) noise (Box-Muller, both outputs used). */
export function fillGaussian(out: Float32Array, sigma: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rand();
    const v = rand();
    const m = Math.sqrt(-2 * Math.log(u)) * sigma;
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Power of a sine of peak `amplitude` (the AFSK signal power used in SNR definitions). */
export function sinePower(amplitude: number): number {
  return (amplitude * amplitude) / 2;
}

/**
 * Adds white Gaussian noise over 0..fs/2 so that SNR = signalPower / noise variance (the issue's
 * definition: AFSK power / noise variance). Returns a new array.
 */
export function addAwgn(x: Float32Array, snrDb: number, seed: number, signalPower = sinePower(0.5)): Float32Array {
  const sigma = Math.sqrt(signalPower / Math.pow(10, snrDb / 10));
  const noise = fillGaussian(new Float32Array(x.length), sigma, seed);
  for (let i = 0; i < x.length; i++) noise[i] += x[i];
  return noise;
}

/** Direct-form-I biquad, processed in place. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export function biquadLowpass(rate: number, f: number, q: number): Biquad {
  const w = (2 * Math.PI * f) / rate;
  const alpha = Math.sin(w) / (2 * q);
  const c = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - alpha) / a0 };
}

export function biquadHighpass(rate: number, f: number, q: number): Biquad {
  const w = (2 * Math.PI * f) / rate;
  const alpha = Math.sin(w) / (2 * q);
  const c = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - alpha) / a0 };
}

export function applyBiquad(x: Float32Array, f: Biquad): Float32Array {
  const y = new Float32Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const o = f.b0 * v + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1;
    x1 = v;
    y2 = y1;
    y1 = o;
    y[i] = o;
  }
  return y;
}

const BUTTERWORTH4_Q = [0.5411961, 1.3065630];

/** 4th-order Butterworth band limit (telephone/STL-like), e.g. 300-3000 Hz. */
export function bandLimit(x: Float32Array, rate: number, lowHz = 300, highHz = 3000): Float32Array {
  let y = x;
  for (const q of BUTTERWORTH4_Q) y = applyBiquad(y, biquadHighpass(rate, lowHz, q));
  for (const q of BUTTERWORTH4_Q) y = applyBiquad(y, biquadLowpass(rate, highHz, q));
  return y;
}

/** First-order section from the bilinear transform of (1 + s·tz) / (1 + s·tp). */
function firstOrder(x: Float32Array, rate: number, tz: number, tp: number): Float32Array {
  const k = 2 * rate;
  const b0 = 1 + k * tz;
  const b1 = 1 - k * tz;
  const a0 = 1 + k * tp;
  const a1 = 1 - k * tp;
  const y = new Float32Array(x.length);
  let x1 = 0, y1 = 0;
  for (let i = 0; i < x.length; i++) {
    const o = (b0 * x[i] + b1 * x1 - a1 * y1) / a0;
    x1 = x[i];
    y1 = o;
    y[i] = o;
  }
  return y;
}

/**
 * FM pre-emphasis (boost rising 6 dB/octave above 1/(2πτ), 2.1 kHz for 75 µs), shelved at
 * `ceilingHz` so it stays bounded. Unity at DC.
 */
export function preEmphasis(x: Float32Array, rate: number, tauUs = 75, ceilingHz = 9000): Float32Array {
  return firstOrder(x, rate, tauUs * 1e-6, 1 / (2 * Math.PI * ceilingHz));
}

/** FM de-emphasis: first-order low-pass with time constant τ (75 µs: -3 dB at 2.1 kHz). */
export function deEmphasis(x: Float32Array, rate: number, tauUs = 75): Float32Array {
  return firstOrder(x, rate, 0, tauUs * 1e-6);
}

/** Scales by `gain` and hard-clips at +/-1 (overdriven input). */
export function clip(x: Float32Array, gain: number, limit = 1): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] * gain;
    y[i] = v > limit ? limit : v < -limit ? -limit : v;
  }
  return y;
}

export function peak(x: Float32Array): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > p) p = a;
  }
  return p;
}

/** Scales so the peak sits at `dbfs` (e.g. -40). */
export function scaleToPeakDbfs(x: Float32Array, dbfs: number): Float32Array {
  const g = Math.pow(10, dbfs / 20) / (peak(x) || 1);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * g;
  return y;
}

export function scale(x: Float32Array, gain: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * gain;
  return y;
}

/** Rounds to 16-bit steps (what a WAV file or sound card does), clipping at full scale. */
export function quantizeS16(x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(Math.max(-1, Math.min(1, x[i])) * 32767);
    y[i] = v / 32768;
  }
  return y;
}

export function toS16le(x: Float32Array): Buffer {
  const out = Buffer.alloc(x.length * 2);
  for (let i = 0; i < x.length; i++) out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x[i])) * 32767), 2 * i);
  return out;
}

export function fromS16le(buf: Buffer): Float32Array {
  const n = buf.length >> 1;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = buf.readInt16LE(2 * i) / 32768;
  return y;
}

/** A mono 16-bit PCM WAV file. */
export function wavS16(x: Float32Array, rate: number): Buffer {
  const data = toS16le(x);
  return Buffer.concat([wav16Header(rate, data.length), data]);
}

/** Concatenates buffers. */
export function concat(...parts: Float32Array[]): Float32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function silence(seconds: number, rate: number): Float32Array {
  return new Float32Array(Math.round(seconds * rate));
}

/** Adds `y` into `x` at `offset` (in place; y is cut at x's end). */
export function mixInto(x: Float32Array, y: Float32Array, offset: number, gain = 1): Float32Array {
  const n = Math.min(y.length, x.length - offset);
  for (let i = 0; i < n; i++) x[offset + i] += gain * y[i];
  return x;
}

// Vowel formants (F1, F2, F3), Hz.
const VOWELS: ReadonlyArray<readonly [number, number, number]> = [
  [730, 1090, 2440],
  [530, 1840, 2480],
  [270, 2290, 3010],
  [570, 840, 2410],
  [300, 870, 2240],
  [660, 1720, 2410],
  [490, 1350, 1690],
];

/**
 * Speech-like audio: a glottal pulse train (pitch 85-240 Hz with intonation, so its harmonics
 * sweep through 853/960/1050/1562/2083 Hz) through three formant resonators, fricative noise
 * bursts, syllable envelopes (~4-6 per second) and phrase pauses. Peak about `level`.
 */
export function speechLike(seconds: number, rate: number, seed: number, level = 0.5): Float32Array {
  const n = Math.round(seconds * rate);
  const out = new Float32Array(n);
  const rand = mulberry32(seed);
  const res = [0, 0, 0].map(() => ({ b0: 0, a1: 0, a2: 0, y1: 0, y2: 0 }));
  const tune = (k: number, f: number, bw: number): void => {
    const r = Math.exp((-Math.PI * bw) / rate);
    res[k].a1 = 2 * r * Math.cos((2 * Math.PI * f) / rate);
    res[k].a2 = -r * r;
    res[k].b0 = 1 - r;
  };
  let left = 0;
  let len = 1;
  let voiced = true;
  let pause = false;
  let inPhrase = 0;
  let f0 = 100 + rand() * 120;
  let f0Slope = 0;
  let phase = 0;
  let hp = 0;
  let hpIn = 0;
  for (let i = 0; i < n; i++) {
    if (left <= 0) {
      if (inPhrase <= 0) {
        pause = true;
        inPhrase = 3 + Math.floor(rand() * 9);
        len = Math.floor(rate * (0.1 + rand() * 0.5));
        f0 = 85 + rand() * 155;
      } else {
        pause = false;
        inPhrase--;
        voiced = rand() > 0.2;
        len = Math.floor(rate * (0.1 + rand() * 0.2));
        const v = VOWELS[Math.floor(rand() * VOWELS.length)];
        const j = 0.85 + rand() * 0.3;
        tune(0, v[0] * j, 90);
        tune(1, v[1] * j, 120);
        tune(2, v[2] * j, 180);
        f0Slope = ((rand() - 0.5) * 60) / len;
      }
      left = len;
    }
    left--;
    f0 += f0Slope;
    if (f0 < 75) f0 = 75;
    if (f0 > 260) f0 = 260;
    let src: number;
    if (voiced) {
      phase += f0 / rate;
      // Glottal pulse: a short decaying spike each period, rich in harmonics.
      if (phase >= 1) phase -= 1;
      src = phase < 0.08 ? Math.sin((Math.PI * phase) / 0.08) : 0;
      src += (rand() - 0.5) * 0.05;
    } else {
      src = (rand() - 0.5) * 0.6;
    }
    let y = 0;
    for (let k = 0; k < 3; k++) {
      const r = res[k];
      const o = r.b0 * src + r.a1 * r.y1 + r.a2 * r.y2;
      r.y2 = r.y1;
      r.y1 = o;
      y += o * (k === 0 ? 1 : k === 1 ? 0.7 : 0.4);
    }
    // Remove DC so the level reflects the audible part.
    hp = 0.995 * (hp + y - hpIn);
    hpIn = y;
    const pos = (len - left) / len;
    const env = pause ? 0.01 : Math.sin(Math.PI * pos) ** 0.5;
    out[i] = hp * env;
  }
  const p = peak(out) || 1;
  for (let i = 0; i < n; i++) out[i] *= level / p;
  return out;
}

const A4 = 440;
function noteHz(semitonesFromA4: number): number {
  return A4 * Math.pow(2, semitonesFromA4 / 12);
}

/**
 * Music-like audio: chords of 3-4 equal-tempered notes with harmonics (1/k), attack/decay
 * envelopes, vibrato and a melody line that includes G6 (1568 Hz, next to SAME space), C7
 * (2093 Hz, next to mark) and C6 (1046.5 Hz, next to the NWR tone), plus noise-burst
 * percussion. Peak about `level`.
 */
export function musicLike(seconds: number, rate: number, seed: number, level = 0.5): Float32Array {
  const n = Math.round(seconds * rate);
  const out = new Float32Array(n);
  const rand = mulberry32(seed);
  const MAX_VOICES = 5;
  const freq = new Float64Array(MAX_VOICES);
  const ph = new Float64Array(MAX_VOICES * 4);
  const amp = new Float64Array(MAX_VOICES);
  let voices = 0;
  let left = 0;
  let len = 1;
  let drum = 0;
  const melodyNotes = [-9, -5, 0, 3, 7, 12, 15, 19, 22, 24, 27, 31]; // includes C6 (+15), G6 (+22), C7 (+27)
  for (let i = 0; i < n; i++) {
    if (left <= 0) {
      len = Math.floor(rate * (0.15 + rand() * 0.6));
      left = len;
      const root = -21 + Math.floor(rand() * 12);
      const third = rand() > 0.5 ? 4 : 3;
      voices = 0;
      for (const st of [root, root + third, root + 7]) {
        freq[voices] = noteHz(st);
        amp[voices] = 0.5;
        voices++;
      }
      if (rand() > 0.3) {
        freq[voices] = noteHz(melodyNotes[Math.floor(rand() * melodyNotes.length)]);
        amp[voices] = 0.8;
        voices++;
      }
      if (rand() > 0.6) drum = Math.floor(rate * 0.06);
    }
    left--;
    const t = (len - left) / rate;
    const env = Math.min(1, t / 0.02) * Math.exp(-t * 2.5);
    const vib = 1 + 0.004 * Math.sin(2 * Math.PI * 5.5 * (i / rate));
    let y = 0;
    for (let v = 0; v < voices; v++) {
      const f = freq[v] * vib;
      for (let h = 1; h <= 4; h++) {
        const idx = v * 4 + h - 1;
        ph[idx] += (2 * Math.PI * f * h) / rate;
        if (ph[idx] > 2 * Math.PI) ph[idx] -= 2 * Math.PI;
        y += (amp[v] / h) * Math.sin(ph[idx]);
      }
    }
    y *= env;
    if (drum > 0) {
      y += (rand() - 0.5) * 1.5 * (drum / (rate * 0.06));
      drum--;
    }
    out[i] = y;
  }
  const p = peak(out) || 1;
  for (let i = 0; i < n; i++) out[i] *= level / p;
  return out;
}

/** Soft bits (+1 mark / -1 space) for bytes, LSB first: drives the framer without audio. */
export function bytesToSoftBits(bytes: Uint8Array | readonly number[], strength = 1): Float32Array {
  const out = new Float32Array(bytes.length * 8);
  for (let i = 0; i < bytes.length; i++) for (let k = 0; k < 8; k++) out[i * 8 + k] = (bytes[i] >> k) & 1 ? strength : -strength;
  return out;
}

export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
