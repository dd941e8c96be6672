/**
 * Stage 3: symbol timing recovery. A Gardner detector on the soft decision stream (two strobes
 * per bit, linear interpolation between samples) drives a proportional-integral loop; the
 * integral term tracks a sender's bit clock off by several percent (tests: +/-2 %). Gains are
 * high while searching, so the loop locks within the 128-bit preamble, and low while the framer
 * reads a burst cleanly, so noise moves the clock little during the data bits. recoverSymbol()
 * stops at every bit so the receiver can switch gains before the next one.
 */
import { SAME_BAUD } from './constants';

export interface SymbolTimingState {
  /** Nominal samples per bit at the stage-2 rate. */
  readonly sps: number;
  /** Fractional clock correction (+0.02 = bits 2 % longer than nominal). */
  freq: number;
  /** Absolute stage-2 sample time of the next strobe. */
  next: number;
  midNext: boolean;
  prev: number;
  prevCenter: number;
  mid: number;
  /** Absolute index of the next input sample to arrive. */
  index: number;
  kp: number;
  ki: number;
  /** Per-bit pull of freq back towards 0 while searching, so noise cannot walk the clock away. */
  leak: number;
  /** Set by recoverSymbol when it stopped on a bit: the bit's soft value and strobe time. */
  bitReady: boolean;
  bitSoft: number;
  bitTime: number;
}

export const ACQUIRE_GAINS = { kp: 0.045, ki: 0.0025, leak: 1 / 256 } as const;
export const TRACK_GAINS = { kp: 0.02, ki: 0.0006, leak: 0 } as const;
/** The loop never strays further than this from the nominal clock. */
const MAX_FREQ = 0.035;

export function createSymbolTiming(rate: number): SymbolTimingState {
  const sps = rate / SAME_BAUD;
  return { sps, freq: 0, next: sps / 2, midNext: true, prev: 0, prevCenter: 0, mid: 0, index: 0, kp: ACQUIRE_GAINS.kp, ki: ACQUIRE_GAINS.ki, leak: ACQUIRE_GAINS.leak, bitReady: false, bitSoft: 0, bitTime: 0 };
}

export function setTimingGains(st: SymbolTimingState, g: { kp: number; ki: number; leak: number }): void {
  st.kp = g.kp;
  st.ki = g.ki;
  st.leak = g.leak;
}

/**
 * Consumes d[from, to) until one bit is recovered; returns the index after the last sample used.
 * On a bit, st.bitReady is set with its soft value (interpolated d at the strobe) and strobe time
 * in stage-2 samples (the strobe sits at the bit's end: the one-bit correlator then spans the
 * whole bit). Stopping at every bit lets the framer switch loop gains before the next bit.
 */
export function recoverSymbol(st: SymbolTimingState, d: Float32Array, from: number, to: number): number {
  const sps = st.sps;
  let freq = st.freq;
  let next = st.next;
  let midNext = st.midNext;
  let prev = st.prev;
  let prevCenter = st.prevCenter;
  let mid = st.mid;
  const kp = st.kp * sps;
  const ki = st.ki;
  const keep = 1 - st.leak;
  let index = st.index;
  let ready = false;
  let i = from;
  for (; i < to && !ready; i++, index++) {
    const v = d[i];
    while (next <= index) {
      // The strobe lies in (index-1, index]: interpolate between prev and v.
      const frac = next - (index - 1);
      const y = prev + (v - prev) * frac;
      const half = 0.5 * sps * (1 + freq);
      if (midNext) {
        mid = y;
        next += half;
        midNext = false;
      } else {
        // Gardner: positive when strobes are late (the mid sample already passed the crossing).
        let e = mid * (y - prevCenter);
        if (e > 1) e = 1;
        else if (e < -1) e = -1;
        freq = freq * keep - ki * e;
        if (freq > MAX_FREQ) freq = MAX_FREQ;
        else if (freq < -MAX_FREQ) freq = -MAX_FREQ;
        st.bitSoft = y;
        st.bitTime = next;
        ready = true;
        prevCenter = y;
        next += half - kp * e;
        midNext = true;
      }
    }
    prev = v;
  }
  st.bitReady = ready;
  st.freq = freq;
  st.next = next;
  st.midNext = midNext;
  st.prev = prev;
  st.prevCenter = prevCenter;
  st.mid = mid;
  st.index = index;
  return i;
}
