/**
 * Waits `ms`, or less when `signal` aborts: it always resolves (never rejects), so a loop
 * that sleeps between retries just checks `signal.aborted` afterwards. The abort listener is
 * removed when the timer fires, so a long-lived signal does not collect one per sleep.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
