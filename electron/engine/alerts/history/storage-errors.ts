/**
 * What a failed write to the history means for the operator. SQLite and the file system name
 * the same few conditions many ways (SQLITE_FULL, ENOSPC, SQLITE_READONLY_DBMOVED, EROFS...);
 * they come down to "wait and retry" conditions, said in words that name the directory.
 */
export type StorageCondition = 'disk full' | 'read-only' | 'I/O error' | 'busy' | 'cannot open';

export function storageCondition(err: unknown): StorageCondition | null {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const message = String((err as { message?: unknown } | null)?.message ?? '');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || /database or disk is full|no space left/i.test(message)) return 'disk full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || /readonly|read-only/i.test(message)) return 'read-only';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'I/O error';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT') return 'cannot open';
  return null;
}

/** What the operator can do about each condition. */
export function storageAdvice(condition: StorageCondition): string {
  switch (condition) {
    case 'disk full':
      return 'free some space on that disk';
    case 'read-only':
      return 'make the directory writable by this user, or start with --data-dir on a writable disk';
    case 'I/O error':
      return 'check the disk (dmesg, smartctl)';
    case 'busy':
      return 'another program holds the database; close it';
    case 'cannot open':
      return 'check that the directory exists and this user may write to it, or start with --data-dir';
  }
}

/** The history database could not be opened: names the directory and what to do. */
export class HistoryOpenError extends Error {
  constructor(
    readonly dir: string,
    readonly condition: StorageCondition | null,
    cause: unknown,
  ) {
    const why = condition ?? ((cause as Error)?.message || 'unknown error');
    const advice = condition ? storageAdvice(condition) : 'check the directory, or start with --data-dir pointing elsewhere';
    super(`cannot open the alert history in ${dir} (${why}): ${advice}`);
    this.name = 'HistoryOpenError';
  }
}
