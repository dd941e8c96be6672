import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ArchiveExportFormat } from '../contract/archive';
import { BUS_RATE } from '../contract/constants';
import type { Engine } from '../engine/engine';
import { EXPORT_EXT, EXPORT_MIME } from '../engine/archive/archive-export';

const ROUTE = /^\/api\/archive\/([a-z0-9][a-z0-9_-]{0,63})\/(segments|export|audio\/(\d{4}-\d{2}-\d{2}\/[0-9.]+Z\.ogg))$/;
const DAY_MS = 86_400_000;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** A time parameter: ms since the epoch or ISO 8601; null when absent or not a time. */
function timeParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null) return null;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : null;
}

/** One byte range of a `size`-byte file from a Range header; null: the whole file; 'bad': 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
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

/**
 * The archive over HTTP (behind the server's guards and token): a source's segment index with
 * gaps and levels, one segment's Ogg Opus with Range support (a player seeks without loading a
 * day), and a range exported to WAV, MP3 or Opus as a streamed download. Returns false for
 * paths that are not the archive's.
 */
export function serveArchive(engine: Engine, pathname: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): boolean {
  if (!pathname.startsWith('/api/archive/')) return false;
  const m = ROUTE.exec(pathname);
  if (!m) {
    sendJson(res, 404, { error: 'not found' });
    return true;
  }
  const sourceId = m[1]!;
  const what = m[2]!;
  const fail = (err: Error): void => {
    if (!res.headersSent) sendJson(res, 500, { error: err.message });
    else res.destroy();
  };
  if (what === 'segments') {
    const to = timeParam(query, 'to') ?? Date.now();
    const from = timeParam(query, 'from') ?? to - DAY_MS;
    const buckets = Math.min(4000, Math.max(1, Number(query.get('buckets') ?? 1000) || 1000));
    if (to <= from) {
      sendJson(res, 400, { error: '"to" must be after "from"' });
      return true;
    }
    try {
      sendJson(res, 200, engine.archive.timeline(sourceId, from, to, buckets));
    } catch (err) {
      fail(err as Error);
    }
    return true;
  }
  if (what === 'export') {
    const from = timeParam(query, 'from');
    const to = timeParam(query, 'to');
    const format = ArchiveExportFormat.safeParse(query.get('format') ?? 'wav');
    if (from === null || to === null || to <= from || !format.success) {
      sendJson(res, 400, { error: 'give from and to (ms or ISO 8601, to after from) and format wav, mp3 or opus' });
      return true;
    }
    const abort = new AbortController();
    let run;
    try {
      run = engine.archive.export({ sourceId, fromMs: from, toMs: to, format: format.data, outFile: null, signal: abort.signal });
    } catch (err) {
      fail(err as Error);
      return true;
    }
    // A closed download (cancel in the browser) stops the export's ffmpeg processes.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const name = `${sourceId}-${new Date(from).toISOString().replace(/[:.]/g, '-')}.${EXPORT_EXT[format.data]}`;
    res.writeHead(200, {
      'content-type': EXPORT_MIME[format.data],
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
      // The length is known only once encoded; the audio it holds is known now (a progress bar's total).
      'x-archive-seconds': (run.expectedSamples / BUS_RATE).toFixed(3),
    });
    if (req.method === 'HEAD') {
      abort.abort();
      res.end();
      run.done.catch(() => {});
      return true;
    }
    run.stream!.pipe(res);
    run.done.catch(() => res.destroy());
    return true;
  }
  const file = engine.archive.segmentFile(sourceId, m[3]!);
  if (!file) {
    sendJson(res, 404, { error: 'no such segment' });
    return true;
  }
  stat(file)
    .then((st) => {
      const range = parseRange(req.headers.range, st.size);
      if (range === 'bad') {
        res.writeHead(416, { 'content-range': `bytes */${st.size}` }).end();
        return;
      }
      const start = range?.start ?? 0;
      const end = range?.end ?? st.size - 1;
      res.writeHead(range ? 206 : 200, {
        'content-type': 'audio/ogg',
        'accept-ranges': 'bytes',
        'content-length': String(Math.max(0, end - start + 1)),
        ...(range ? { 'content-range': `bytes ${start}-${end}/${st.size}` } : {}),
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD' || st.size === 0) res.end();
      else createReadStream(file, { start, end }).on('error', () => res.destroy()).pipe(res);
    })
    .catch(fail);
  return true;
}
