import { Readable } from 'node:stream';
import type { Alert, ExportFormat, HistoryPage } from '../../../contract';

/** Rows fetched per step: memory stays one page, whatever the size of the export. */
export const EXPORT_PAGE = 500;

export const CSV_COLUMNS = [
  'id',
  'first_received_at',
  'last_received_at',
  'state',
  'event',
  'event_name',
  'category',
  'originator',
  'originator_name',
  'locations',
  'location_names',
  'issued_at',
  'expires_at',
  'callsign',
  'relevant',
  'relevance_reasons',
  'acknowledged_by',
  'acknowledged_at',
  'acknowledgement_note',
  'sources',
  'receptions',
  'raw',
  'text',
] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRow(a: Alert): string {
  const sources = [...new Set(a.receptions.map((r) => r.sourceId))];
  const values: Record<(typeof CSV_COLUMNS)[number], string> = {
    id: a.id,
    first_received_at: a.receivedAt,
    last_received_at: a.lastReceivedAt,
    state: a.state,
    event: a.event,
    event_name: a.eventName,
    category: a.category,
    originator: a.originator,
    originator_name: a.originatorName,
    locations: a.locations.map((l) => l.code).join(';'),
    location_names: a.locations.map((l) => l.name).join('; '),
    issued_at: a.issuedAt,
    expires_at: a.expiresAt,
    callsign: a.callsign,
    relevant: a.relevance.relevant ? 'yes' : 'no',
    relevance_reasons: a.relevance.reasons.join('; '),
    acknowledged_by: a.acknowledgement?.by ?? '',
    acknowledged_at: a.acknowledgement?.at ?? '',
    acknowledgement_note: a.acknowledgement?.note ?? '',
    sources: sources.join(';'),
    receptions: String(a.receptions.length),
    raw: a.raw,
    text: a.text,
  };
  return CSV_COLUMNS.map((c) => csvField(values[c])).join(',');
}

/**
 * A filtered export as a stream: CSV (one row per alert, the columns above) or a JSON array of
 * Alert DTOs. It reads a page, writes it, and reads the next only when the consumer has taken
 * it (Readable.from honours backpressure), so 100,000 rows never sit in memory together, and
 * the database is free between pages for the alert path.
 */
export function exportStream(page: (cursor: string | undefined, limit: number) => HistoryPage, format: ExportFormat): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '[';
    let cursor: string | undefined;
    let first = true;
    for (;;) {
      const p = page(cursor, EXPORT_PAGE);
      if (p.alerts.length > 0) {
        if (format === 'csv') {
          yield p.alerts.map((a) => `${csvRow(a)}\r\n`).join('');
        } else {
          yield p.alerts.map((a, i) => `${first && i === 0 ? '\n' : ',\n'}${JSON.stringify(a)}`).join('');
          first = false;
        }
      }
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
      // Let the event loop breathe between pages (alerts, levels, other clients).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (format === 'json') yield '\n]\n';
  }
  return Readable.from(lines(), { objectMode: false });
}
