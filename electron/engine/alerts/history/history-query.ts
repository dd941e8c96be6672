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

/** The filter as a WHERE clause over `alerts a` ("1" when nothing narrows) with named parameters. */
export function historyWhere(f: HistoryFilter, nowIso: string): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.from) {
    parts.push('a.first_received_at >= @from');
    params.from = isoOf(f.from);
  }
  if (f.to) {
    parts.push('a.first_received_at < @to');
    params.to = isoOf(f.to);
  }
  if (f.events && f.events.length > 0) {
    parts.push('a.event IN (SELECT value FROM json_each(@events))');
    params.events = JSON.stringify(f.events);
  }
  if (f.originators && f.originators.length > 0) {
    parts.push('a.originator IN (SELECT value FROM json_each(@originators))');
    params.originators = JSON.stringify(f.originators);
  }
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
  if (f.from) {
    parts.push('e.at >= @from');
    params.from = isoOf(f.from);
  }
  if (f.to) {
    parts.push('e.at < @to');
    params.to = isoOf(f.to);
  }
  if (f.kinds && f.kinds.length > 0) {
    parts.push('e.kind IN (SELECT value FROM json_each(@kinds))');
    params.kinds = JSON.stringify(f.kinds);
  }
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
