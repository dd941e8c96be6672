/**
 * Whether an alert concerns this station, as an ENDEC's filters decide it, with the reasons in
 * words. Location codes are PSSCCC: P the part of the county (0 = all of it), SS the state,
 * CCC the county (000 = the whole state); 000000 is the whole nation. Matching works both ways:
 * a state-wide alert covers every county of interest in that state, and a state of interest
 * takes every alert for one of its counties.
 */
import { ALWAYS_RELEVANT_EVENTS, TEST_EVENTS, type Relevance, type RelevanceSettings } from '../../contract/alert-model';
import { nameEvent, nameLocation } from './names';
import type { SameTables } from './tables';

export const NATION = '000000';

/** How an alert's location covers a location of interest, or null when it does not. */
export type LocationMatch = 'same' | 'nation' | 'state' | 'county';

export function matchLocation(alertCode: string, interest: string): LocationMatch | null {
  if (alertCode === interest) return 'same';
  if (alertCode === NATION || interest === NATION) return 'nation';
  if (alertCode.length !== 6 || interest.length !== 6) return null;
  if (alertCode.slice(1, 3) !== interest.slice(1, 3)) return null;
  const ap = alertCode[0];
  const ip = interest[0];
  // Two different parts of the same county (say northwest and southeast) do not overlap.
  if (ap !== '0' && ip !== '0' && ap !== ip) return null;
  const ac = alertCode.slice(3);
  const ic = interest.slice(3);
  if (ac === '000' || ic === '000') return 'state';
  return ac === ic ? 'county' : null;
}

export interface RelevanceInput {
  originator: string;
  event: string;
  locations: readonly string[];
}

function place(code: string, tables: SameTables): string {
  return `${code} ${nameLocation(code, tables).name}`;
}

function matchReason(kind: LocationMatch, alertCode: string, interest: string, tables: SameTables): string {
  switch (kind) {
    case 'same':
      return `matches ${place(interest, tables)}`;
    case 'nation':
      return alertCode === NATION
        ? `nation-wide alert (000000) covers ${place(interest, tables)}`
        : `matches ${place(alertCode, tables)} (location of interest 000000: all of the United States)`;
    case 'state':
      return alertCode.endsWith('000') && !interest.endsWith('000')
        ? `state-wide alert ${place(alertCode, tables)} covers ${place(interest, tables)}`
        : `matches ${place(alertCode, tables)} (in ${place(interest, tables)})`;
    case 'county':
      // Same county, one side names a part of it (the subdivision digit).
      return alertCode[0] === '0'
        ? `whole-county alert ${place(alertCode, tables)} covers ${place(interest, tables)}`
        : `matches ${place(interest, tables)} (alert for part of it: ${place(alertCode, tables)})`;
  }
}

/** Which of the station's locations the alert covers, in words; empty when none. */
export function locationReasons(locations: readonly string[], interests: readonly string[], tables: SameTables): string[] {
  const reasons: string[] = [];
  for (const code of locations) {
    for (const interest of interests) {
      const kind = matchLocation(code, interest);
      if (kind) reasons.push(matchReason(kind, code, interest, tables));
    }
  }
  return reasons;
}

export function judgeRelevance(a: RelevanceInput, s: RelevanceSettings, tables: SameTables): Relevance {
  if (ALWAYS_RELEVANT_EVENTS.includes(a.event)) {
    return { relevant: true, reasons: [`event ${a.event} (${nameEvent(a.event, tables).name}) is always relevant`] };
  }
  const refused: string[] = [];
  if (s.denyEvents.includes(a.event)) refused.push(`event ${a.event} denied by setting`);
  else if (s.ignoreTests && TEST_EVENTS.includes(a.event)) refused.push(`event ${a.event} ignored by setting (ignore tests)`);
  else if (s.allowEvents.length > 0 && !s.allowEvents.includes(a.event)) refused.push(`event ${a.event} is not in the allowed events`);
  if (s.originators.length > 0 && !s.originators.includes(a.originator as (typeof s.originators)[number])) {
    refused.push(`originator ${a.originator} is not in the originator filter`);
  }
  let where: string[];
  if (s.locations.length === 0) {
    where = ['no locations of interest set: every location counts'];
  } else {
    where = locationReasons(a.locations, s.locations, tables);
    if (where.length === 0) {
      const shown = a.locations.slice(0, 3).map((c) => place(c, tables));
      const more = a.locations.length > 3 ? ` and ${a.locations.length - 3} more` : '';
      refused.push(`no location of interest: alert for ${shown.join('; ')}${more}`);
    }
  }
  return refused.length > 0 ? { relevant: false, reasons: refused } : { relevant: true, reasons: where };
}
