/**
 * SAME times: JJJHHMM carries no year, so the year comes from when the header was received. The
 * issue time is normally a little before reception, but station clocks drift either way, so the
 * candidate (last year, this year, next year) closest to the receive time wins: JJJ=365 received at
 * 2027-01-01 00:05Z is 2026-12-31.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export interface IssueTime {
  issuedAt: Date;
  /** True when JJJ is 366 but no year near the receive time is a leap year (the sender's clock is wrong). */
  dayOutOfYear: boolean;
}

export function inferIssueTime(issued: { day: number; hour: number; minute: number }, receivedAt: Date): IssueTime {
  const received = receivedAt.getTime();
  const year = Number.isFinite(received) ? receivedAt.getUTCFullYear() : 1970;
  const ref = Number.isFinite(received) ? received : 0;
  let best: number | null = null;
  let fallback: number | null = null;
  for (let y = year - 1; y <= year + 1; y++) {
    const t = Date.UTC(y, 0, 1) + (issued.day - 1) * DAY_MS + issued.hour * 3_600_000 + issued.minute * MINUTE_MS;
    const fits = issued.day <= (isLeapYear(y) ? 366 : 365);
    if (fits) {
      if (best === null || Math.abs(t - ref) < Math.abs(best - ref)) best = t;
    } else if (fallback === null || Math.abs(t - ref) < Math.abs(fallback - ref)) {
      fallback = t;
    }
  }
  // Three consecutive years always include a 365-day fit, so only day 366 can reach the fallback.
  if (best !== null) return { issuedAt: new Date(best), dayOutOfYear: false };
  return { issuedAt: new Date(fallback ?? ref), dayOutOfYear: true };
}

export function expiryTime(issuedAt: Date, purge: { hours: number; minutes: number }): Date {
  return new Date(issuedAt.getTime() + (purge.hours * 60 + purge.minutes) * MINUTE_MS);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "5:00 PM UTC April 15, 2026" — fixed English, independent of the host locale and time zone. */
export function formatUtc(d: Date): string {
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const ampm = h < 12 ? 'AM' : 'PM';
  return `${h12}:${String(m).padStart(2, '0')} ${ampm} UTC ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/**
 * "5:00 PM CDT April 15, 2026" in the station's IANA zone (fixed English, like formatUtc);
 * null or an unknown zone gives formatUtc's text, so an alert is never described in a zone
 * the station did not choose.
 */
export function formatInZone(d: Date, timeZone: string | null | undefined): string {
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') return formatUtc(d);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
      month: 'long',
      day: 'numeric',
      year: 'numeric',
      timeZoneName: 'short',
    }).formatToParts(d);
  } catch {
    return formatUtc(d);
  }
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('hour')}:${part('minute')} ${part('dayPeriod').toUpperCase()} ${part('timeZoneName')} ${part('month')} ${part('day')}, ${part('year')}`;
}
