/**
 * A source retrying the same failure is logged on the first try, then every this often (with
 * the count of tries): a file missing for a week must not write a line every 15 s.
 */
export const RETRY_LOG_EVERY_MS = 10 * 60_000;

/** Which source state changes go to the log. Clock-free: the caller passes the time. */
export class RetryLogGate {
  private readonly logged = new Map<string, { code: string; atMs: number }>();

  shouldLog(id: string, state: string, code: string | undefined, nowMs: number): boolean {
    if (state !== 'retrying' || code === undefined) {
      this.logged.delete(id);
      return true;
    }
    const last = this.logged.get(id);
    if (last && last.code === code && nowMs - last.atMs < RETRY_LOG_EVERY_MS) return false;
    this.logged.set(id, { code, atMs: nowMs });
    return true;
  }

  forget(id: string): void {
    this.logged.delete(id);
  }
}
