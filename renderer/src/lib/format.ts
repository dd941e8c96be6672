/** Local wall-clock time, seconds included: what an engineer compares with the station clock. */
export function clock(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function dateClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const date = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return sameDay ? clock(iso) : `${date} ${clock(iso)}`;
}

/** "in 38 min", "2 h 5 min ago": expiry at a glance. */
export function relative(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return '';
  const past = ms < 0;
  const mins = Math.round(Math.abs(ms) / 60_000);
  const text = mins < 1 ? 'less than a minute' : mins < 60 ? `${mins} min` : `${Math.floor(mins / 60)} h ${mins % 60} min`;
  return past ? `${text} ago` : `in ${text}`;
}

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
