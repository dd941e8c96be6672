import { RTL_CHANNEL_HALF_WIDTH_HZ } from '../../contract/sources/rtl-uri';
import { DcBlocker, Deemphasis } from './audio-filters';
import { ChannelMeter, type SquelchSetting } from './channel-meter';
import { planDecimation, type DecimationStage } from './decimation-plan';
import { ComplexFirDecimator, RealFirDecimator } from './fir-decimator';
import { FmDiscriminator } from './fm-discriminator';
import { U8Fs4HalfbandDecimator } from './fs4-halfband';
import { withRoom } from './growable';
import { U8IqMixer } from './iq-mixer';
import { RationalResampler } from './rational-resampler';

export type FmMode = 'nfm' | 'wfm';

export interface FmReceiverOptions {
  /** IQ sample rate of the dongle (complex samples per second), e.g. 1_024_000 or 2_048_000. */
  inputRate: number;
  /** Where the channel sits relative to the tuned centre frequency; default inputRate/4. */
  offsetHz?: number;
  mode: FmMode;
  /** De-emphasis time constant in µs; default 75 for WFM, 0 (flat) for NFM. */
  deemphasisUs?: number;
  squelch?: SquelchSetting;
  /** Deviation that maps to audio full scale; default 5 kHz (NFM) / 75 kHz (WFM). */
  deviationHz?: number;
  outputRate?: number;
  /** Complex samples per internal pass; bounds the pooled buffers. */
  blockSamples?: number;
  /** Force the front-end decimation stages (benchmarks); their product must be inputRate / ifRate. */
  frontFactors?: readonly number[];
  /** Use the fused rate/4 mixer + half-band when possible (default true; false for comparisons). */
  fuseFrontEnd?: boolean;
}

interface ModeProfile {
  /** Lowest rate the discriminator may run at. */
  minIfRate: number;
  /** Channel filter: keep ±passHz, stop from ±stopHz. */
  passHz: number;
  stopHz: number;
  deviationHz: number;
  deemphasisUs: number;
  audioPassHz: number;
  audioStopHz: number;
}

// NFM: NOAA Weather Radio is 25 kHz spaced, ±5 kHz deviation, audio to ~3 kHz (Carson ~16 kHz).
// WFM: ±75 kHz deviation; mono audio only, so the channel is ±100 kHz (no stereo subcarrier).
const PROFILES: Record<FmMode, ModeProfile> = {
  nfm: { minIfRate: 30_000, passHz: RTL_CHANNEL_HALF_WIDTH_HZ.nfm, stopHz: 12_500, deviationHz: 5_000, deemphasisUs: 0, audioPassHz: 4_000, audioStopHz: 6_500 },
  wfm: { minIfRate: 240_000, passHz: RTL_CHANNEL_HALF_WIDTH_HZ.wfm, stopHz: 156_000, deviationHz: 75_000, deemphasisUs: 75, audioPassHz: 9_500, audioStopHz: 12_000 },
};

const AUDIO_IF_MIN = 30_000;
/** Squelch gate slews over ~5 ms so opening and closing do not click. */
const GATE_SLEW_S = 0.005;

/** Largest integer factor dividing `rate` that keeps the result at or above `minRate`. */
function largestDivisor(rate: number, minRate: number): number {
  for (let d = Math.floor(rate / minRate); d > 1; d--) if (rate % d === 0) return d;
  return 1;
}

/** What the chain decided from its options; useful in logs, tests and the benchmark. */
export interface FmReceiverPlan {
  inputRate: number;
  offsetHz: number;
  ifRate: number;
  audioIfRate: number;
  outputRate: number;
  /** True when the first stage is the fused rate/4 mixer + half-band. */
  fusedFrontEnd: boolean;
  frontStages: { factor: number; taps: number; inputRate: number }[];
  audioStages: { factor: number; taps: number; inputRate: number }[];
  resampler: { up: number; down: number; tapsPerPhase: number };
}

/**
 * u8 IQ in, 22050 Hz mono audio out: mix the off-centre channel to 0 Hz, decimate to the
 * channel rate through a planned FIR cascade, measure power and squelch, discriminate,
 * de-emphasise, decimate the audio and resample it to the bus rate.
 */
