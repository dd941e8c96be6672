/**
 * The streaming SAME receiver: push() audio at any fixed rate from 8 to 96 kHz, get events.
 *
 *   input ─▶ downconverter (band-pass, decimate to ~4.4 kHz) ─┬─▶ FSK correlators ─▶ symbol timing
 *                                                              │     ─▶ framer (sync, hard bytes: burst events, EOMs)
 *                                                              │     ─▶ captures ─▶ burst demodulator (whole burst, coherent LLRs)
 *                                                              │              ─▶ assembler (combine bursts) ─▶ header decoder (grammar)
 *                                                              ├─▶ baseband ring (the last seconds, for the demodulator)
 *                                                              └─▶ attention-tone detector
 *
 * Each stage is its own module with an explicit state object; this class only wires them,
 * converts stage-1 times back to input sample indices and keeps the link state.
 */
import { assemblerFlush, assemblerPushBurst, assemblerTick, createAssembler, isAssembling, type AssemblerEvent, type AssemblerState, type SoftBurst } from './assembler';
import { estimateBitErrorRate } from './confidence';
import { attentionFlush, attentionPush, createAttention, type AttentionEvent, type AttentionState } from './attention';
import { basebandWrite, bitRingPush, createBasebandRing, createBitRing, type BasebandRing, type BitRing } from './baseband-ring';
import { captureBit, captureFlush, captureHard, captureSync, createCaptures, MAX_CAPTURE_BITS, type Capture, type CaptureHandlers, type CaptureState } from './burst-capture';
import { createBurstDemod, type DemodulatedBurst } from './burst-demod';
import { carrierUpdate, createCarrier, type CarrierState } from './carrier';
import { createDownconverter, downconvert, downconverterPowerGain, DOWNCONVERTER_CHUNK, type DownconverterState } from './downconverter';
import type { LinkState, SameEvent } from './events';
import { createFramer, framerBit, framerFlush, isCredibleBurst, isFraming, isReadingCleanly, isSameChar, type Burst, type BurstKind, type FramerCallbacks, type FramerState } from './framer';
import { createFskDemod, fskDemod, type FskDemodState } from './fsk-demod';
import { ACQUIRE_GAINS, createSymbolTiming, recoverSymbol, setTimingGains, TRACK_GAINS, type SymbolTimingState } from './symbol-timing';

/** Seconds of baseband and bits the rings hold: the longest burst, its preamble and the wait for its end. */
const RING_SECONDS = 8;

export interface SameReceiverOptions {
  sampleRate: number;
  onEvent: (e: SameEvent) => void;
  /** Report a header heard in a single burst as a header event (default: only as a burst event). */
  singleBurstAlerts?: boolean;
}

export const MIN_RATE = 8000;
export const MAX_RATE = 96000;

/** Burst bytes as text, one char per byte, without the trailing run of non-SAME bytes (noise after the carrier). */
export function burstText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 4 && !isSameChar(bytes[end - 1])) end--;
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/**
 * Input is processed in fixed blocks of about 40 ms, whatever the push() sizes, so the events
 * (and their order) are the same however a stream is cut up; events come at most one block late.
 */
