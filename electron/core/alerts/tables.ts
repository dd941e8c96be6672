/**
 * The SAME name tables, built from the CSV texts in assets/data (copied verbatim from the shared data
 * folder; see assets/data/SOURCES.md). Core cannot read files, so callers hand in the texts:
 * native/tables-loader.ts on Node, a bundler import or fetch elsewhere.
 */

export type EventCategory = 'warning' | 'watch' | 'advisory' | 'statement' | 'emergency' | 'test';

export interface EventInfo {
  code: string;
  name: string;
  category: EventCategory;
  /** 'cfr': in 47 CFR 11.31(e) or the NWS list; 'extra': met in the field but not in the rule. */
  source: 'cfr' | 'extra';
}

export interface CountyInfo {
  /** 5 digits SSCCC */
  fips: string;
  stateFips: string;
  state: string;
  name: string;
  /** In the 2010 Census list but no longer in the 2020 one; older equipment still sends it. */
  retired: boolean;
}

export interface StateInfo {
  fips: string;
  abbr: string;
  /** Full name, or the abbreviation when the name map below lacks it. */
  name: string;
}

export interface MarineAreaInfo {
  /** 2 digits SS of 0SSZZZ */
  code: string;
  name: string;
  /** NWS marine zone prefix, e.g. "AN" for 73 (zone ANZ531); null if SOURCES.md gives none. */
  zonePrefix: string | null;
}

export interface SameTables {
  originators: ReadonlyMap<string, string>;
  events: ReadonlyMap<string, EventInfo>;
  /** Keyed by SSCCC; current and retired counties together. */
  counties: ReadonlyMap<string, CountyInfo>;
  /** Keyed by state FIPS SS. */
  states: ReadonlyMap<string, StateInfo>;
  /** Keyed by marine area SS. */
  marineAreas: ReadonlyMap<string, MarineAreaInfo>;
  counts: { counties: number; retiredCounties: number; events: number; extraEvents: number; originators: number; marineAreas: number };
}

/** The CSV texts, one per file in assets/data. */
export interface TableTexts {
  counties: string;
  retiredCounties: string;
  events: string;
  extraEvents: string;
  originators: string;
  marineAreas: string;
}

/** File names under assets/data, per TableTexts key. */
export const TABLE_FILES: Readonly<Record<keyof TableTexts, string>> = {
  counties: 'fips-counties.csv',
  retiredCounties: 'fips-counties-retired.csv',
  events: 'same-event-codes.csv',
  extraEvents: 'same-event-codes-extra.csv',
  originators: 'same-originators.csv',
  marineAreas: 'same-marine-areas.csv',
};

/**
 * SS -> NWS zone prefix. SOURCES.md ("SS to NWS zone prefix", 47 CFR 11.31(f) areas) holds this
 * mapping only as a Markdown table, not a CSV, so it is encoded here; a test checks the keys against
 * same-marine-areas.csv.
 */
export const MARINE_ZONE_PREFIX: Readonly<Record<string, string>> = {
  '57': 'PZ',
  '58': 'PK',
  '59': 'PH',
  '61': 'PS',
  '65': 'PM',
  '73': 'AN',
  '75': 'AM',
  '77': 'GM',
  '91': 'LS',
  '92': 'LM',
  '93': 'LH',
  '94': 'LC',
  '96': 'LE',
  '97': 'LO',
  '98': 'SL',
};

/**
 * USPS abbreviation -> state or territory name. The tables give each county's state FIPS and
 * abbreviation (so FIPS -> abbreviation is derived from fips-counties.csv) but no full names, and
 * "All of Missouri" needs one; this is the only hand-typed part.
 */
