/**
 * Bounded waiting for tests. Every wait names what it waits for, so a test that fails on a
 * loaded machine says what did not happen instead of running into the runner's timeout.
 */
export { sleep } from '../../electron/core/time/sleep';

type Falsy = false | 0 | '' | null | undefined;

export interface WaitOptions {
  /** Pause between two checks (default 25 ms). */
  stepMs?: number;
  /** Appended to the timeout error: server logs, the last state seen. */
  detail?: () => string;
}

/**
 * Polls `predicate` (sync or async) until it returns something truthy, and returns that.
 * Throws an Error naming `what` and the timeout otherwise. Each check is raced against the
 * deadline, so an async predicate that never settles still ends the wait on time.
 */
export async function waitFor<T>(
  what: string,
  predicate: () => T | Promise<T>,
  timeoutMs = 15_000,
  options: WaitOptions = {},
): Promise<Exclude<T, Falsy>> {
  const stepMs = options.stepMs ?? 25;
  const end = Date.now() + timeoutMs;
  const timedOut = (): Error => new Error(`timed out after ${timeoutMs} ms waiting for ${what}${options.detail ? `\n${options.detail()}` : ''}`);
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) throw timedOut();
    const value = await raceDeadline(Promise.resolve(predicate()), left);
    if (value === DEADLINE) throw timedOut();
    if (value) return value as Exclude<T, Falsy>;
    if (end - Date.now() <= 0) throw timedOut();
    await new Promise((r) => setTimeout(r, Math.min(stepMs, end - Date.now())));
  }
}

/**
 * Resolves with `work`, or throws an Error naming `what` when it has not settled within
 * `timeoutMs` (for one-shot promises such as a capture ending, where there is nothing to poll).
 */
export async function within<T>(what: string, work: Promise<T>, timeoutMs: number, detail?: () => string): Promise<T> {
  const value = await raceDeadline(work, timeoutMs);
  if (value === DEADLINE) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
  return value;
}

const DEADLINE: unique symbol = Symbol('deadline');

async function raceDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof DEADLINE> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof DEADLINE>((r) => (timer = setTimeout(() => r(DEADLINE), ms)));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
