import type { Alert, HistoryFilter } from '../../contract';
import { matchLocation } from '../../core/alerts';

/**
 * The history filter over one alert held in memory (one the database has not taken yet, while
 * it is failing), so such an alert shows on the first page of the filters it would match.
 * Text search is word-by-word over the same fields FTS indexes.
 */
export function matchesInMemory(a: Alert, f: HistoryFilter, nowMs: number): boolean {
  const first = Date.parse(a.receivedAt);
  if (f.from && first < Date.parse(f.from)) return false;
  if (f.to && first >= Date.parse(f.to)) return false;
  if (f.events?.length && !f.events.includes(a.event)) return false;
  if (f.originators?.length && !(f.originators as string[]).includes(a.originator)) return false;
  if (f.relevant !== undefined && a.relevance.relevant !== f.relevant) return false;
  if (f.acknowledged !== undefined && (a.acknowledgement !== null) !== f.acknowledged) return false;
  if (f.state && (Date.parse(a.expiresAt) > nowMs ? 'active' : 'expired') !== f.state) return false;
  if (f.sourceId && !a.receptions.some((r) => r.sourceId === f.sourceId)) return false;
  if (f.location) {
    const code = f.location.replace(/\s+/g, '');
    if (/^\d{5,6}$/.test(code)) {
      const want = code.length === 5 ? `0${code}` : code;
      if (!a.locations.some((l) => matchLocation(l.code, want) !== null)) return false;
    } else if (!hasWords(a.locations.map((l) => l.name).join(' '), f.location)) {
      return false;
    }
  }
  if (f.text && !hasWords([a.text, a.eventName, a.originatorName, a.callsign, a.raw, ...a.locations.map((l) => l.name)].join(' '), f.text)) return false;
  return true;
}

function hasWords(hay: string, query: string): boolean {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const tokens = hay.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.every((w, i) => tokens.some((t) => (i === words.length - 1 ? t.startsWith(w) : t === w)));
}
