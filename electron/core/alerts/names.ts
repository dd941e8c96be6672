/** Names for the codes in a SAME header, from the tables. Every code gets a name; unknown ones say so plainly. */
import type { EventCategory, SameTables } from './tables';

/**
 * 47 CFR 11.31(c): P, the first digit of PSSCCC, divides a county into nine parts; 0 means all of it.
 */
export const SUBDIVISIONS: readonly string[] = [
  '',
  'Northwest',
  'North Central',
  'Northeast',
  'West Central',
  'Central',
  'East Central',
  'Southwest',
  'South Central',
  'Southeast',
];

export type LocationKind = 'country' | 'state' | 'county' | 'marine' | 'unknown';

export interface LocationName {
  code: string;
  name: string;
  kind: LocationKind;
  /** The county code is in the retired (2010 Census) list only. */
  retired: boolean;
}

function unknownLocation(code: string): LocationName {
  return { code, name: `unknown location ${code}`, kind: 'unknown', retired: false };
}

export function nameLocation(code: string, tables: SameTables): LocationName {
  if (code.length !== 6) return unknownLocation(code);
  if (code === '000000') return { code, name: 'All of the United States', kind: 'country', retired: false };
  const p = code.charCodeAt(0) - 48;
  if (p < 0 || p > 9) return unknownLocation(code);
  const ss = code.slice(1, 3);
  const ccc = code.slice(3);
  const part = SUBDIVISIONS[p];

  const state = tables.states.get(ss);
  if (state) {
    if (ccc === '000') {
      const name = part ? `${part} ${state.name}` : `All of ${state.name}`;
      return { code, name, kind: 'state', retired: false };
    }
    const county = tables.counties.get(ss + ccc);
    if (!county) return unknownLocation(code);
    const base = `${county.name}, ${county.state}`;
    return { code, name: part ? `${part} ${base}` : base, kind: 'county', retired: county.retired };
  }

  const marine = tables.marineAreas.get(ss);
  // Marine zones are not subdivided, so a non-zero P there is not a code anyone sends.
  if (marine && p === 0) {
    const zone = marine.zonePrefix ? `${marine.zonePrefix}Z${ccc}` : `marine area ${ss} zone ${ccc}`;
    const name = ccc === '000' ? `All marine zones ${marine.zonePrefix ?? ss}Z (${marine.name})` : `${zone} (${marine.name})`;
    return { code, name, kind: 'marine', retired: false };
  }
  return unknownLocation(code);
}

export interface EventName {
  code: string;
  name: string;
  /** 'unknown' only for codes in neither table whose last letter gives no hint. */
  category: EventCategory | 'unknown';
  known: boolean;
  /** From same-event-codes-extra.csv: met in the field but not in 47 CFR 11.31(e). */
  extra: boolean;
}

/**
 * NWS codes follow a suffix convention (xxW warning, xxA watch, xxS statement, xxE emergency), so an
 * unknown code still gets a category when it follows it; the name stays "Unknown event (XYZ)".
 */
const SUFFIX_CATEGORY: Readonly<Record<string, EventCategory>> = { W: 'warning', A: 'watch', S: 'statement', E: 'emergency' };

export function nameEvent(code: string, tables: SameTables): EventName {
  const info = tables.events.get(code);
  if (info) return { code, name: info.name, category: info.category, known: true, extra: info.source === 'extra' };
  return { code, name: `Unknown event (${code})`, category: SUFFIX_CATEGORY[code.slice(-1)] ?? 'unknown', known: false, extra: false };
}

export function nameOriginator(code: string, tables: SameTables): string {
  return tables.originators.get(code) ?? `Unknown originator (${code})`;
}
