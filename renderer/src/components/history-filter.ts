import type { HistoryFilter } from '@contract';
import { zonedDayStart } from '../lib/time';

/** The history filters as the form holds them: text as typed, parsed into a HistoryFilter. */
export interface FilterForm {
  text: string;
  /** YYYY-MM-DD in the station's zone, from <input type="date">. */
  from: string;
  to: string;
  events: string;
  originator: '' | 'PEP' | 'CIV' | 'WXR' | 'EAS' | 'EAN';
  location: string;
  relevant: 'any' | 'yes' | 'no';
  acknowledged: 'any' | 'yes' | 'no';
  state: '' | 'active' | 'expired';
}

export function emptyForm(): FilterForm {
  return { text: '', from: '', to: '', events: '', originator: '', location: '', relevant: 'any', acknowledged: 'any', state: '' };
}

export type ParsedFilter = { ok: true; filter: HistoryFilter } | { ok: false; errors: string[] };

/** Event codes typed as "tor, svr" or "TOR SVR". */
export function eventCodes(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim().toUpperCase())
    .filter(Boolean);
}

/** The form as a query, or every reason it is not one yet (all of them, each in words). */
export function toFilter(form: FilterForm, timeZone: string): ParsedFilter {
  const errors: string[] = [];
  const filter: HistoryFilter = {};
  const text = form.text.trim();
  if (text) {
    if (text.length > 200) errors.push('Search text: at most 200 characters.');
    else filter.text = text;
  }
  if (form.from) {
    const iso = zonedDayStart(form.from, timeZone);
    if (iso) filter.from = iso;
    else errors.push('From: not a date.');
  }
  if (form.to) {
    // "To 2026-12-01" includes that day: the query's end is the next midnight.
    const iso = zonedDayStart(form.to, timeZone, true);
    if (iso) filter.to = iso;
    else errors.push('To: not a date.');
  }
  if (filter.from && filter.to && filter.from >= filter.to) errors.push('From must be on or before To.');
  const events = eventCodes(form.events);
  const bad = events.filter((e) => !/^[A-Z]{3}$/.test(e));
  if (bad.length > 0) errors.push(`Events: ${bad.map((b) => `“${b}”`).join(', ')} ${bad.length === 1 ? 'is not an event code' : 'are not event codes'}; an event code is 3 letters, such as TOR or SVR.`);
  else if (events.length > 64) errors.push('Events: at most 64 codes.');
  else if (events.length > 0) filter.events = [...new Set(events)];
  if (form.originator) filter.originators = [form.originator];
  const location = form.location.trim();
  if (location) {
    if (/^\d+$/.test(location) && location.length !== 6) errors.push('Location: a location code is 6 digits (PSSCCC, e.g. 029095), or type a place name.');
    else if (location.length > 80) errors.push('Location: at most 80 characters.');
    else filter.location = location;
  }
  if (form.relevant !== 'any') filter.relevant = form.relevant === 'yes';
  if (form.acknowledged !== 'any') filter.acknowledged = form.acknowledged === 'yes';
  if (form.state) filter.state = form.state;
  return errors.length > 0 ? { ok: false, errors } : { ok: true, filter };
}
