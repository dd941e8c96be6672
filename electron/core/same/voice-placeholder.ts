/**
 * Speech-like noise standing in for the spoken message between the attention signal and the
 * EOM. Chosen over silence because on air the decoder never hears silence there: it hears
 * programme audio, and a placeholder with syllable rhythm and a voice-band spectrum keeps the
 * receiver's phantom rejection and link-state logic exercised in every encoded message.
 *
 * Noise through two resonators (formant-like, retuned each syllable), gated by a syllable
 * envelope of 4-6 Hz with phrase pauses. Deterministic for a given seed.
 */
import { mulberry32 } from '../random';

const FORMANTS: ReadonlyArray<readonly [number, number]> = [
  [730, 1090],
  [530, 1840],
  [270, 2290],
  [570, 840],
  [300, 870],
  [660, 1720],
];

/** Writes speech-like noise with peak near `amplitude` into out[start, start+count). */
export function writeSpeechLikeNoise(out: Float32Array, start: number, count: number, sampleRate: number, amplitude: number, seed: number): void {
  const rand = mulberry32(seed);
  let b1 = 0, a11 = 0, a12 = 0, y11 = 0, y12 = 0;
  let b2 = 0, a21 = 0, a22 = 0, y21 = 0, y22 = 0;
  const tune = (f1: number, f2: number): void => {
    const r1 = Math.exp((-Math.PI * 120) / sampleRate);
    a11 = 2 * r1 * Math.cos((2 * Math.PI * f1) / sampleRate);
    a12 = -r1 * r1;
    b1 = 1 - r1;
    const r2 = Math.exp((-Math.PI * 180) / sampleRate);
    a21 = 2 * r2 * Math.cos((2 * Math.PI * f2) / sampleRate);
    a22 = -r2 * r2;
    b2 = 1 - r2;
  };
  let left = 0;
  let len = 1;
  let pause = false;
  let inPhrase = 0;
  // Resonator output peaks around 4x the input's RMS for these bandwidths; scaled below.
  const gain = amplitude * 0.9;
  for (let i = 0; i < count; i++) {
    if (left <= 0) {
      if (inPhrase <= 0) {
        pause = true;
        inPhrase = 3 + Math.floor(rand() * 8);
        len = Math.floor(sampleRate * (0.15 + rand() * 0.35));
      } else {
        pause = false;
        inPhrase--;
        len = Math.floor(sampleRate * (0.12 + rand() * 0.14));
        const f = FORMANTS[Math.floor(rand() * FORMANTS.length)];
        tune(f[0] * (0.9 + rand() * 0.2), f[1] * (0.9 + rand() * 0.2));
      }
      left = len;
    }
    left--;
    const x = rand() * 2 - 1;
    const o1 = b1 * x + a11 * y11 + a12 * y12;
    y12 = y11;
    y11 = o1;
    const o2 = b2 * x + a21 * y21 + a22 * y22;
    y22 = y21;
    y21 = o2;
    const phase = (len - left) / len;
    const env = pause ? 0 : Math.sin(Math.PI * phase);
    let v = (o1 + 0.6 * o2) * env * gain * 2.5;
    if (v > amplitude) v = amplitude;
    else if (v < -amplitude) v = -amplitude;
    out[start + i] = v;
  }
}
