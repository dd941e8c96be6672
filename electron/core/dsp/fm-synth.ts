/**
 * FM transmitter simulation producing the u8 IQ an RTL-SDR would: a carrier at
 * `carrierOffsetHz` from the tuned centre, frequency-modulated by `audio`, plus complex
 * Gaussian noise, quantised to offset-binary bytes. Tests, the benchmark and rtl_tcp test
 * servers use it as the "air"; it streams, so hours of signal never sit in memory.
 */
export interface FmIqSynthOptions {
  iqRate: number;
  /** Modulating signal; ±1 maps to ±deviationHz. Linearly interpolated up to iqRate. */
  audio: Float32Array;
  audioRate: number;
  deviationHz: number;
  carrierOffsetHz: number;
  /** Carrier amplitude, full scale = 1; 0 for noise only. Default 0.5. */
  amplitude?: number;
  /** Total complex noise power over the full band in dBFS; null for none. */
  noiseDbfs?: number | null;
  seed?: number;
}

export class FmIqSynth {
  readonly iqRate: number;
  /** IQ samples that cover the audio; fill() continues with an unmodulated carrier after. */
  readonly totalSamples: number;
  position = 0;
  private readonly audio: Float32Array;
  private readonly audioStep: number;
  private readonly carrierStep: number;
  private readonly devStep: number;
  private readonly amp: number;
  private readonly sigma: number;
  private phase = 0;
  private rng: number;

  constructor(opts: FmIqSynthOptions) {
    this.iqRate = opts.iqRate;
    this.audio = opts.audio;
    this.audioStep = opts.audioRate / opts.iqRate;
    this.totalSamples = Math.ceil((opts.audio.length * opts.iqRate) / opts.audioRate);
    this.carrierStep = (2 * Math.PI * opts.carrierOffsetHz) / opts.iqRate;
    this.devStep = (2 * Math.PI * opts.deviationHz) / opts.iqRate;
    this.amp = opts.amplitude ?? 0.5;
    const noise = opts.noiseDbfs ?? null;
    // Sum of four uniforms on [-0.5, 0.5] has variance 1/3; scale to σ² = P/2 per rail.
    this.sigma = noise === null ? 0 : Math.sqrt(Math.pow(10, noise / 10) / 2) * Math.sqrt(3);
    this.rng = (opts.seed ?? 0x9e3779b9) >>> 0 || 1;
  }

  get done(): boolean {
    return this.position >= this.totalSamples;
  }

  /** Fills `out` with out.length/2 IQ samples. Returns the samples written. */
  fill(out: Uint8Array): number {
    const n = out.length >> 1;
    const audio = this.audio;
    const alen = audio.length;
    const aStep = this.audioStep;
    const cStep = this.carrierStep;
    const dStep = this.devStep;
    const amp = this.amp * 127.5;
    const sigma = this.sigma * 127.5;
    let phase = this.phase;
    let x = this.rng;
    let pos = this.position;
    const TWO_PI = 2 * Math.PI;
    for (let i = 0; i < n; i++) {
      const t = pos * aStep;
      const k = Math.floor(t);
      let a = 0;
      if (k + 1 < alen) a = audio[k]! + (audio[k + 1]! - audio[k]!) * (t - k);
      else if (k < alen) a = audio[k]!;
      phase += cStep + dStep * a;
      if (phase > Math.PI) phase -= TWO_PI;
      else if (phase < -Math.PI) phase += TWO_PI;
      let re = 127.5 + amp * Math.cos(phase);
      let im = 127.5 + amp * Math.sin(phase);
      if (sigma > 0) {
        let s = 0;
        for (let j = 0; j < 4; j++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          s += (x >>> 0) / 4294967296;
        }
        re += sigma * (s - 2);
        s = 0;
        for (let j = 0; j < 4; j++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          s += (x >>> 0) / 4294967296;
        }
        im += sigma * (s - 2);
      }
      out[2 * i] = re < 0 ? 0 : re > 255 ? 255 : (re + 0.5) | 0;
      out[2 * i + 1] = im < 0 ? 0 : im > 255 ? 255 : (im + 0.5) | 0;
      pos++;
    }
    this.phase = phase;
    this.rng = x;
    this.position = pos;
    return n;
  }
}
