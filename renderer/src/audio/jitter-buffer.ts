/**
 * The direct listening path's playout buffer: PCM blocks arrive from the network in bursts,
 * the audio device pulls 128 frames at a steady rate on its own clock. Pure (no DOM, no Web
 * Audio) so it runs unchanged in the AudioWorklet and under Node in the tests.
 *
 * - Underrun: the tail that is left fades out (never a jump to silence), then silence until
 *   the target is buffered again, which fades in.
 * - Overrun (a stall that then delivered seconds at once): skips ahead to the target with a
 *   short crossfade, so latency stays bounded.
 * - Clock drift between the engine and the sound card (a few tenths of a percent): the read
 *   rate follows the buffer level by up to MAX_RATIO_DEVIATION with linear interpolation, a
 *   pitch change far below hearing, instead of periodic drops or repeats.
 */
export interface JitterBufferOptions {
  /** Samples per second of both sides (the AudioContext runs at the bus rate). */
  sampleRate: number;
  /** Buffered audio the control loop aims for. */
  targetMs?: number;
  /** Above this much buffered audio, skip back to the target. */
  maxMs?: number;
  /** Ring size; pushes beyond it drop the oldest audio. */
  capacityMs?: number;
  /** Length of every fade and crossfade. */
  fadeMs?: number;
}

export interface JitterStats {
  /** Frames handed to the device since creation (silence included). */
  framesRendered: number;
  /** Times the buffer ran dry while playing. */
  underruns: number;
  /** Times it skipped ahead because too much had piled up. */
  overruns: number;
  /** Samples dropped by overrun skips and ring overflow. */
  droppedSamples: number;
  /** Buffered audio now, in samples. */
  level: number;
  /** Current read-rate ratio (1 = nominal). */
  ratio: number;
  playing: boolean;
}

const MAX_RATIO_DEVIATION = 0.02;
/** Ratio per second of level error: 0.5 % drift settles 50 ms above or below the target. */
const GAIN_PER_S = 0.1;
/** Time constant of the level average the control loop follows (the raw level saws with every block). */
const LEVEL_SMOOTH_S = 0.5;

export class JitterBuffer {
  readonly sampleRate: number;
  readonly target: number;
  readonly max: number;
  private readonly fade: number;
  private readonly ring: Float32Array;
  private readonly mask: number;
  /** Samples ever written (integer) and the read position (fractional), both unwrapped. */
  private writePos = 0;
  private readPos = 0;
  private playing = false;
  /** Fade-in progress after a (re)start, in samples; >= fade means full gain. */
  private fadeIn = 0;
  private smoothLevel = 0;
  private ratio = 1;
  private stats = { framesRendered: 0, underruns: 0, overruns: 0, droppedSamples: 0 };

  constructor(opts: JitterBufferOptions) {
    this.sampleRate = opts.sampleRate;
    const ms = (v: number): number => Math.round((v * opts.sampleRate) / 1000);
    this.target = ms(opts.targetMs ?? 150);
    this.max = Math.max(this.target * 2, ms(opts.maxMs ?? 400));
    this.fade = Math.max(8, ms(opts.fadeMs ?? 4));
    let size = 1;
    while (size < ms(opts.capacityMs ?? 2000) || size < this.max * 2) size <<= 1;
    this.ring = new Float32Array(size);
    this.mask = size - 1;
  }

  /** Buffered samples (whole ones ahead of the read position). */
  level(): number {
    return this.writePos - Math.floor(this.readPos);
  }

  push(block: Int16Array): void {
    const n = block.length;
    for (let i = 0; i < n; i++) this.ring[(this.writePos + i) & this.mask] = block[i] / 32768;
    this.writePos += n;
    // Keep one interpolation guard sample: the oldest audio goes if the ring is overfull.
    const overflow = this.level() - (this.ring.length - 2);
    if (overflow > 0) {
      this.readPos += overflow;
      this.stats.droppedSamples += overflow;
    }
  }

  /** Fills `out` entirely (silence where there is nothing to play). */
  pull(out: Float32Array): void {
    const n = out.length;
    this.stats.framesRendered += n;
    if (!this.playing) {
      if (this.level() < this.target) {
        out.fill(0);
        return;
      }
      this.playing = true;
      this.fadeIn = 0;
      this.smoothLevel = this.level();
    }
    if (this.level() > this.max) this.skipAhead();
    this.steer(n);
    // Need n samples plus the one after the last for interpolation, plus a fade's worth held
    // back so that running dry always has audio left to fade out with.
    const need = Math.ceil(n * this.ratio) + 1 + this.fade;
    if (this.level() < need) {
      this.fadeOut(out);
      return;
    }
    this.readInto(out, 0, n);
  }

  snapshot(): JitterStats {
    return { ...this.stats, level: this.level(), ratio: this.ratio, playing: this.playing };
  }

  /** Proportional control on the smoothed level: above target reads faster, below slower. */
  private steer(n: number): void {
    const alpha = 1 - Math.exp(-n / (LEVEL_SMOOTH_S * this.sampleRate));
    this.smoothLevel += alpha * (this.level() - this.smoothLevel);
    const errorS = (this.smoothLevel - this.target) / this.sampleRate;
    const dev = Math.max(-MAX_RATIO_DEVIATION, Math.min(MAX_RATIO_DEVIATION, errorS * GAIN_PER_S));
    this.ratio = 1 + dev;
  }

  private sampleAt(pos: number): number {
    const i = Math.floor(pos);
    const frac = pos - i;
    const a = this.ring[i & this.mask];
    return a + (this.ring[(i + 1) & this.mask] - a) * frac;
  }

  private gainIn(): number {
    if (this.fadeIn >= this.fade) return 1;
    return this.fadeIn++ / this.fade;
  }

  private readInto(out: Float32Array, from: number, to: number): void {
    let pos = this.readPos;
    const r = this.ratio;
    for (let i = from; i < to; i++) {
      out[i] = this.sampleAt(pos) * this.gainIn();
      pos += r;
    }
    this.readPos = pos;
  }

  /** Plays what is left (at most a block) under a fade to zero, then silence until refilled. */
  private fadeOut(out: Float32Array): void {
    const avail = Math.max(0, Math.min(out.length, this.level() - 1));
    const len = Math.min(avail, this.fade);
    const start = avail - len;
    let pos = this.readPos;
    for (let i = 0; i < avail; i++) {
      const g = i < start ? this.gainIn() : this.gainIn() * ((avail - i) / (len + 1));
      out[i] = this.sampleAt(pos) * g;
      pos += 1;
    }
    out.fill(0, avail);
    this.readPos = pos;
    this.playing = false;
    this.stats.underruns++;
  }

  /** Jumps to the newest target's worth of audio, crossfading from the old position to the new. */
  private skipAhead(): void {
    const jump = this.level() - this.target;
    if (jump <= this.fade) return;
    // The crossfade itself is produced by the next reads: blend into the ring in place over
    // the fade length at the new position, reading the old stream's continuation.
    const oldStart = Math.floor(this.readPos);
    const newStart = oldStart + jump;
    for (let i = 0; i < this.fade; i++) {
      const g = (i + 1) / (this.fade + 1);
      const idx = (newStart + i) & this.mask;
      this.ring[idx] = this.ring[(oldStart + i) & this.mask] * (1 - g) + this.ring[idx] * g;
    }
    this.readPos += jump;
    this.smoothLevel = this.level();
    this.stats.overruns++;
    this.stats.droppedSamples += jump;
  }
}
