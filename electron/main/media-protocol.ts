// eas-media://alerts/<id>/audio: the recorded audio of one alert. The URL names an alert, never
// a path: the engine says which file (if any) belongs to that alert, so nothing the page can
// write reaches the file system. eas-media://archive/<source>/... is the continuous archive,
// parsed by the same code as serve's /api/archive routes (a segment's name, never a path).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ContractError, parseAlertExport, type ExportFormat, type HistoryFilter, type StreamStatus } from '../contract';
import { exportHeaders, parseArchiveRequest, segmentHeaders } from '../engine/archive/archive-request';
import type { ArchiveService } from '../engine/archive/archive-service';
import { withCsp } from './web-guards';

/** The engine's streamed export of a filtered history (eas-media://alerts/export.csv?...). */
export type ExportAlerts = (filter: HistoryFilter, format: ExportFormat) => Readable;

export type FetchFile = (url: string, init: { headers: Headers }) => Promise<Response>;

/** What the protocol needs of the engine's archive. */
export type ArchiveMedia = Pick<ArchiveService, 'timeline' | 'segmentFile' | 'export'>;

export interface ArchiveMediaOptions {
  archive: ArchiveMedia;
  /**
   * eas-media://listen/<streamId>: the engine's status of one of our streams, relayed while it
   * is live (the Icecast listening path; serve's /api/listen does the same for a browser).
   */
  stream?: (streamId: string) => StreamStatus | undefined;
  /** Counts a relay among the mount's listeners as the console's own until the release. */
  relayOpened?: (streamId: string) => () => void;
  /** The default end of a segments query without "to". */
  now?: () => number;
}

/**
 * The protocol handler. `recordingFile` is the engine's lookup; `fetchFile` is Electron's
 * net.fetch, which serves file: URLs with Range support (what <audio> seeking needs).
 */
export function mediaHandler(
  recordingFile: (alertId: string) => string | null,
  fetchFile: FetchFile,
  csp: string,
  exportAlerts?: ExportAlerts,
  archive?: ArchiveMediaOptions,
): (req: Request) => Promise<Response> {
  const refuse = (status: number, text: string): Response =>
    new Response(text, { status, headers: withCspHeaders({ 'content-type': 'text/plain; charset=utf-8' }, csp) });
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'read only');
    if (archive && hostOf(req.url) === 'archive') return archiveResponse(req, archive, csp);
    if (archive?.stream && hostOf(req.url) === 'listen') return listenRelay(req, archive.stream, csp, archive.relayOpened);
    const exported = exportAlerts ? exportResponse(req, exportAlerts, csp) : null;
    if (exported) return exported;
    let alertId: string | null = null;
    try {
      // host "alerts", path "/<id>/audio"
      const url = new URL(req.url);
      const m = url.host === 'alerts' && !url.search ? /^\/([^/]+)\/audio$/.exec(url.pathname) : null;
      alertId = m ? decodeURIComponent(m[1]!) : null;
    } catch {
      alertId = null;
    }
    const file = alertId ? recordingFile(alertId) : null;
    if (!file) return refuse(404, 'This alert has no recorded audio.');
    const res = await fetchFile(pathToFileURL(file).href, { headers: req.headers });
    const headers = new Headers(res.headers);
    // The page is file:// (an opaque origin), so fetch() for the waveform needs CORS allowed.
    headers.set('access-control-allow-origin', '*');
    headers.set('content-type', 'audio/wav');
    headers.set('content-security-policy', csp);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(req.method === 'HEAD' ? null : res.body, { status: res.status, headers });
  };
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

function withCspHeaders(base: Record<string, string>, csp: string): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(withCsp(base, csp))) h.set(k, v.join(', '));
  return h;
}

