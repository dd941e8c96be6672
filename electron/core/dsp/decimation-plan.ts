import { kaiserTapCount, lowpassTaps } from './fir-design';

export interface DecimationStage {
  factor: number;
  inputRate: number;
  outputRate: number;
  taps: Float32Array;
}

export interface DecimationRequest {
  inputRate: number;
  /** Integer overall factor; the output rate is inputRate / factor. */
  factor: number;
  /** Edge of the band to keep (Hz, one-sided). */
  passHz: number;
  /** Where the last stage must be `attenDb` down. Earlier stages only keep aliases off the passband. */
  stopHz: number;
  attenDb?: number;
  /** DC gain applied in the first stage (folds input scaling into the filter for free). */
  gain?: number;
  maxStages?: number;
  /** Force these stage factors (their product must be `factor`) instead of searching. */
  factors?: readonly number[];
  /** Only consider plans whose first stage decimates by this (e.g. 2 for a fused front end). */
  firstFactor?: number;
}

function factorizations(n: number, maxParts: number): number[][] {
  if (n === 1) return [[1]];
  const out: number[][] = [];
  const walk = (rest: number, parts: number[]): void => {
    if (rest === 1) {
      out.push(parts);
      return;
    }
    if (parts.length === maxParts) return;
    for (let f = 2; f <= rest; f++) if (rest % f === 0) walk(rest / f, [...parts, f]);
  };
  walk(n, []);
  return out;
}

/**
 * Tap count and multiplies per output of one stage. A 2x stage whose band edges are symmetric
 * about a quarter of its rate is a half-band: every other tap is zero, so it is rounded to 4K+3
 * taps (outermost taps non-zero) and costs about N/4.
 */
function stageDesign(atten: number, pass: number, stop: number, rate: number, factor: number): { taps: number; cost: number; halfband: boolean } {
  let n = kaiserTapCount(atten, stop - pass, rate);
  const halfband = factor === 2 && Math.abs((pass + stop) / 2 - rate / 4) < 1e-9 * rate;
  // Cost in multiply-equivalents per output: the multiplies after folding plus the loop's own
  // bookkeeping, which the unrolled short half-bands (up to 19 taps) mostly avoid.
  if (halfband) {
    n = Math.max(7, n);
    while (n % 4 !== 3) n += 2;
    const mults = (n + 1) / 4 + 1;
    return { taps: n, cost: mults + (n <= 19 ? 1.5 : 4), halfband };
  }
  return { taps: n, cost: (n + 1) / 2 + 4, halfband };
}

function stageEdges(req: DecimationRequest, outRate: number, last: boolean): { pass: number; stop: number } {
  // Intermediate stages: only what would fold onto the passband must go; later stages remove
  // the rest. The last stage carries the channel's own transition band.
  const aliasStop = outRate - req.passHz;
  const stop = last ? Math.min(req.stopHz, aliasStop) : aliasStop;
  return { pass: req.passHz, stop };
}

/**
 * Splits a decimation into up to `maxStages` FIR stages, choosing the ordering with the fewest
 * multiply-accumulates per input sample (long filters at low rates, short ones at high rates).
 */
export function planDecimation(req: DecimationRequest): DecimationStage[] {
  const atten = req.attenDb ?? 60;
  const maxStages = req.maxStages ?? 6;
  if (!Number.isInteger(req.factor) || req.factor < 1) throw new RangeError(`decimation factor must be a positive integer, got ${req.factor}`);
  let best: number[] | null = null;
  let bestCost = Infinity;
  if (req.factors && req.factors.reduce((a, b) => a * b, 1) !== req.factor) {
    throw new RangeError(`stage factors ${req.factors.join('x')} do not multiply to ${req.factor}`);
  }
  const candidates = (req.factors ? [[...req.factors]] : factorizations(req.factor, maxStages)).filter(
    (parts) => req.firstFactor === undefined || parts[0] === req.firstFactor,
  );
  for (const parts of candidates) {
    let rate = req.inputRate;
    let decimSoFar = 1;
    let cost = 0;
    let ok = true;
    parts.forEach((f, i) => {
      const out = rate / f;
      const { pass, stop } = stageEdges(req, out, i === parts.length - 1);
      if (stop <= pass) {
        ok = false;
        return;
      }
      // Each stage also copies its input once into its history buffer.
      cost += 0.5 / decimSoFar;
      decimSoFar *= f;
      cost += stageDesign(atten, pass, stop, rate, f).cost / decimSoFar;
      rate = out;
    });
    if (ok && cost < bestCost) {
      bestCost = cost;
      best = parts;
    }
  }
  if (!best) throw new RangeError(`cannot decimate ${req.inputRate} Hz by ${req.factor} keeping ${req.passHz} Hz`);
  const stages: DecimationStage[] = [];
  let rate = req.inputRate;
  best.forEach((f, i) => {
    const out = rate / f;
    const { pass, stop } = stageEdges(req, out, i === best!.length - 1);
    const { taps } = stageDesign(atten, pass, stop, rate, f);
    stages.push({ factor: f, inputRate: rate, outputRate: out, taps: lowpassTaps(taps, (pass + stop) / 2, rate, atten, i === 0 ? (req.gain ?? 1) : 1) });
    rate = out;
  });
  return stages;
}

/** Taps per input sample (per rail) of a plan before folding; for benchmarks and reports. */
export function planCost(stages: readonly DecimationStage[]): number {
  let decim = 1;
  let cost = 0;
  for (const s of stages) {
    decim *= s.factor;
    cost += s.taps.length / decim;
  }
  return cost;
}