export class FmReceiverChain {
  readonly mode: FmMode;
  readonly inputRate: number;
  readonly offsetHz: number;
  readonly ifRate: number;
  readonly audioIfRate: number;
  readonly outputRate: number;
  private readonly blockSamples: number;
  /** Fused mixer + first half-band when the channel sits at ±rate/4 (the default); else null. */
  private readonly fused: U8Fs4HalfbandDecimator | null;
  private readonly mixer: U8IqMixer | null;
  private readonly front: ComplexFirDecimator[];
  private readonly meter: ChannelMeter;
  private readonly disc: FmDiscriminator;
  private readonly deemph: Deemphasis | null;
  private readonly audioDecim: RealFirDecimator[];
  private readonly resampler: RationalResampler;
  private readonly dc: DcBlocker;
  private readonly frontStages: DecimationStage[];
  private readonly audioStages: DecimationStage[];
  // Pooled buffers: ping-pong pairs for the complex and the real halves, and the output.
  private readonly cA: Float32Array;
  private readonly cB: Float32Array;
  private readonly rA: Float32Array;
  private readonly rB: Float32Array;
  private out: Float32Array;
  private outLen = 0;
  /** Bytes of an incomplete block carried to the next call. */
  private readonly pendingBuf: Uint8Array;
  private pendingLen = 0;
  private gate = 0;
  private readonly gateStep: number;

  constructor(opts: FmReceiverOptions) {
    const profile = PROFILES[opts.mode];
    if (!profile) throw new RangeError(`mode must be nfm or wfm, got ${String(opts.mode)}`);
    const rate = opts.inputRate;
    if (!Number.isInteger(rate) || rate <= 0) throw new RangeError(`inputRate must be a positive integer, got ${rate}`);
    const offset = opts.offsetHz ?? rate / 4;
    if (Math.abs(offset) + profile.passHz > rate / 2) {
      throw new RangeError(`offset ${offset} Hz puts the ${opts.mode} channel (±${profile.passHz} Hz) outside ±${rate / 2} Hz`);
    }
    this.mode = opts.mode;
    this.inputRate = rate;
    this.offsetHz = offset;
    this.outputRate = opts.outputRate ?? 22_050;
    this.blockSamples = opts.blockSamples ?? 16_384;

    const frontFactor = largestDivisor(rate, profile.minIfRate);
    this.ifRate = rate / frontFactor;
    if (this.ifRate < 2 * profile.passHz) throw new RangeError(`inputRate ${rate} is too low for ${opts.mode}`);
    const quarter = offset === rate / 4 ? 1 : offset === -rate / 4 ? -1 : 0;
    const canFuse = quarter !== 0 && frontFactor % 2 === 0 && !opts.frontFactors;
    this.frontStages = planDecimation({
      inputRate: rate,
      factor: frontFactor,
      passHz: profile.passHz,
      stopHz: profile.stopHz,
      attenDb: 60,
      factors: opts.frontFactors,
      firstFactor: canFuse ? 2 : undefined,
    });
    const first = this.frontStages[0]!;
    const fuse = quarter !== 0 && first.factor === 2 && first.taps.length % 4 === 3 && (opts.fuseFrontEnd ?? true);
    this.fused = fuse ? new U8Fs4HalfbandDecimator(first.taps, quarter as 1 | -1) : null;
    this.mixer = fuse ? null : new U8IqMixer(rate, offset);
    this.front = this.frontStages.slice(fuse ? 1 : 0).map((s) => new ComplexFirDecimator(s.taps, s.factor));

    this.meter = new ChannelMeter(this.ifRate, opts.squelch ?? 'auto');
    this.disc = new FmDiscriminator(this.ifRate, opts.deviationHz ?? profile.deviationHz);
    const tau = (opts.deemphasisUs ?? profile.deemphasisUs) * 1e-6;
    this.deemph = tau > 0 ? new Deemphasis(this.ifRate, tau) : null;

    const audioFactor = largestDivisor(this.ifRate, AUDIO_IF_MIN);
    this.audioIfRate = this.ifRate / audioFactor;
    this.audioStages =
      audioFactor > 1
        ? planDecimation({ inputRate: this.ifRate, factor: audioFactor, passHz: profile.audioPassHz, stopHz: this.audioIfRate - profile.audioPassHz, attenDb: 60 })
        : [];
    this.audioDecim = this.audioStages.map((s) => new RealFirDecimator(s.taps, s.factor));
    const audioStop = Math.min(profile.audioStopHz, this.audioIfRate - profile.audioPassHz);
    this.resampler = new RationalResampler({
      inputRate: this.audioIfRate,
      outputRate: this.outputRate,
      passHz: Math.min(profile.audioPassHz, 0.45 * this.outputRate),
      stopHz: Math.max(audioStop, Math.min(profile.audioPassHz, 0.45 * this.outputRate) + 500),
      attenDb: 60,
    });
    this.dc = new DcBlocker(this.outputRate);
    this.gateStep = 1 / (GATE_SLEW_S * this.outputRate);

    const bs = this.blockSamples;
    this.cA = new Float32Array(2 * bs);
    this.cB = new Float32Array(2 * (Math.ceil(bs / (this.frontStages[0]?.factor ?? 1)) + 2));
    const ifMax = Math.ceil(bs / frontFactor) + 8;
    this.rA = new Float32Array(ifMax);
    this.rB = new Float32Array(ifMax);
    this.out = new Float32Array(this.resampler.maxOutput(ifMax) * 4 + 64);
    this.pendingBuf = new Uint8Array(2 * bs);
  }

