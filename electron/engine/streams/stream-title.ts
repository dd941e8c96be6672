import type { Alert } from '../../contract/dto';

/**
 * The title a listener sees during an alert, e.g.
 * "EAS: Tornado Warning - Jackson County, MO until 14:49" (expiry in the station's time zone).
 * Many counties would not fit a player's title line: after two, "+N more".
 */
export function alertStreamTitle(alert: Pick<Alert, 'eventName' | 'locations' | 'expiresAt'>, timeZone?: string): string {
  const names = alert.locations.map((l) => l.name).filter(Boolean);
  const where = names.length === 0 ? '' : names.length <= 2 ? names.join('; ') : `${names.slice(0, 2).join('; ')} +${names.length - 2} more`;
  const until = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, ...(timeZone ? { timeZone } : {}) }).format(new Date(alert.expiresAt));
  return `EAS: ${alert.eventName}${where ? ` - ${where}` : ''} until ${until}`;
}

/** What a source's streams show: the alert while one runs, else the now-playing, else the fallback. */
export function effectiveTitle(alert: string | null, nowPlaying: string | null, fallback: string | null): string | null {
  return alert ?? nowPlaying ?? fallback;
}
