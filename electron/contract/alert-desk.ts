import { z } from 'zod';
import {
  EngineProblem,
  EventLogEntry,
  EventLogFilter,
  ExportFormat,
  HistoryFilter,
  HistoryStorage,
  LocationInfo,
  RetentionReport,
  type ExportFormat as ExportFormatT,
  type HistoryFilter as HistoryFilterT,
} from './alert-model';
import { Alert, DecoderEvent } from './dto';
import { ContractError, fromZodError } from './errors';

const None = z.object({}).strict();
const AlertId = z.string().min(1).max(64);
/** Opaque: hand back what the previous page returned as nextCursor. */
const Cursor = z.string().min(1).max(64);
const Limit = z.number().int().min(1).max(1000);

export const HistoryPage = z.object({
  /** Newest first. */
  alerts: z.array(Alert),
  /** Pass as `cursor` for the next (older) page; null when this was the last. */
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

/** Everything the history's detail view shows beyond the Alert itself. */
export const AlertDetail = z.object({
  alert: Alert,
  /** Purge time as sent, "+0030". */
  purge: z.string(),
  /** Accepted departures from 47 CFR 11.31 ('nonconforming_sender_id', 'nonstandard_purge'). */
  deviations: z.array(z.string()),
  /** Decoder events of the receiving sources around each reception (bursts excluded). */
  decoderEvents: z.array(DecoderEvent),
  /** Event log entries about this alert (decoder anomalies, recording problems). */
  log: z.array(EventLogEntry),
});
export type AlertDetail = z.infer<typeof AlertDetail>;

export const EventLogPage = z.object({
  /** Newest first. */
  entries: z.array(EventLogEntry),
  nextCursor: z.string().nullable(),
});
export type EventLogPage = z.infer<typeof EventLogPage>;

/** The alert desk's commands (merged into `commands`). */
export const alertDeskCommands = {
  /** Stored alerts matching `filter`, newest first, a page at a time (default 100). */
  'alerts.history': {
    args: z.object({ filter: HistoryFilter.optional(), cursor: Cursor.optional(), limit: Limit.optional() }).strict(),
    result: HistoryPage,
  },
  'alerts.detail': { args: z.object({ id: AlertId }).strict(), result: AlertDetail },
  /**
   * Acknowledges an alert, active or expired; by whom is the caller ("operator" in the desktop
   * app, "serve client ADDRESS" over the WebSocket). Acknowledging again keeps the first.
   */
  'alerts.acknowledge': {
    args: z.object({ id: AlertId, note: z.string().trim().max(500, 'a note is at most 500 characters').optional() }).strict(),
    result: Alert,
  },
  /** Applies the retention settings now (it also runs daily). */
  'alerts.prune': { args: None, result: RetentionReport },
  /** Sizes and health of the history database and the recordings. */
  'alerts.storage': { args: None, result: HistoryStorage },
  /** The station's event log: failovers, source and stream trouble, decoder anomalies, retention. */
  'events.log': {
    args: z.object({ filter: EventLogFilter.optional(), cursor: Cursor.optional(), limit: Limit.optional() }).strict(),
    result: EventLogPage,
  },
  /** Counties, states and marine areas by name or code, for the locations-of-interest picker. */
  'locations.search': {
    args: z.object({ query: z.string().trim().min(1).max(80), limit: z.number().int().min(1).max(100).optional() }).strict(),
    result: z.array(LocationInfo),
  },
} as const;

/** The alert desk's events (merged into `events`). */
export const alertDeskEvents = {
  /**
   * Alerts that were created or changed (a reception, acknowledgement, expiry, recording,
   * relevance after a settings change): the history view upserts them by id.
   */
  'alerts.updated': z.object({ alerts: z.array(Alert) }),
  /** One new event log entry. */
  'events.logged': EventLogEntry,
  /** The engine's current problems (the whole list, empty when resolved). */
  'problems.changed': z.object({ problems: z.array(EngineProblem) }),
} as const;

// ---- export download --------------------------------------------------------------------

const EXPORT_PATH = /^alerts\/export\.(csv|json)$/;

/**
 * Where a filtered export downloads, relative to the transport's base: `/api/` + this in serve
 * mode, `eas-media://` + this in Electron. Arrays are comma-joined, booleans true/false.
 */
export function alertExportPath(filter: HistoryFilterT, format: ExportFormatT): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    q.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const qs = q.toString();
  return `alerts/export.${format}${qs ? `?${qs}` : ''}`;
}

const ARRAY_KEYS = new Set(['events', 'originators']);
const BOOLEAN_KEYS = new Set(['relevant', 'acknowledged']);

/**
 * The inverse of alertExportPath: `path` without the transport's prefix. Null when the path is
 * not an export; throws ContractError('invalid_payload') naming the field of a bad filter.
 */
export function parseAlertExport(path: string, query: URLSearchParams): { format: ExportFormatT; filter: HistoryFilterT } | null {
  const m = EXPORT_PATH.exec(path);
  if (!m) return null;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of query) {
    if (key === 'token') continue;
    if (ARRAY_KEYS.has(key)) raw[key] = value.split(',').filter(Boolean);
    else if (BOOLEAN_KEYS.has(key)) raw[key] = value === 'true' ? true : value === 'false' ? false : value;
    else raw[key] = value;
  }
  const parsed = HistoryFilter.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error, 'invalid_payload', 'filter');
  const format = ExportFormat.safeParse(m[1]);
  if (!format.success) throw new ContractError('invalid_payload', 'export format: csv or json');
  return { format: format.data, filter: parsed.data };
}
