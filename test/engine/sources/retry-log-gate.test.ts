import { describe, expect, it } from 'vitest';
import { RETRY_LOG_EVERY_MS, RetryLogGate } from '../../../electron/engine/pipeline/retry-log-gate';

describe('RetryLogGate', () => {
  it('logs a retried failure once, again when it changes or after the interval, and every other state', () => {
    const g = new RetryLogGate();
    expect(g.shouldLog('a', 'retrying', 'not_found', 0)).toBe(true);
    expect(g.shouldLog('a', 'retrying', 'not_found', 15_000)).toBe(false);
    expect(g.shouldLog('b', 'retrying', 'not_found', 15_000), 'another source has its own line').toBe(true);
    expect(g.shouldLog('a', 'retrying', 'decode_failed', 30_000), 'a new reason').toBe(true);
    expect(g.shouldLog('a', 'retrying', 'decode_failed', 30_000 + RETRY_LOG_EVERY_MS - 1)).toBe(false);
    expect(g.shouldLog('a', 'retrying', 'decode_failed', 30_000 + RETRY_LOG_EVERY_MS)).toBe(true);
    expect(g.shouldLog('a', 'running', undefined, 1e9)).toBe(true);
    expect(g.shouldLog('a', 'retrying', 'decode_failed', 1e9 + 1), 'after recovering, the next failure is news').toBe(true);
  });
});
