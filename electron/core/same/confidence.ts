/**
 * Reliability of decoded bits. The demodulator's soft value d = (|M|^2 - |S|^2) / (|M|^2 + |S|^2)
 * is turned into a log-likelihood ratio with the non-coherent FSK model: with the burst's Eb/N0
 * estimated from all its bits, the two correlator envelopes are r = sqrt((1 +/- d)/2 · (Eb/N0 + 2))
 * (noise-normalised) and LLR = ln I0(2·sqrt(Eb/N0)·r_mark) - ln I0(2·sqrt(Eb/N0)·r_space).
 * Summing LLRs of the bursts that hold a bit gives the probability that the voted value is wrong;
 * summed over a header, an upper bound on the chance that any of its bits is wrong.
 */

/** ln I0(x): power series below 10, asymptotic expansion above. */
export function logBesselI0(x: number): number {
  if (x < 10) {
    let sum = 1;
    let term = 1;
    for (let k = 1; k < 80; k++) {
      const h = x / (2 * k);
      term *= h * h;
      sum += term;
      if (term < 1e-16 * sum) break;
    }
    return Math.log(sum);
  }
  return x - 0.5 * Math.log(2 * Math.PI * x) + 1 / (8 * x);
}

const MAX_EBN0 = 1e4;

/**
 * Eb/N0 (linear) of a burst from its soft values: for each bit the weaker tone's energy over the
 * stronger one's is (1 - |d|) / (1 + |d|); its mean estimates noise / (signal + noise).
 */
export function estimateEbN0(soft: Float32Array): number {
  const n = soft.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = soft[i] < 0 ? -soft[i] : soft[i];
    sum += (1 - a) / (1 + a);
  }
  const ratio = sum / n;
  return ratio <= 1 / (MAX_EBN0 + 1) ? MAX_EBN0 : Math.max(0, 1 / ratio - 1);
}

/** Bit error rate of non-coherent FSK at that Eb/N0: exp(-Eb/2N0) / 2. */
export function bitErrorRateAt(ebn0: number): number {
  return Math.min(0.5, 0.5 * Math.exp(-ebn0 / 2));
}

export function estimateBitErrorRate(soft: Float32Array): number {
  return soft.length === 0 ? 0.5 : bitErrorRateAt(estimateEbN0(soft));
}

/**
 * Cap on one burst's LLR for one bit. Eb/N0 is estimated over the whole burst, so a click or
 * dropout inside an otherwise clean burst would get an LLR far beyond its real reliability; the
 * cap keeps one such bit from outweighing two copies that disagree with it.
 */
export const MAX_BIT_LLR = 30;

/** LLR of one bit (positive: mark, 1) from its soft value and the burst's Eb/N0. */
export function bitLlr(d: number, ebn0: number): number {
  const total = ebn0 + 2;
  const rm = Math.sqrt(Math.max(0, (1 + d) * 0.5 * total));
  const rs = Math.sqrt(Math.max(0, (1 - d) * 0.5 * total));
  const a = 2 * Math.sqrt(ebn0);
  const llr = logBesselI0(a * rm) - logBesselI0(a * rs);
  return llr > MAX_BIT_LLR ? MAX_BIT_LLR : llr < -MAX_BIT_LLR ? -MAX_BIT_LLR : llr;
}

/** Probability that a bit decided as `bit` is wrong, given the summed LLR (positive favours 1). */
export function wrongProbability(llr: number, bit: number): number {
  const toward = bit ? llr : -llr;
  return toward > 40 ? Math.exp(-toward) : 1 / (1 + Math.exp(toward));
}
