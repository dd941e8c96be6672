// Times are formatted in lib/time.ts (one format, the station's zone); numbers and sizes here.

export function db(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value <= -120) return '-∞';
  return value.toFixed(digits);
}

export function duration(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m ${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** "1 listener", "2 listeners", "— listeners" when the server did not say. */
export function count(n: number | null | undefined, word: string): string {
  if (n === null || n === undefined) return `— ${word}s`;
  return `${n} ${n === 1 ? word : `${word}s`}`;
}
