import type { CaptureContext } from '../../electron/engine/sources/adapter';
import { within } from './wait';

/**
 * Runs one capture (an adapter's run(), or a native capture wrapped to take a context) the
 * way a source pipeline does, with a deadline on each thing a test waits for: that the audio
 * arrives, and that the capture ends once stopped. A capture that hangs therefore fails
 * naming which of the two did not happen, instead of running into the test timeout.
 */
export type StartCapture = (ctx: CaptureContext) => Promise<void>;

export interface CaptureRunOptions {
  /** Abort the capture once this many samples have arrived. */
  wantSamples: number;
  /** Deadline for them to arrive, from the start. */
  deliverWithinMs: number;
  /** Deadline for the capture to end after the abort (default 2000). */
  endWithinMs?: number;
}

export interface CaptureRun {
  /** The first `wantSamples` samples delivered. */
  audio: Float32Array;
  blocks: number;
  logs: string[];
  /** From the abort to the capture's end. */
  endedAfterMs: number;
}

export async function runCapture(what: string, start: StartCapture, opts: CaptureRunOptions): Promise<CaptureRun> {
  const endWithinMs = opts.endWithinMs ?? 2000;
  const ac = new AbortController();
  const audio = new Float32Array(opts.wantSamples);
  const logs: string[] = [];
  let total = 0;
  let blocks = 0;
  let abortedAt = 0;
  let enough: () => void = () => {};
  const arrived = new Promise<'enough'>((resolve) => (enough = () => resolve('enough')));
  const ctx = context(ac.signal, logs, (block) => {
    blocks++;
    if (total >= opts.wantSamples) return;
    const take = Math.min(block.length, opts.wantSamples - total);
    audio.set(block.subarray(0, take), total);
    total += take;
    if (total < opts.wantSamples) return;
    abortedAt = performance.now();
    ac.abort();
    enough();
  });
  const running = start(ctx);
  const status = (): string => `${total} of ${opts.wantSamples} samples in ${blocks} blocks; log: ${logs.join(' | ') || '(empty)'}`;
  let first: 'enough' | 'ended';
  try {
    first = await within(`${what} to deliver ${opts.wantSamples} samples`, Promise.race([arrived, running.then(() => 'ended' as const)]), opts.deliverWithinMs, status);
  } catch (err) {
    // Stop it anyway (bounded), so a failed test leaves no capture running behind it.
    ac.abort();
    await within(`${what} to end after the abort`, running, endWithinMs).catch(() => {});
    throw err;
  }
  if (first === 'ended') throw new Error(`${what} ended by itself before it was stopped (${status()})`);
  await within(`${what} to end after the abort`, running, endWithinMs, status);
  return { audio, blocks, logs, endedAfterMs: performance.now() - abortedAt };
}

/**
 * Runs a capture that is expected to fail by itself (a missing device, a stall) and returns
 * its error; fails naming `what` if it has not failed within `timeoutMs`, or ended without one.
 */
export async function captureFailure(what: string, start: StartCapture, timeoutMs: number): Promise<unknown> {
  const ac = new AbortController();
  const logs: string[] = [];
  const running = start(context(ac.signal, logs, () => {}));
  try {
    const error = await within(
      what,
      running.then(
        () => null,
        (err: unknown) => err ?? new Error('rejected without a reason'),
      ),
      timeoutMs,
      () => `log: ${logs.join(' | ') || '(empty)'}`,
    );
    if (error === null) throw new Error(`${what}: the capture ended without an error`);
    return error;
  } catch (err) {
    ac.abort();
    await within(`the failed capture (${what}) to end after the abort`, running, 2000).catch(() => {});
    throw err;
  }
}

function context(signal: AbortSignal, logs: string[], emit: (block: Float32Array) => void): CaptureContext {
  return {
    emit,
    setNowPlaying() {},
    setSignalDb() {},
    log: (level, message) => logs.push(`${level}: ${message}`),
    signal,
  };
}