/** An export download, or null when the URL is not one; a bad filter is a 400 naming its field. */
function exportResponse(req: Request, exportAlerts: ExportAlerts, csp: string): Response | null {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return null;
  }
  if (url.host !== 'alerts') return null;
  let parsed: ReturnType<typeof parseAlertExport>;
  try {
    parsed = parseAlertExport(`alerts${url.pathname}`, url.searchParams);
  } catch (err) {
    const text = err instanceof ContractError ? `${err.message}${err.field ? ` (${err.field})` : ''}` : 'bad export filter';
    return new Response(text, { status: 400, headers: withCspHeaders({ 'content-type': 'text/plain; charset=utf-8' }, csp) });
  }
  if (!parsed) return null;
  const { format, filter } = parsed;
  const headers = withCspHeaders(
    {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="eas-alerts.${format}"`,
      'x-content-type-options': 'nosniff',
    },
    csp,
  );
  if (req.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(Readable.toWeb(exportAlerts(filter, format)) as ReadableStream<Uint8Array>, { status: 200, headers });
}

/**
 * The page is file:// (an opaque origin): fetch() of the protocol is cross-origin, so it needs
 * CORS allowed and the headers the export's progress bar and file name come from exposed.
 */
const ARCHIVE_CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'content-disposition, content-range, content-length, accept-ranges, x-archive-seconds',
  'x-content-type-options': 'nosniff',
};

/** eas-media://archive/<source>/segments | audio/<day>/<name>.ogg | export, as serve's routes. */
async function archiveResponse(req: Request, o: ArchiveMediaOptions, csp: string): Promise<Response> {
  const headers = (base: Record<string, string>): Headers => withCspHeaders({ ...base, ...ARCHIVE_CORS }, csp);
  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }) });
  const url = new URL(req.url);
  const r = parseArchiveRequest(url.pathname.slice(1), url.searchParams, (o.now ?? Date.now)());
  if (r.kind === 'refused') return json(r.status, { error: r.error });
  try {
    if (r.kind === 'segments') return json(200, o.archive.timeline(r.sourceId, r.from, r.to, r.buckets));
    if (r.kind === 'export') return exportArchive(req, o.archive, r, headers);
    const file = o.archive.segmentFile(r.sourceId, r.name);
    if (!file) return json(404, { error: 'no such segment' });
    const st = await stat(file);
    const seg = segmentHeaders(req.headers.get('range'), st.size);
    const body = seg.status !== 416 && req.method !== 'HEAD' && st.size > 0 ? fileBody(file, seg.start, seg.end) : null;
    return new Response(body, { status: seg.status, headers: headers(seg.headers) });
  } catch (err) {
    return json(500, { error: (err as Error).message });
  }
}

function fileBody(file: string, start: number, end: number): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
}

/**
 * A range encoded as it downloads. A cancelled download (the page aborts its fetch) cancels
 * the body, which stops the export's ffmpeg processes; a failed export errors the body, so a
 * cut-short file is never taken for a whole one.
 */
function exportArchive(
  req: Request,
  archive: ArchiveMedia,
  r: Extract<ReturnType<typeof parseArchiveRequest>, { kind: 'export' }>,
  headers: (base: Record<string, string>) => Headers,
): Response {
  const abort = new AbortController();
  const run = archive.export({ sourceId: r.sourceId, fromMs: r.from, toMs: r.to, format: r.format, outFile: null, signal: abort.signal });
  run.done.catch(() => {});
  const h = headers(exportHeaders(r, run.expectedSamples));
  if (req.method === 'HEAD' || !run.stream) {
    abort.abort();
    return new Response(null, { status: 200, headers: h });
  }
  const chunks = run.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (!next.done) {
          controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
          return;
        }
        await run.done;
        controller.close();
      } catch (err) {
        abort.abort();
        controller.error(err);
      }
    },
    cancel() {
      abort.abort();
      void chunks.return?.();
    },
  });
  return new Response(body, { status: 200, headers: h });
}

const LISTEN_CONNECT_TIMEOUT_MS = 5000;

/**
 * eas-media://listen/<streamId>: a live mount relayed to the page, so media-src stays 'self'
 * eas-media: whatever host the Icecast server is on. Only our own streams' listen URLs are
 * reachable, never a URL the page names; the page stopping (cancel) stops pulling the mount.
 */
async function listenRelay(
  req: Request,
  stream: (streamId: string) => StreamStatus | undefined,
  csp: string,
  relayOpened?: (streamId: string) => () => void,
): Promise<Response> {
  const text = (status: number, body: string): Response =>
    new Response(body, { status, headers: withCspHeaders({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...ARCHIVE_CORS }, csp) });
  let streamId: string | null = null;
  try {
    const m = /^\/([^/]+)$/.exec(new URL(req.url).pathname);
    streamId = m ? decodeURIComponent(m[1]!) : null;
  } catch {
    streamId = null;
  }
  const st = streamId ? stream(streamId) : undefined;
  if (!st || st.state !== 'live' || !st.listenUrl) return text(404, 'That stream is not live.');
  let target: URL;
  try {
    target = new URL(st.listenUrl);
  } catch {
    return text(502, 'The stream has no valid listen URL.');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return text(502, 'The stream has no valid listen URL.');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('connect timeout')), LISTEN_CONNECT_TIMEOUT_MS);
  let up: Response;
  try {
    // No redirects: the relay reaches our own streams' listen URLs and nothing they point elsewhere.
    up = await fetch(target, { headers: { 'user-agent': 'eas-console-listen', 'icy-metadata': '0' }, signal: abort.signal, redirect: 'manual' });
  } catch {
    return text(502, 'Icecast is unreachable.');
  } finally {
    clearTimeout(timer);
  }
  if (up.status !== 200 || !up.body) {
    abort.abort();
    return text(502, `Icecast answered ${up.status}.`);
  }
  const headers = withCspHeaders({ 'content-type': up.headers.get('content-type') ?? 'application/octet-stream', 'cache-control': 'no-store', ...ARCHIVE_CORS }, csp);
  if (req.method === 'HEAD') {
    abort.abort();
    return new Response(null, { status: 200, headers });
  }
  const reader = up.body.getReader();
  // Once: a cancel and a read that was already waiting (and then fails) both end the relay.
  const opened = relayOpened?.(st.streamId);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    opened?.();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) {
          release();
          controller.close();
        } else controller.enqueue(next.value);
      } catch (err) {
        release();
        controller.error(err);
      }
    },
    cancel() {
      release();
      abort.abort();
    },
  });
  return new Response(body, { status: 200, headers });
}
