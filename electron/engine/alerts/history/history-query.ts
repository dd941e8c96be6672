import { ContractError, type EventLogFilter, type HistoryFilter } from '../../../contract';

/** Times compare as text only in one format: the one the engine writes (toISOString). */
function isoOf(t: string): string {
  return new Date(t).toISOString();
}

/**
 * User words as an FTS5 expression: every word must appear, the last one may be a prefix
 * (search as you type). Words are quoted, so FTS syntax in the input (AND, *, :, quotes) is
 * text, never a query error.
 */
export function ftsQuery(text: string, column?: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  const terms = words.slice(0, 16).map((w, i, all) => `"${w.replace(/"/g, '""')}"${i === all.length - 1 ? '*' : ''}`);
  const expr = terms.join(' ');
  return column ? `${column} : (${expr})` : expr;
}

/**
 * SQL for "an alert location l.code covers the location ?": the relevance rule
 * (core/alerts/relevance.ts matchLocation) in SQL, so a filter by code finds what relevance would.
 */
const LOCATION_MATCH = `EXISTS (SELECT 1 FROM alert_locations l WHERE l.alert_seq = a.seq AND (
  l.code = @loc OR l.code = '000000' OR @loc = '000000' OR (
    substr(l.code, 2, 2) = substr(@loc, 2, 2)
    AND (substr(l.code, 1, 1) = '0' OR substr(@loc, 1, 1) = '0' OR substr(l.code, 1, 1) = substr(@loc, 1, 1))
    AND (substr(l.code, 4, 3) = '000' OR substr(@loc, 4, 3) = '000' OR substr(l.code, 4, 3) = substr(@loc, 4, 3))
  )))`;

/** Both filters narrow by a [from, to) time window and by a list of values the same way. */
interface WhereParts {
  parts: string[];
  params: Record<string, unknown>;
}

function addTimeRange(w: WhereParts, column: string, from: string | undefined, to: string | undefined): void {
  if (from) {
    w.parts.push(`${column} >= @from`);
    w.params.from = isoOf(from);
  }
  if (to) {
    w.parts.push(`${column} < @to`);
    w.params.to = isoOf(to);
  }
}

function addOneOf(w: WhereParts, column: string, name: string, values: readonly string[] | undefined): void {
  if (!values || values.length === 0) return;
  w.parts.push(`${column} IN (SELECT value FROM json_each(@${name}))`);
  w.params[name] = JSON.stringify(values);
}

/** The filter as a WHERE clause over `alerts a` ("1" when nothing narrows) with named parameters. */
export function historyWhere(f: HistoryFilter, nowIso: string): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  const w = { parts, params };
  addTimeRange(w, 'a.first_received_at', f.from, f.to);
  addOneOf(w, 'a.event', 'events', f.events);
  addOneOf(w, 'a.originator', 'originators', f.originators);
  const fts: string[] = [];
  if (f.location) {
    const code = f.location.replace(/\s+/g, '');
    if (/^\d{6}$/.test(code) || /^\d{5}$/.test(code)) {
      parts.push(LOCATION_MATCH);
      params.loc = code.length === 5 ? `0${code}` : code;
    } else {
      const q = ftsQuery(f.location, 'places');
      if (q) fts.push(`(${q})`);
    }
  }
  if (f.text) {
    const q = ftsQuery(f.text);
    if (q) fts.push(`(${q})`);
  }
  if (fts.length > 0) {
    parts.push('a.seq IN (SELECT rowid FROM alert_search WHERE alert_search MATCH @fts)');
    params.fts = fts.join(' AND ');
  }
  if (f.relevant !== undefined) {
    parts.push('a.relevant = @relevant');
    params.relevant = f.relevant ? 1 : 0;
  }
  if (f.acknowledged !== undefined) {
    parts.push(`${f.acknowledged ? '' : 'NOT '}EXISTS (SELECT 1 FROM acknowledgements k WHERE k.alert_seq = a.seq)`);
  }
  if (f.state) {
    parts.push(f.state === 'active' ? 'a.expires_at > @now' : 'a.expires_at <= @now');
    params.now = nowIso;
  }
  if (f.sourceId) {
    parts.push('EXISTS (SELECT 1 FROM receptions r WHERE r.alert_seq = a.seq AND r.source_id = @source)');
    params.source = f.sourceId;
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

export function eventLogWhere(f: EventLogFilter): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  const w = { parts, params };
  addTimeRange(w, 'e.at', f.from, f.to);
  addOneOf(w, 'e.kind', 'kinds', f.kinds);
  if (f.sourceId) {
    parts.push('e.source_id = @source');
    params.source = f.sourceId;
  }
  if (f.level && f.level !== 'info') {
    parts.push(f.level === 'warn' ? "e.level IN ('warn', 'error')" : "e.level = 'error'");
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

/** Cursors are opaque to clients: "s" and the row sequence to continue below. */
export function encodeCursor(seq: number): string {
  return `s${seq}`;
}

export function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const m = /^s(\d{1,15})$/.exec(cursor);
  if (!m) throw new ContractError('invalid_payload', 'cursor: not one this engine gave out; start from the first page', 'cursor');
  return Number(m[1]);
}
