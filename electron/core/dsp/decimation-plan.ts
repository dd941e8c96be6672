import { designLowpass, kaiserTapCount } from './fir-design';

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
  const maxStages = req.maxStages ?? 3;
  if (!Number.isInteger(req.factor) || req.factor < 1) throw new RangeError(`decimation factor must be a positive integer, got ${req.factor}`);
  let best: number[] | null = null;
  let bestCost = Infinity;
  for (const parts of factorizations(req.factor, maxStages)) {
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
      decimSoFar *= f;
      cost += kaiserTapCount(atten, stop - pass, rate) / decimSoFar;
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
    stages.push({ factor: f, inputRate: rate, outputRate: out, taps: designLowpass(pass, stop, rate, atten, i === 0 ? (req.gain ?? 1) : 1) });
    rate = out;
  });
  return stages;
}

/** Multiply-accumulates per input sample (per rail) of a plan; for benchmarks and reports. */
export function planCost(stages: readonly DecimationStage[]): number {
  let decim = 1;
  let cost = 0;
  for (const s of stages) {
    decim *= s.factor;
    cost += s.taps.length / decim;
  }
  return cost;
}
