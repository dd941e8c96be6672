/** Places by name or code from the FIPS tables, for the locations-of-interest picker. */
import type { LocationInfo } from '../../contract/alert-model';
import { NATION } from './relevance';
import { nameLocation } from './names';
import type { SameTables } from './tables';

function info(code: string, tables: SameTables): LocationInfo {
  const n = nameLocation(code, tables);
  return { code, name: n.name, kind: n.kind };
}

/**
 * Digits are read as a code: 6 (PSSCCC) as is, 5 (SSCCC) as the whole county, 2 (SS) as the
 * whole state. Words must all appear in the name ("jackson mo", "all of missouri"); whole
 * states and names that start with the first word come first. Retired counties are left out.
 */
export function searchLocations(query: string, tables: SameTables, limit = 20): LocationInfo[] {
  const q = query.trim();
  if (/^\d{6}$/.test(q)) return [info(q, tables)];
  if (/^\d{5}$/.test(q)) return [info(`0${q}`, tables)];
  if (/^\d{2}$/.test(q)) return tables.states.has(q) ? [info(`0${q}000`, tables)] : [];
  const words = q.toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return [];
  const found: Array<{ rank: number; item: LocationInfo }> = [];
  const consider = (code: string, name: string, extra: string, rank: number): void => {
    const hay = `${name} ${extra}`.toLowerCase();
    if (!words.every((w) => hay.includes(w))) return;
    const starts = name.toLowerCase().startsWith(words[0]!) ? 0 : 1;
    found.push({ rank: rank * 2 + starts, item: info(code, tables) });
  };
  consider(NATION, 'All of the United States', 'nation country usa', 0);
  for (const s of tables.states.values()) consider(`0${s.fips}000`, `All of ${s.name}`, `${s.abbr} state`, 0);
  for (const c of tables.counties.values()) {
    if (!c.retired) consider(`0${c.fips}`, `${c.name}, ${c.state}`, tables.states.get(c.stateFips)?.name ?? '', 1);
  }
  for (const m of tables.marineAreas.values()) consider(`0${m.code}000`, m.name, 'marine', 2);
  found.sort((a, b) => a.rank - b.rank || a.item.name.localeCompare(b.item.name));
  return found.slice(0, limit).map((f) => f.item);
}
