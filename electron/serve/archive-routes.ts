import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine';
import { exportHeaders, parseArchiveRequest, segmentHeaders } from '../engine/archive/archive-request';

// Shared with Electron's eas-media: protocol (electron/main/media-protocol.ts).
export { parseRange } from '../engine/archive/archive-request';

const PREFIX = '/api/archive/';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * The archive over HTTP (behind the server's guards and token): a source's segment index with
 * gaps and levels, one segment's Ogg Opus with Range support (a player seeks without loading a
 * day), and a range exported to WAV, MP3 or Opus as a streamed download. Returns false for
 * paths that are not the archive's.
 */
export function serveArchive(engine: Engine, pathname: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): boolean {
  if (!pathname.startsWith(PREFIX)) return false;
  const r = parseArchiveRequest(pathname.slice(PREFIX.length), query, Date.now());
  if (r.kind === 'refused') {
    sendJson(res, r.status, { error: r.error });
    return true;
  }
  const sourceId = r.sourceId;
  const fail = (err: Error): void => {
    if (!res.headersSent) sendJson(res, 500, { error: err.message });
    else res.destroy();
  };
  if (r.kind === 'segments') {
    try {
      sendJson(res, 200, engine.archive.timeline(sourceId, r.from, r.to, r.buckets));
    } catch (err) {
      fail(err as Error);
    }
    return true;
  }
  if (r.kind === 'export') {
    const abort = new AbortController();
    let run;
    try {
      run = engine.archive.export({ sourceId, fromMs: r.from, toMs: r.to, format: r.format, outFile: null, signal: abort.signal });
    } catch (err) {
      fail(err as Error);
      return true;
    }
    // A closed download (cancel in the browser) stops the export's ffmpeg processes.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    res.writeHead(200, exportHeaders(r, run.expectedSamples));
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
  const file = engine.archive.segmentFile(sourceId, r.name);
  if (!file) {
    sendJson(res, 404, { error: 'no such segment' });
    return true;
  }
  stat(file)
    .then((st) => {
      const seg = segmentHeaders(req.headers.range, st.size);
      res.writeHead(seg.status, seg.headers);
      if (seg.status === 416) {
        res.end();
        return;
      }
      const { start, end } = seg;
      if (req.method === 'HEAD' || st.size === 0) res.end();
      else createReadStream(file, { start, end }).on('error', () => res.destroy()).pipe(res);
    })
    .catch(fail);
  return true;
}
