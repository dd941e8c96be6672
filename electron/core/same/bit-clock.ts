/**
 * The sender's bit clock over one burst, for the burst demodulator. The timing loop's strobes
 * wander by a tenth of a bit or more at low SNR (and slowly, over ~100 bits, when the sender is
 * 2 % off), which costs little for non-coherent decisions but turns into phase error for coherent
 * ones. The sender's clock is a crystal, so over a burst its bit times lie on a straight line: a
 * least-squares line through all the burst's strobes averages the wander away (a line through the
 * first few dozen alone can be off by half a percent, two bits over a long header).
 */

export interface BitClock {
  /** Strobe time of the bit with framer index `anchor + k` is a + b·(anchor + k) (stage-2 samples). */
  a: number;
  b: number;
}

const CHUNK = 32;
/** Largest rms scatter (bits) of a chunk's strobes about their own line for the chunk to count. */
const CHUNK_SCATTER = 0.25;
/** Individual strobes further than this from the line (in bits) are left out of the fit. */
const OUTLIER_BITS = 0.4;
/** The sender's clock is within this of nominal (the tests' 2 %, and some). */
const MAX_RATE_ERROR = 0.04;

/** Least squares of strobes[j] against index[j] over the j with keep[j]. */
function fitLine(strobes: Float64Array, index: Float64Array, keep: Uint8Array, from: number, to: number, fallback: BitClock, nominal: number): BitClock {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let j = from; j < to; j++) {
    if (!keep[j]) continue;
    const x = index[j];
    const y = strobes[j];
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const det = n * sxx - sx * sx;
  if (n < 8 || det <= 0) return fallback;
  const b = Math.max(nominal * (1 - MAX_RATE_ERROR), Math.min(nominal * (1 + MAX_RATE_ERROR), (n * sxy - sx * sy) / det));
  return { a: (sy - b * sx) / n, b };
}

export interface BitClockScratch {
  index: Float64Array;
  keep: Uint8Array;
}

export function createBitClockScratch(maxBits: number): BitClockScratch {
  return { index: new Float64Array(maxBits), keep: new Uint8Array(maxBits) };
}

/**
 * Fits the clock to strobes[from, to) (strobe j: the loop's bit j). Bit indices in the result are
 * the loop's own at `anchor` (the burst's first character), so bit k of the burst is anchor + k
 * whatever the loop did elsewhere.
 *
 * Each strobe's bit number is counted from its spacing to the previous one (one bit, or two or
 * none where the loop slipped: the spacing's jitter is a small fraction of a bit even when the
 * loop's phase wanders by a quarter of a bit), then a line is fitted to the chunks where the loop
 * was locked, and again without the strobes far from it.
 */
export function fitBitClock(strobes: Float64Array, from: number, to: number, anchor: number, nominal: number, s: BitClockScratch): BitClock {
  const { index, keep } = s;
  const at = Math.max(from, Math.min(to - 1, anchor));
  index[at] = at;
  for (let j = at + 1; j < to; j++) {
    const step = Math.round((strobes[j] - strobes[j - 1]) / nominal);
    index[j] = index[j - 1] + (step >= 0 && step <= 2 ? step : 1);
  }
  for (let j = at - 1; j >= from; j--) {
    const step = Math.round((strobes[j + 1] - strobes[j]) / nominal);
    index[j] = index[j + 1] - (step >= 0 && step <= 2 ? step : 1);
  }
  // Only chunks whose strobes lie close to a line of their own (the loop locked: jitter, a slow
  // wander) take part; where the loop only follows noise they scatter.
  for (let lo = from; lo < to; lo += CHUNK) {
    const hi = Math.min(to, lo + CHUNK);
    for (let j = lo; j < hi; j++) keep[j] = 1;
    const local = fitLine(strobes, index, keep, lo, hi, { a: 0, b: 0 }, nominal);
    let ss = 0;
    for (let j = lo; j < hi; j++) ss += ((strobes[j] - (local.a + local.b * index[j])) / nominal) ** 2;
    const ok = local.b > 0 && hi - lo >= 8 && Math.sqrt(ss / (hi - lo)) < CHUNK_SCATTER;
    if (!ok) for (let j = lo; j < hi; j++) keep[j] = 0;
  }
  let line: BitClock = { a: strobes[at] - nominal * at, b: nominal };
  line = fitLine(strobes, index, keep, from, to, line, nominal);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = from; j < to; j++) keep[j] = Math.abs(strobes[j] - (line.a + line.b * index[j])) < OUTLIER_BITS * line.b ? 1 : 0;
    line = fitLine(strobes, index, keep, from, to, line, nominal);
  }
  return line;
}
