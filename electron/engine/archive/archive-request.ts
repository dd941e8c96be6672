// What a request to the archive asks for, parsed the same way for serve's /api/archive/...
// routes and Electron's eas-media://archive/... protocol, so the two cannot drift apart. Pure:
// no I/O, the caller says what "now" is.
import { ArchiveExportFormat } from '../../contract/archive';
import { BUS_RATE } from '../../contract/constants';
import { EXPORT_EXT, EXPORT_MIME } from './archive-export';

/** "<sourceId>/segments", "<sourceId>/export" or "<sourceId>/audio/<day>/<name>.ogg": a segment's name, never a free path. */
const ROUTE = /^([a-z0-9][a-z0-9_-]{0,63})\/(segments|export|audio\/(\d{4}-\d{2}-\d{2}\/[0-9.]+Z\.ogg))$/;
const DAY_MS = 86_400_000;

export type ArchiveRequest =
  | { kind: 'segments'; sourceId: string; from: number; to: number; buckets: number }
  | { kind: 'export'; sourceId: string; from: number; to: number; format: ArchiveExportFormat }
  | { kind: 'audio'; sourceId: string; name: string }
  | { kind: 'refused'; status: 400 | 404; error: string };

/** A time parameter: ms since the epoch or ISO 8601; null when absent or not a time. */
export function timeParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null) return null;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : null;
}

/** One byte range of a `size`-byte file from a Range header; null: the whole file; 'bad': 416. */
export function parseRange(header: string | null | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'bad';
  return { start, end };
}

/** `path` is what follows the archive's prefix ("/api/archive/" or "eas-media://archive/"). */
export function parseArchiveRequest(path: string, query: URLSearchParams, now: number): ArchiveRequest {
  const m = ROUTE.exec(path);
  if (!m) return { kind: 'refused', status: 404, error: 'not found' };
  const sourceId = m[1]!;
  if (m[2] === 'segments') {
    const to = timeParam(query, 'to') ?? now;
    const from = timeParam(query, 'from') ?? to - DAY_MS;
    const buckets = Math.min(4000, Math.max(1, Number(query.get('buckets') ?? 1000) || 1000));
    if (to <= from) return { kind: 'refused', status: 400, error: '"to" must be after "from"' };
    return { kind: 'segments', sourceId, from, to, buckets };
  }
  if (m[2] === 'export') {
    const from = timeParam(query, 'from');
    const to = timeParam(query, 'to');
    const format = ArchiveExportFormat.safeParse(query.get('format') ?? 'wav');
    if (from === null || to === null || to <= from || !format.success) {
      return { kind: 'refused', status: 400, error: 'give from and to (ms or ISO 8601, to after from) and format wav, mp3 or opus' };
    }
    return { kind: 'export', sourceId, from, to, format: format.data };
  }
  return { kind: 'audio', sourceId, name: m[3]! };
}

/** The headers of an export download (both transports). */
export function exportHeaders(r: { sourceId: string; from: number; format: ArchiveExportFormat }, expectedSamples: number): Record<string, string> {
  const name = `${r.sourceId}-${new Date(r.from).toISOString().replace(/[:.]/g, '-')}.${EXPORT_EXT[r.format]}`;
  return {
    'content-type': EXPORT_MIME[r.format],
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'no-store',
    // The length is known only once encoded; the audio it holds is known now (a progress bar's total).
    'x-archive-seconds': (expectedSamples / BUS_RATE).toFixed(3),
  };
}

/** The status and headers of a segment's Ogg for a Range header; 416 for a range it cannot serve. */
export function segmentHeaders(rangeHeader: string | null | undefined, size: number): { status: 200 | 206 | 416; start: number; end: number; headers: Record<string, string> } {
  const range = parseRange(rangeHeader, size);
  if (range === 'bad') return { status: 416, start: 0, end: -1, headers: { 'content-range': `bytes */${size}` } };
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  return {
    status: range ? 206 : 200,
    start,
    end,
    headers: {
      'content-type': 'audio/ogg',
      'accept-ranges': 'bytes',
      'content-length': String(Math.max(0, end - start + 1)),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
      'cache-control': 'no-store',
    },
  };
}