function blockSize(rate: number): number {
  return Math.min(DOWNCONVERTER_CHUNK, 1 << Math.round(Math.log2(rate * 0.04)));
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
  private readonly block: number;
  private readonly pending: Float32Array;
  private fill = 0;
  private readonly re: Float32Array;
  private readonly im: Float32Array;
  private readonly energy: Float32Array;
  private readonly d: Float32Array;
  private readonly e: Float32Array;
  private readonly bits: BitRing;
  private readonly baseband: BasebandRing;
  private readonly captures: CaptureState;
  private readonly captureCb: CaptureHandlers;
  private readonly bitLen: number;
  /** Input sample index of a bit's start = strobe time (stage-2 samples) * decimation + bitOffset. */
  private readonly bitOffset: number;
  private readonly framerCb: FramerCallbacks;
  private readonly emitAsm: (e: AssemblerEvent) => void;
  private readonly emitAtt: (e: AttentionEvent) => void;
  private link: LinkState = 'idle';
  private tracking = false;
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
    this.assembler = createAssembler(rate, { singleBurstAlerts: opts.singleBurstAlerts });
    this.attention = createAttention(bbRate, rate, this.dc.decimation, this.dc.groupDelay, (hz) => downconverterPowerGain(this.dc, hz));
    this.carrier = createCarrier();
    this.block = blockSize(rate);
    this.pending = new Float32Array(this.block);
    const maxOut = Math.ceil(DOWNCONVERTER_CHUNK / this.dc.decimation) + 2;
    this.re = new Float32Array(maxOut);
    this.im = new Float32Array(maxOut);
    this.energy = new Float32Array(maxOut);
    this.d = new Float32Array(maxOut);
    this.e = new Float32Array(maxOut);
    this.bits = createBitRing(Math.ceil((RING_SECONDS * bbRate) / this.timing.sps));
    this.baseband = createBasebandRing(bbRate, RING_SECONDS);
    this.captures = createCaptures(this.bits, this.baseband, createBurstDemod(bbRate, MAX_CAPTURE_BITS));
    this.captureCb = {
      header: (c, demod, endBit) => this.onCaptured(c, demod, endBit),
      eom: (c) => {
        if (c.hard) this.pushBurst(c.hard);
      },
    };
    const dec = this.dc.decimation;
    this.bitLen = this.timing.sps * dec;
    // Stage-2 sample j holds input up to j*D + D-1, delayed by the filter's group delay; the bit
    // ends about half the gap between bit length and correlator length after the strobe's window.
    const strobeToStart = -(this.timing.sps / 2 + this.fsk.window / 2 - 1);
    this.bitOffset = dec - 1 - this.dc.groupDelay + strobeToStart * dec;
    this.framerCb = {
      onSync: (start: number, kind: BurstKind, firstChar: number) => {
        captureSync(this.captures, kind, firstChar, Math.max(0, Math.round(start)), this.captureCb);
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
    const n = samples.length;
    const block = this.block;
    let i = 0;
    while (i < n) {
      if (this.fill === 0 && n - i >= block) {
        this.process(samples, i, block);
        i += block;
        continue;
      }
      const take = Math.min(block - this.fill, n - i);
      this.pending.set(samples.subarray(i, i + take), this.fill);
      this.fill += take;
      i += take;
      if (this.fill === block) {
        this.process(this.pending, 0, block);
        this.fill = 0;
      }
    }
    this.samples += n;
  }

  /** End of input: runs the pipeline's delay out and reports what is pending. */
  flush(): void {
    if (this.flushed) return;
    if (this.fill > 0) this.process(this.pending, 0, this.fill);
    this.fill = 0;
    // A little silence (not counted in samplesIn) so the last bits clear the filters.
    const tail = new Float32Array(Math.ceil(this.rate * 0.03));
    this.process(tail, 0, tail.length);
    this.flushed = true;
    framerFlush(this.framer, this.samples, this.bitLen, this.framerCb);
    captureFlush(this.captures, this.captureCb);
    assemblerFlush(this.assembler, this.emitAsm);
    attentionFlush(this.attention, this.emitAtt);
    this.setLink('idle', this.samples);
  }

  private process(input: Float32Array, from: number, count: number): void {
    const n = downconvert(this.dc, input, from, count, this.re, this.im, this.energy);
    if (n === 0) return;
    attentionPush(this.attention, this.re, this.im, this.energy, n, this.emitAtt);
    basebandWrite(this.baseband, this.re, this.im, n);
    fskDemod(this.fsk, this.re, this.im, n, this.d, this.e);
    const timing = this.timing;
    const dec = this.dc.decimation;
    let pos = 0;
    while (pos < n) {
      pos = recoverSymbol(timing, this.d, pos, n);
      if (!timing.bitReady) break;
      const start = timing.bitTime * dec + this.bitOffset;
      const soft = timing.bitSoft;
      const carrierChanged = carrierUpdate(this.carrier, soft);
      // The strobe lies between samples pos-2 and pos-1; the correlators' energy at the later one.
      bitRingPush(this.bits, timing.bitTime, this.e[pos - 1]);
      framerBit(this.framer, soft, start, this.bitLen, this.framerCb);
      captureBit(this.captures, this.captureCb);
      // Low loop gains only while a burst reads cleanly; back to acquisition at its first bad byte
      // so the loop can pull in on the next preamble.
      const track = isReadingCleanly(this.framer);
      if (track !== this.tracking) {
        this.tracking = track;
        setTimingGains(timing, track ? TRACK_GAINS : ACQUIRE_GAINS);
      }
      const framing = isFraming(this.framer) || this.captures.open.length > 0;
      assemblerTick(this.assembler, start, framing, this.emitAsm);
      if (carrierChanged || !framing) this.updateLink(start);
    }
  }

  private onBurst(b: Burst): void {
    const sample = Math.max(0, Math.round(b.startSample));
    // The operator sees burst events; one from a weak sync on programme audio would be a small lie.
    if (isCredibleBurst(b)) this.onEvent({ type: 'burst', sample, text: burstText(b.bytes.subarray(0, b.textLength)), bitErrorEstimate: estimateBitErrorRate(b.soft) });
    // Bursts reach the assembler through their capture (burst-capture.ts), which decides whether an
    // EOM is one and demodulates headers whole.
    captureHard(this.captures, { ...b, startSample: sample, endSample: Math.round(b.endSample) });
    this.updateLink(b.endSample);
  }

  private pushBurst(b: Burst | SoftBurst): void {
    assemblerPushBurst(this.assembler, b, this.emitAsm);
  }

  /** A header capture is complete: its demodulated bits go to the assembler (or the framer's reading if the rings lost it). */
  private onCaptured(c: Capture, demod: DemodulatedBurst | null, endBit: number): void {
    if (!demod) {
      if (c.hard) this.pushBurst(c.hard);
      return;
    }
    const bits = this.bits;
    const lastBit = Math.min(endBit, c.firstChar + demod.shift + demod.llr.length, bits.count) - 1;
    const endSample = Math.round(bits.strobe[lastBit & bits.mask] * this.dc.decimation + this.bitOffset + this.bitLen);
    this.pushBurst({ kind: 'header', startSample: c.startSample, endSample: Math.max(c.startSample, endSample), llr: demod.llr, presence: demod.presence, bytes: demod.bytes });
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
