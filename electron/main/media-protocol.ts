// eas-media://alerts/<id>/audio: the recorded audio of one alert. The URL names an alert, never
// a path: the engine says which file (if any) belongs to that alert, so nothing the page can
// write reaches the file system.
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ContractError, parseAlertExport, type ExportFormat, type HistoryFilter } from '../contract';
import { withCsp } from './web-guards';

/** The engine's streamed export of a filtered history (eas-media://alerts/export.csv?...). */
export type ExportAlerts = (filter: HistoryFilter, format: ExportFormat) => Readable;

export type FetchFile = (url: string, init: { headers: Headers }) => Promise<Response>;

/**
 * The protocol handler. `recordingFile` is the engine's lookup; `fetchFile` is Electron's
 * net.fetch, which serves file: URLs with Range support (what <audio> seeking needs).
 */
export function mediaHandler(
  recordingFile: (alertId: string) => string | null,
  fetchFile: FetchFile,
  csp: string,
  exportAlerts?: ExportAlerts,
): (req: Request) => Promise<Response> {
  const refuse = (status: number, text: string): Response =>
    new Response(text, { status, headers: withCspHeaders({ 'content-type': 'text/plain; charset=utf-8' }, csp) });
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'read only');
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
