/**
 * Carrier detector on recovered bits: an FSK carrier gives confident decisions (|d| near 1)
 * with frequent transitions; noise gives |d| spread over [0, 1] (mean 0.5) and a steady tone
 * gives no transitions. Hysteresis and a minimum dwell keep it from chattering.
 */
export interface CarrierState {
  quality: number;
  transitions: number;
  prevBit: number;
  on: boolean;
  /** Bits the pending change has persisted. */
  dwell: number;
}

const ALPHA = 1 / 24;
const QUALITY_ON = 0.72;
const QUALITY_OFF = 0.6;
const TRANSITIONS_ON = 0.2;
const TRANSITIONS_OFF = 0.08;
const DWELL_BITS = 16;

export function createCarrier(): CarrierState {
  return { quality: 0, transitions: 0, prevBit: 0, on: false, dwell: 0 };
}

/** Updates with one soft bit; returns true when the carrier state changes. */
export function carrierUpdate(st: CarrierState, soft: number): boolean {
  const bit = soft > 0 ? 1 : 0;
  st.quality += ((soft < 0 ? -soft : soft) - st.quality) * ALPHA;
  st.transitions += ((bit !== st.prevBit ? 1 : 0) - st.transitions) * ALPHA;
  st.prevBit = bit;
  const want = st.on ? !(st.quality < QUALITY_OFF || st.transitions < TRANSITIONS_OFF) : st.quality > QUALITY_ON && st.transitions > TRANSITIONS_ON;
  if (want === st.on) {
    st.dwell = 0;
    return false;
  }
  if (++st.dwell < DWELL_BITS) return false;
  st.on = want;
  st.dwell = 0;
  return true;
}
