/**
 * The streaming SAME receiver: push() audio at any fixed rate from 8 to 96 kHz, get events.
 *
 *   input ─▶ downconverter (band-pass, decimate to ~4.4 kHz) ─┬─▶ FSK correlators ─▶ symbol timing
 *                                                              │        ─▶ framer (sync, bytes) ─▶ assembler (vote, parse)
 *                                                              └─▶ attention-tone detector
 *
 * Each stage is its own module with an explicit state object; this class only wires them,
 * converts stage-1 times back to input sample indices and keeps the link state.
 */
import { assemblerFlush, assemblerPushBurst, assemblerTick, createAssembler, isAssembling, type AssemblerEvent, type AssemblerState } from './assembler';
import { attentionFlush, attentionPush, createAttention, type AttentionEvent, type AttentionState } from './attention';
import { carrierUpdate, createCarrier, type CarrierState } from './carrier';
import { createDownconverter, downconvert, downconverterPowerGain, DOWNCONVERTER_CHUNK, type DownconverterState } from './downconverter';
import type { LinkState, SameEvent } from './events';
import { createFramer, framerFlush, framerPush, isFraming, type Burst, type BurstKind, type FramerCallbacks, type FramerState } from './framer';
import { createFskDemod, fskDemod, type FskDemodState } from './fsk-demod';
import { ACQUIRE_GAINS, createSymbolTiming, recoverSymbols, setTimingGains, TRACK_GAINS, type SymbolTimingState } from './symbol-timing';

export interface SameReceiverOptions {
  sampleRate: number;
  onEvent: (e: SameEvent) => void;
}

export const MIN_RATE = 8000;
export const MAX_RATE = 96000;

/**
 * Bit error rate implied by the soft decisions. For each bit the weaker tone's energy over the
 * stronger one's is (1 - |d|) / (1 + |d|); its mean estimates noise / (signal + noise) per bit,
 * which gives Eb/N0 and, for non-coherent FSK, BER = exp(-Eb/2N0) / 2.
 */
export function estimateBitErrorRate(soft: Float32Array): number {
  const n = soft.length;
  if (n === 0) return 0.5;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(soft[i]);
    sum += (1 - a) / (1 + a);
  }
  const ratio = Math.max(sum / n, 1e-6);
  const ebn0 = Math.max(0, 1 / ratio - 1);
  return Math.min(0.5, 0.5 * Math.exp(-ebn0 / 2));
}

export function burstText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

export class SameReceiver {
  private readonly rate: number;
  private readonly onEvent: (e: SameEvent) => void;
  private readonly dc: DownconverterState;
  private readonly fsk: FskDemodState;
  private readonly timing: SymbolTimingState;
  private readonly framer: FramerState;
  private readonly assembler: AssemblerState;
  private readonly attention: AttentionState;
  private readonly carrier: CarrierState;
  private readonly re: Float32Array;
  private readonly im: Float32Array;
  private readonly energy: Float32Array;
  private readonly d: Float32Array;
  private readonly power: Float32Array;
  private readonly bitSoft: Float32Array;
  private readonly bitTime: Float64Array;
  private readonly bitStart: Float64Array;
  private readonly bitLen: number;
  /** Input index = stage-1 time * decimation + inputOffset. */
  private readonly inputOffset: number;
  /** Stage-1 time of a bit's start relative to its strobe. */
  private readonly strobeToStart: number;
  private readonly framerCb: FramerCallbacks;
  private readonly emitAsm: (e: AssemblerEvent) => void;
  private readonly emitAtt: (e: AttentionEvent) => void;
  private link: LinkState = 'idle';
  private samples = 0;
  private flushed = false;

