/**
 * Drives the receiver's first stages on their own, block by block as the receiver does, so each
 * stage can be tested on a synthesised signal without the ones after it.
 */
import { createDownconverter, downconvert, DOWNCONVERTER_CHUNK, type DownconverterState } from '../../../electron/core/same/downconverter';
import { createFskDemod, fskDemod } from '../../../electron/core/same/fsk-demod';
import { basebandWrite, bitRingPush, createBasebandRing, createBitRing } from '../../../electron/core/same/baseband-ring';
import { MAX_CAPTURE_BITS } from '../../../electron/core/same/burst-capture';
import { createBurstDemod, demodulateBurst, type BurstDemodOptions, type DemodulatedBurst } from '../../../electron/core/same/burst-demod';
import { createFramer, framerBit } from '../../../electron/core/same/framer';
import { createSymbolTiming, recoverSymbol } from '../../../electron/core/same/symbol-timing';

export interface Baseband {
  dc: DownconverterState;
  re: Float32Array;
  im: Float32Array;
  energy: Float32Array;
}

/** The whole input through stage 1 (complex band-pass and decimation). */
export function downconvertAll(x: Float32Array, rate: number): Baseband {
  const dc = createDownconverter(rate);
  const cap = Math.ceil(x.length / dc.decimation) + 2;
  const re = new Float32Array(cap);
  const im = new Float32Array(cap);
  const energy = new Float32Array(cap);
  const maxOut = Math.ceil(DOWNCONVERTER_CHUNK / dc.decimation) + 2;
  const r = new Float32Array(maxOut);
  const i = new Float32Array(maxOut);
  const e = new Float32Array(maxOut);
  let n = 0;
  for (let at = 0; at < x.length; at += DOWNCONVERTER_CHUNK) {
    const count = Math.min(DOWNCONVERTER_CHUNK, x.length - at);
    const got = downconvert(dc, x, at, count, r, i, e);
    re.set(r.subarray(0, got), n);
    im.set(i.subarray(0, got), n);
    energy.set(e.subarray(0, got), n);
    n += got;
  }
  return { dc, re: re.subarray(0, n), im: im.subarray(0, n), energy: energy.subarray(0, n) };
}

/** Stage 2 over a whole baseband signal, in 512-sample blocks. */
export function demodAll(bb: Baseband): Float32Array {
  const st = createFskDemod(bb.dc.outputRate);
  const d = new Float32Array(bb.re.length);
  const block = 512;
  const tmp = new Float32Array(block);
  for (let at = 0; at < bb.re.length; at += block) {
    const n = Math.min(block, bb.re.length - at);
    fskDemod(st, bb.re.subarray(at, at + n), bb.im.subarray(at, at + n), n, tmp);
    d.set(tmp.subarray(0, n), at);
  }
  return d;
}

export function sine(freqHz: number, seconds: number, rate: number, amplitude = 0.5, phase = 0.4): Float32Array {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin(phase + (2 * Math.PI * freqHz * i) / rate);
  return x;
}

/**
 * Stages 1-4 over a whole signal, keeping the rings the receiver keeps, then the burst
 * demodulator on every header sync (each burst up to the next sync or the end).
 */
export function demodulateAll(x: Float32Array, rate: number, opts: BurstDemodOptions = {}): Array<{ firstChar: number; demod: DemodulatedBurst | null }> {
  const bb = downconvertAll(x, rate);
  const fs2 = bb.dc.outputRate;
  const ring = createBasebandRing(fs2, Math.ceil(x.length / rate) + 1);
  basebandWrite(ring, bb.re, bb.im, bb.re.length);
  const fsk = createFskDemod(fs2);
  const d = new Float32Array(bb.re.length);
  const e = new Float32Array(bb.re.length);
  fskDemod(fsk, bb.re, bb.im, bb.re.length, d, e);
  const timing = createSymbolTiming(fs2);
  const bits = createBitRing(Math.ceil((x.length / rate) * 600));
  const framer = createFramer();
  const syncs: Array<{ firstChar: number; kind: string }> = [];
  const cb = { onSync: (_s: number, kind: string, firstChar: number) => syncs.push({ firstChar, kind }), onBurst: () => {} };
  let pos = 0;
  while (pos < d.length) {
    pos = recoverSymbol(timing, d, pos, d.length);
    if (!timing.bitReady) break;
    bitRingPush(bits, timing.bitTime, e[pos - 1]);
    framerBit(framer, timing.bitSoft, 0, 1, cb);
  }
  const st = createBurstDemod(fs2, MAX_CAPTURE_BITS, opts);
  const headers = syncs.filter((s) => s.kind === 'header');
  return headers.map((s, i) => ({
    firstChar: s.firstChar,
    demod: demodulateBurst(st, ring, bits, s.firstChar, Math.min(bits.count, i + 1 < headers.length ? headers[i + 1].firstChar - 96 : bits.count)),
  }));
}
