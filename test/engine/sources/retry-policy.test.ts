import { describe, expect, it } from 'vitest';
import { CAPTURE_ERROR_CODES, type CaptureErrorCode } from '../../../electron/contract';
import { DEFAULT_RETRY_TIMING, RetryPolicy, type RetryPlan } from '../../../electron/engine/pipeline/retry-policy';
import { CaptureError } from '../../../electron/engine/sources/adapter';
import { fromHttpStatus, fromNetworkError } from '../../../native/http-stream/errors';
import { connectionRefusedError, disconnectedError, noDeviceError, rtlSdrMissingError, stalledError } from '../../../native/rtl/errors';

const fixed = (): number => 1; // jitter at its top: the wait is the ceiling

function waits(policy: RetryPolicy, errors: Error[], ranMs = 0): RetryPlan[] {
  return errors.map((e) => policy.plan(e, ranMs));
}

describe('source retry policy', () => {
  it('retries every capture error code but bad_config (an invalid URI)', () => {
    for (const code of Object.keys(CAPTURE_ERROR_CODES) as CaptureErrorCode[]) {
      for (const retryable of [true, false]) {
        const plan = new RetryPolicy({}, fixed).plan(new CaptureError(code, 'x', 'y', retryable), 0);
        expect(plan.final, `${code} (retryable ${retryable})`).toBe(code === 'bad_config');
      }
    }
    // An error that is not a CaptureError (a bug in an adapter) is retried too.
    expect(new RetryPolicy().plan(new TypeError('boom'), 0).final).toBe(false);
  });

  it('backs off transient failures exponentially up to the ceiling', () => {
    const policy = new RetryPolicy({}, fixed);
    const refused = connectionRefusedError('127.0.0.1', 1234);
    const plans = waits(policy, Array.from({ length: 8 }, () => refused));
    expect(plans.map((p) => (p.final ? -1 : p.waitMs))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(plans[0]).toMatchObject({ note: 'retrying in 1 s' });
    expect(plans[5]).toMatchObject({ note: 'retrying in 30 s' });
  });

  it('a failure that needs an outside change is retried at the steady slow interval, and says so', () => {
    const policy = new RetryPolicy({}, fixed);
    const missing = new CaptureError('not_found', 'file not found: /x.wav', 'check the path', false);
    const plans = waits(policy, [missing, missing, rtlSdrMissingError('rtl_sdr'), missing]);
    for (const p of plans) expect(p).toEqual({ final: false, waitMs: DEFAULT_RETRY_TIMING.slowMs, note: 'retrying every 15 s' });
  });

  it('a run shorter than the healthy run keeps backing off; a long one starts over', () => {
    const policy = new RetryPolicy({ healthyRunMs: 10_000 }, fixed);
    const drop = disconnectedError('rtl_tcp 127.0.0.1:1234', 'connection reset');
    expect(waits(policy, [drop, drop, drop], 2000).map((p) => !p.final && p.waitMs)).toEqual([1000, 2000, 4000]);
    expect(policy.plan(drop, 10_000)).toMatchObject({ waitMs: 1000 });
  });

  it('the native layers classify transient failures as retryable (fast) and setup ones as not (slow)', () => {
    const fast = [
      fromNetworkError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'http://127.0.0.1:9/x', false),
      fromNetworkError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'http://127.0.0.1:9/x', true),
      fromHttpStatus(404, 'Not Found', 'http://127.0.0.1:9/x'),
      fromHttpStatus(503, 'Unavailable', 'http://127.0.0.1:9/x'),
      stalledError('rtl_tcp 127.0.0.1:1234', 10),
      noDeviceError('0'),
    ];
    for (const e of fast) expect(e.retryable, e.code).toBe(true);
    expect(rtlSdrMissingError('rtl_sdr').retryable).toBe(false);
  });
});