export const STATE_NAMES: Readonly<Record<string, string>> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado',
  CT: 'Connecticut', DE: 'Delaware', DC: 'the District of Columbia', FL: 'Florida', GA: 'Georgia',
  HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois', IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky',
  LA: 'Louisiana', ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota',
  MS: 'Mississippi', MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire',
  NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York', NC: 'North Carolina', ND: 'North Dakota',
  OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island',
  SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah', VT: 'Vermont',
  VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
  AS: 'American Samoa', GU: 'Guam', MP: 'the Northern Mariana Islands', PR: 'Puerto Rico',
  VI: 'the U.S. Virgin Islands', UM: 'the U.S. Minor Outlying Islands',
};

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; \n or \r\n rows; a
 * leading BOM is dropped. Blank lines are skipped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let inQuotes = false;
  let rowHasContent = false;
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      rowHasContent = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      rowHasContent = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      if (rowHasContent || field !== '') {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = '';
      rowHasContent = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      rowHasContent = true;
      i++;
    }
  }
  if (rowHasContent || field !== '') {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows as objects keyed by the header row; throws naming the file when the columns are not the expected ones. */
function records(text: string, file: string, columns: readonly string[]): Record<string, string>[] {
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header || columns.some((col) => !header.includes(col))) {
    throw new Error(`${file}: expected columns ${columns.join(',')}; found ${header ? header.join(',') : 'an empty file'}. Restore assets/data from the shared tables (node scripts/copy-tables.mjs).`);
  }
  const out: Record<string, string>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const rec: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) rec[header[c]] = rows[r][c] ?? '';
    out.push(rec);
  }
  return out;
}

const CATEGORIES: readonly EventCategory[] = ['warning', 'watch', 'advisory', 'statement', 'emergency', 'test'];

function category(value: string, file: string, code: string): EventCategory {
  const v = value.trim().toLowerCase() as EventCategory;
  if (!CATEGORIES.includes(v)) throw new Error(`${file}: event ${code} has unknown category "${value}".`);
  return v;
}

export function buildTables(texts: TableTexts): SameTables {
  const originators = new Map<string, string>();
  for (const r of records(texts.originators, TABLE_FILES.originators, ['code', 'name'])) originators.set(r.code, r.name);

  const events = new Map<string, EventInfo>();
  const cfrEvents = records(texts.events, TABLE_FILES.events, ['code', 'name', 'category']);
  for (const r of cfrEvents) events.set(r.code, { code: r.code, name: r.name, category: category(r.category, TABLE_FILES.events, r.code), source: 'cfr' });
  const extraEvents = records(texts.extraEvents, TABLE_FILES.extraEvents, ['code', 'name', 'category']);
  for (const r of extraEvents) {
    // The rule's own table wins if a code ever appears in both.
    if (!events.has(r.code)) {
      events.set(r.code, { code: r.code, name: r.name, category: category(r.category, TABLE_FILES.extraEvents, r.code), source: 'extra' });
    }
  }

  const counties = new Map<string, CountyInfo>();
  const states = new Map<string, StateInfo>();
  const countyCols = ['state_fips', 'county_fips', 'state', 'name'];
  const addCounties = (rows: Record<string, string>[], retired: boolean) => {
    for (const r of rows) {
      const fips = r.state_fips + r.county_fips;
      if (!retired || !counties.has(fips)) counties.set(fips, { fips, stateFips: r.state_fips, state: r.state, name: r.name, retired });
      if (!states.has(r.state_fips)) states.set(r.state_fips, { fips: r.state_fips, abbr: r.state, name: STATE_NAMES[r.state] ?? r.state });
    }
  };
  const current = records(texts.counties, TABLE_FILES.counties, countyCols);
  const retired = records(texts.retiredCounties, TABLE_FILES.retiredCounties, countyCols);
  addCounties(current, false);
  addCounties(retired, true);

  const marineAreas = new Map<string, MarineAreaInfo>();
  const marine = records(texts.marineAreas, TABLE_FILES.marineAreas, ['code', 'name']);
  for (const r of marine) {
    const code = r.code.padStart(2, '0');
    marineAreas.set(code, { code, name: r.name, zonePrefix: MARINE_ZONE_PREFIX[code] ?? null });
  }

  return {
    originators,
    events,
    counties,
    states,
    marineAreas,
    counts: {
      counties: current.length,
      retiredCounties: retired.length,
      events: cfrEvents.length,
      extraEvents: extraEvents.length,
      originators: originators.size,
      marineAreas: marine.length,
    },
  };
}
