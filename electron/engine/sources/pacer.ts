import { sleep } from '../../core/time/sleep';

/**
 * Calls `produce(n)` so that, on average, `rate` samples per second are produced, in blocks
 * of at most `maxBlock`. Paced by the wall clock, not by timer counts, so timer jitter
 * never accumulates into drift.
 */
export async function paceRealtime(
  rate: number,
  maxBlock: number,
  signal: AbortSignal,
  produce: (n: number) => void,
  tickMs = 20,
): Promise<void> {
  const start = performance.now();
  let produced = 0;
  while (!signal.aborted) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate) - produced;
    let left = due;
    while (left > 0) {
      const n = Math.min(left, maxBlock);
      produce(n);
      left -= n;
    }
    produced += Math.max(0, due);
    await sleep(tickMs, signal);
  }
}
