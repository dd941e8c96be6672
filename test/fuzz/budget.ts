// How much each fuzz suite runs: a few seconds in CI, the full run behind `npm run fuzz`
// (EAS_FUZZ_FULL=1). EAS_FUZZ_SEED replays a failing run; fast-check prints the seed and the
// shrunk counterexample when a property fails.
import type { Parameters } from 'fast-check';

export const FULL = process.env.EAS_FUZZ_FULL === '1';

/** `ci` cases normally, `full` under EAS_FUZZ_FULL=1. */
export function cases(ci: number, full: number): number {
  return FULL ? full : ci;
}

/** A vitest timeout for a suite that runs `cases(ci, full)`. */
export function timeoutMs(ci: number, full: number): number {
  return FULL ? full : ci;
}

const seedText = process.env.EAS_FUZZ_SEED;
export const SEED = seedText ? Number(seedText) : Math.floor(Math.random() * 0x7fffffff);

export function params<T>(numRuns: number): Parameters<T> {
  return { numRuns, seed: SEED, endOnFailure: true };
}
