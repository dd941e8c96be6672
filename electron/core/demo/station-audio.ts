/**
 * Station-like audio made in code for the demo source: a talker (glottal pulses through
 * moving formant resonators, syllable envelopes, fricatives, phrase pauses) over a quiet
 * music bed, so meters, waveforms, silence detection and the decoder all see realistic
 * material. Never silent: the bed stays around -35 dBFS through pauses.
 */
import { mulberry32 } from '../random';

/** Two-pole resonator state: a bandpass at a formant, retuned once per syllable. */
interface Resonator {
  b0: number;
  a1: number;
  a2: number;
  y1: number;
  y2: number;
}

function tune(r: Resonator, freq: number, bandwidth: number, rate: number): void {
  const rad = Math.exp((-Math.PI * bandwidth) / rate);
  r.a1 = 2 * rad * Math.cos((2 * Math.PI * freq) / rate);
  r.a2 = -rad * rad;
  r.b0 = 1 - rad;
}

// Vowel formant pairs (F1, F2) in Hz, roughly /a e i o u/ for an adult talker.
const VOWELS: ReadonlyArray<readonly [number, number]> = [
  [730, 1090],
  [530, 1840],
  [270, 2290],
  [570, 840],
  [300, 870],
  [660, 1720],
];
// A major-ish chord progression for the bed, Hz.
const CHORDS: ReadonlyArray<readonly number[]> = [
  [220, 277.2, 329.6],
  [196, 246.9, 293.7],
  [174.6, 220, 261.6],
  [196, 246.9, 329.6],
];

export class StationAudio {
  private readonly rand: () => number;
  private readonly f1: Resonator = { b0: 0, a1: 0, a2: 0, y1: 0, y2: 0 };
  private readonly f2: Resonator = { b0: 0, a1: 0, a2: 0, y1: 0, y2: 0 };
  private n = 0;
  private glottalPhase = 0;
  private f0 = 120;
  private syllableLeft = 0;
  private syllableLen = 1;
  private pauseLeft = 0;
  private syllablesInPhrase = 0;
  private fricative = false;
  private hpPrev = 0;
  private hpOut = 0;
  private readonly chordPhase = new Float64Array(3);
  private chord = 0;
  private chordLeft = 0;

  constructor(
    private readonly rate: number,
    seed = 1,
    private readonly voiceLevel = 0.6,
    private readonly bedLevel = 0.02,
  ) {
    this.rand = mulberry32(seed);
    this.nextSyllable();
  }

  private nextSyllable(): void {
    const r = this.rand;
    if (this.syllablesInPhrase <= 0) {
      // Phrase break: 0.2-0.7 s pause, then 6-18 syllables.
      this.pauseLeft = Math.floor((0.2 + 0.5 * r()) * this.rate);
      this.syllablesInPhrase = 6 + Math.floor(r() * 12);
      this.f0 = 95 + r() * 60;
    }
    this.syllablesInPhrase--;
    this.syllableLen = Math.floor((0.12 + 0.16 * r()) * this.rate);
    this.syllableLeft = this.syllableLen;
    this.fricative = r() < 0.25;
    const v = VOWELS[Math.floor(r() * VOWELS.length)]!;
    tune(this.f1, v[0] * (0.9 + 0.2 * r()), 90, this.rate);
    tune(this.f2, v[1] * (0.9 + 0.2 * r()), 120, this.rate);
  }

  /** Fills `out` with the next block of audio in -1..1. */
  fill(out: Float32Array): Float32Array {
    const rate = this.rate;
    const r = this.rand;
    const f1 = this.f1;
    const f2 = this.f2;
    for (let i = 0; i < out.length; i++) {
      if (this.chordLeft <= 0) {
        this.chord = (this.chord + 1) % CHORDS.length;
        this.chordLeft = Math.floor(2.5 * rate);
      }
      this.chordLeft--;
      const chord = CHORDS[this.chord]!;
      let bed = 0;
      for (let k = 0; k < 3; k++) {
        const ph = this.chordPhase[k]! + chord[k]! / rate;
        this.chordPhase[k] = ph - Math.floor(ph);
        bed += Math.sin(2 * Math.PI * this.chordPhase[k]!);
      }
      bed *= this.bedLevel / 3;

      let voice = 0;
      if (this.pauseLeft > 0) {
        this.pauseLeft--;
      } else {
        const pos = 1 - this.syllableLeft / this.syllableLen;
        // Raised-sine syllable envelope with a slight falling intonation.
        const env = Math.sin(Math.PI * pos);
        const pitch = this.f0 * (1.1 - 0.2 * pos);
        this.glottalPhase += pitch / rate;
        let excitation = 0;
        if (this.glottalPhase >= 1) {
          this.glottalPhase -= 1;
          excitation = 1;
        }
        excitation += (r() - 0.5) * 0.05;
        const y1 = f1.b0 * excitation + f1.a1 * f1.y1 + f1.a2 * f1.y2;
        f1.y2 = f1.y1;
        f1.y1 = y1;
        const y2 = f2.b0 * excitation + f2.a1 * f2.y1 + f2.a2 * f2.y2;
        f2.y2 = f2.y1;
        f2.y1 = y2;
        voice = (y1 + 0.6 * y2) * 6 * env;
        if (this.fricative && pos < 0.3) {
          // First-difference high-pass of white noise: a rough "s"/"f".
          const w = r() * 2 - 1;
          this.hpOut = 0.5 * (this.hpOut + w - this.hpPrev);
          this.hpPrev = w;
          voice += this.hpOut * 0.5 * (1 - pos / 0.3);
        }
        if (--this.syllableLeft <= 0) this.nextSyllable();
      }
      let s = voice * this.voiceLevel + bed;
      if (s > 0.98) s = 0.98;
      else if (s < -0.98) s = -0.98;
      out[i] = s;
      this.n++;
    }
    return out;
  }
}
