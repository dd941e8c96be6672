/**
 * The console's one time format: "2026-12-01 18:05:12 CST", in the station's time zone (the
 * `timeZone` setting, else this computer's). Every alert time, log line and page uses it, so an
 * engineer comparing the banner with the history, Icecast or Diagnostics never converts.
 */

/** The zone this computer runs in, used when the station sets none. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

interface Formatters {
  parts: Intl.DateTimeFormat;
}

// Building an Intl formatter costs far more than using one; tables render hundreds of times.
const cache = new Map<string, Formatters>();

function formatters(timeZone: string): Formatters {
  let f = cache.get(timeZone);
  if (!f) {
    f = {
      // en-US gives the short zone names people know (CST, EDT, UTC); other zones come out as GMT+1.
      parts: new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      }),
    };
    cache.set(timeZone, f);
  }
  return f;
}

type Parts = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'timeZoneName', string>;

function partsOf(ms: number, timeZone: string): Parts {
  const out: Partial<Parts> = {};
  for (const p of formatters(timeZone).parts.formatToParts(ms)) {
    if (p.type !== 'literal') (out as Record<string, string>)[p.type] = p.value;
  }
  return out as Parts;
}

function toMs(when: string | number | Date): number {
  return when instanceof Date ? when.getTime() : typeof when === 'number' ? when : Date.parse(when);
}

/** "2026-12-01 18:05:12 CST"; an unparseable input is returned as it came. */
export function formatTime(when: string | number | Date, timeZone: string): string {
  const ms = toMs(when);
  if (!Number.isFinite(ms)) return String(when);
  const p = partsOf(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

/** A time another program wrote (Icecast: ISO 8601 or RFC 822), in the console's format when readable. */
export function serverTime(text: string, timeZone: string): string {
  return Number.isFinite(Date.parse(text)) ? formatTime(text, timeZone) : text;
}

/** The same instant as an <input type="date"> value in the station's zone: "2026-12-01". */
export function dateInZone(when: string | number | Date, timeZone: string): string {
  const p = partsOf(toMs(when), timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Minutes the zone is ahead of UTC at that instant (CST: -360). */
function offsetMinutes(ms: number, timeZone: string): number {
  const p = partsOf(ms, timeZone);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * Midnight at the start of `date` (YYYY-MM-DD) in `timeZone`, as an ISO instant; with
 * `endOfDay`, midnight at the start of the next day (an exclusive end for a "to" filter).
 * Null when the text is not a date.
 */
export function zonedDayStart(date: string, timeZone: string, endOfDay = false): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (endOfDay ? 1 : 0));
  if (!Number.isFinite(wall)) return null;
  // The offset depends on the instant (DST): guess with the wall time, then correct once.
  let ms = wall - offsetMinutes(wall, timeZone) * 60_000;
  ms = wall - offsetMinutes(ms, timeZone) * 60_000;
  return new Date(ms).toISOString();
}

/** "1 h 12 min", "9:32" in the last 10 minutes (seconds matter then), "0:00" at the end. */
export function countdown(toIso: string, now: number): string {
  const ms = Date.parse(toIso) - now;
  if (!Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  const mins = Math.ceil(s / 60);
  if (mins < 60) return `${mins} min`;
  const h = Math.floor(mins / 60);
  return mins % 60 === 0 ? `${h} h` : `${h} h ${mins % 60} min`;
}

/** "5 min ago", "2 h ago": how long since, at minute resolution. */
export function ago(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const mins = Math.floor(Math.max(0, ms) / 60_000);
  if (mins < 1) return 'just now';
  if (mins < 60) return `${mins} min ago`;
  const h = Math.floor(mins / 60);
  return h < 48 ? `${h} h ago` : `${Math.floor(h / 24)} days ago`;
}

/** The IANA zones this browser knows, for the time zone picker (empty where Intl cannot list them). */
export function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    return [];
  }
}

/** Whether Intl accepts `tz` as a zone name (what the engine checks too). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