  constructor(opts: SameReceiverOptions) {
    const rate = opts.sampleRate;
    if (!Number.isFinite(rate) || rate < MIN_RATE || rate > MAX_RATE) {
      throw new RangeError(`SAME receiver sample rate ${rate} Hz is outside ${MIN_RATE}-${MAX_RATE} Hz; resample the source into that range`);
    }
    this.rate = rate;
    this.onEvent = opts.onEvent;
    this.dc = createDownconverter(rate);
    const bbRate = this.dc.outputRate;
    this.fsk = createFskDemod(bbRate);
    this.timing = createSymbolTiming(bbRate);
    this.framer = createFramer();
    this.assembler = createAssembler(rate);
    this.attention = createAttention(bbRate, rate, this.dc.decimation, this.dc.groupDelay, (hz) => downconverterPowerGain(this.dc, hz));
    this.carrier = createCarrier();
    const maxOut = Math.ceil(DOWNCONVERTER_CHUNK / this.dc.decimation) + 2;
    this.re = new Float32Array(maxOut);
    this.im = new Float32Array(maxOut);
    this.energy = new Float32Array(maxOut);
    this.d = new Float32Array(maxOut);
    this.power = new Float32Array(maxOut);
    const maxBits = Math.ceil(maxOut / (this.timing.sps * 0.9)) + 4;
    this.bitSoft = new Float32Array(maxBits);
    this.bitTime = new Float64Array(maxBits);
    this.bitStart = new Float64Array(maxBits);
    this.bitLen = this.timing.sps * this.dc.decimation;
    this.inputOffset = this.dc.decimation - 1 - this.dc.groupDelay;
    this.strobeToStart = -(this.timing.sps / 2 + this.fsk.window / 2 - 1);
    this.framerCb = {
      onSync: (start: number, kind: BurstKind) => {
        if (kind === 'header') setTimingGains(this.timing, TRACK_GAINS);
        this.setLink('sync', start);
      },
      onBurst: (b: Burst) => this.onBurst(b),
    };
    this.emitAsm = (e) => this.onEvent(e);
    this.emitAtt = (e) => this.onEvent(e);
  }

  /** Input samples consumed so far. */
  get samplesIn(): number {
    return this.samples;
  }

  push(samples: Float32Array): void {
    if (this.flushed) throw new Error('SameReceiver.push() after flush(); create a new receiver for a new stream');
    for (let from = 0; from < samples.length; from += DOWNCONVERTER_CHUNK) {
      const count = Math.min(DOWNCONVERTER_CHUNK, samples.length - from);
      this.process(samples, from, count);
      this.samples += count;
      assemblerTick(this.assembler, this.samples, this.emitAsm);
      this.updateLink(this.samples);
    }
  }

  /** End of input: runs the pipeline's delay out and reports what is pending. */
  flush(): void {
    if (this.flushed) return;
    // Push a little silence (not counted in samplesIn) so the last bits clear the filters.
    const tail = new Float32Array(Math.ceil(this.rate * 0.03));
    this.process(tail, 0, tail.length);
    this.flushed = true;
    framerFlush(this.framer, this.samples, this.bitLen, this.framerCb);
    assemblerFlush(this.assembler, this.emitAsm);
    attentionFlush(this.attention, this.emitAtt);
    this.setLink('idle', this.samples);
  }

  private process(input: Float32Array, from: number, count: number): void {
    const n = downconvert(this.dc, input, from, count, this.re, this.im, this.energy);
    if (n === 0) return;
    attentionPush(this.attention, this.re, this.im, this.energy, n, this.emitAtt);
    fskDemod(this.fsk, this.re, this.im, n, this.d, this.power);
    const nb = recoverSymbols(this.timing, this.d, n, this.bitSoft, this.bitTime);
    if (nb === 0) return;
    const dec = this.dc.decimation;
    const off = this.inputOffset + this.strobeToStart * dec;
    const soft = this.bitSoft;
    const start = this.bitStart;
    const time = this.bitTime;
    let changedAt = -1;
    for (let i = 0; i < nb; i++) {
      start[i] = time[i] * dec + off;
      if (carrierUpdate(this.carrier, soft[i])) changedAt = start[i];
    }
    if (changedAt >= 0) this.updateLink(Math.max(0, Math.round(changedAt)));
    framerPush(this.framer, soft, start, nb, this.bitLen, this.framerCb);
  }

  private onBurst(b: Burst): void {
    setTimingGains(this.timing, ACQUIRE_GAINS);
    const sample = Math.max(0, Math.round(b.startSample));
    this.onEvent({ type: 'burst', sample, text: burstText(b.bytes), bitErrorEstimate: estimateBitErrorRate(b.soft) });
    assemblerPushBurst(this.assembler, { ...b, startSample: sample, endSample: Math.round(b.endSample) }, this.emitAsm);
    this.updateLink(Math.round(b.endSample));
  }

  private updateLink(sample: number): void {
    const state: LinkState = isFraming(this.framer) ? 'sync' : isAssembling(this.assembler) ? 'message' : this.carrier.on ? 'carrier' : 'idle';
    this.setLink(state, sample);
  }

  private setLink(state: LinkState, sample: number): void {
    if (state === this.link) return;
    this.link = state;
    this.onEvent({ type: 'link', sample: Math.max(0, Math.round(sample)), state });
  }
}