  /** Channel power in dBFS (smoothed over ~100 ms). */
  get signalDb(): number {
    return this.meter.signalDb;
  }

  get squelchOpen(): boolean {
    return this.meter.open;
  }

  /** Envelope flatness of the last window: ~0 on an FM carrier, ~1 on noise. */
  get flatness(): number {
    return this.meter.flatness;
  }

  get plan(): FmReceiverPlan {
    const view = (s: DecimationStage) => ({ factor: s.factor, taps: s.taps.length, inputRate: s.inputRate });
    return {
      inputRate: this.inputRate,
      offsetHz: this.offsetHz,
      ifRate: this.ifRate,
      audioIfRate: this.audioIfRate,
      outputRate: this.outputRate,
      fusedFrontEnd: this.fused !== null,
      frontStages: this.frontStages.map(view),
      audioStages: this.audioStages.map(view),
      resampler: { up: this.resampler.up, down: this.resampler.down, tapsPerPhase: this.resampler.tapsPerPhase },
    };
  }

  /**
   * Demodulates any number of IQ bytes. Work happens in fixed blocks of `blockSamples`, so the
   * output does not depend on how the input was chunked (a partial block waits for the next
   * call: at most blockSamples / inputRate of latency). Returns a view of a pooled buffer,
   * valid until the next call.
   */
  process(iqU8: Uint8Array): Float32Array {
    this.outLen = 0;
    const blockBytes = this.pendingBuf.length;
    let at = 0;
    if (this.pendingLen > 0) {
      const take = Math.min(blockBytes - this.pendingLen, iqU8.length);
      this.pendingBuf.set(iqU8.subarray(0, take), this.pendingLen);
      this.pendingLen += take;
      at = take;
      if (this.pendingLen < blockBytes) return this.out.subarray(0, 0);
      this.processBlock(this.pendingBuf);
      this.pendingLen = 0;
    }
    // Whole blocks straight from the caller's buffer, no copy.
    for (; at + blockBytes <= iqU8.length; at += blockBytes) this.processBlock(iqU8.subarray(at, at + blockBytes));
    if (at < iqU8.length) {
      this.pendingBuf.set(iqU8.subarray(at), 0);
      this.pendingLen = iqU8.length - at;
    }
    return this.out.subarray(0, this.outLen);
  }

  private processBlock(u8: Uint8Array): void {
    // Ping-pong between cA (room for a full block) and cB (room for a block after the first 2x+).
    let n: number;
    let cur: Float32Array;
    let other: Float32Array;
    if (this.fused) {
      n = this.fused.process(u8, this.cB);
      cur = this.cB;
      other = this.cA;
    } else {
      n = this.mixer!.process(u8, this.cA);
      cur = this.cA;
      other = this.cB;
    }
    for (let i = 0; i < this.front.length; i++) {
      n = this.front[i]!.process(cur.subarray(0, 2 * n), other);
      const t = cur;
      cur = other;
      other = t;
    }
    const iq = cur.subarray(0, 2 * n);
    this.meter.process(iq);
    let m = this.disc.process(iq, this.rA);
    let audio = this.rA;
    let spare = this.rB;
    if (this.deemph) this.deemph.process(audio.subarray(0, m), audio);
    for (const d of this.audioDecim) {
      m = d.process(audio.subarray(0, m), spare);
      const t = audio;
      audio = spare;
      spare = t;
    }
    const room = this.resampler.maxOutput(m);
    this.out = withRoom(this.out, this.outLen, this.outLen + room);
    const seg = this.out.subarray(this.outLen);
    const k = this.resampler.process(audio.subarray(0, m), seg);
    const block = seg.subarray(0, k);
    this.dc.process(block, block);
    this.applyGate(block);
    this.outLen += k;
  }

  private applyGate(block: Float32Array): void {
    const target = this.meter.open ? 1 : 0;
    let g = this.gate;
    if (g === target && g === 1) return;
    const step = this.gateStep;
    for (let i = 0; i < block.length; i++) {
      if (g < target) g = Math.min(target, g + step);
      else if (g > target) g = Math.max(target, g - step);
      block[i] = block[i]! * g;
    }
    this.gate = g;
  }

  reset(): void {
    this.mixer?.reset();
    this.fused?.reset();
    for (const f of this.front) f.reset();
    this.meter.reset();
    this.disc.reset();
    this.deemph?.reset();
    for (const d of this.audioDecim) d.reset();
    this.resampler.reset();
    this.dc.reset();
    this.pendingLen = 0;
    this.gate = 0;
  }
}
