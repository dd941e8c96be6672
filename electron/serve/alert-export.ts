import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ContractError, parseAlertExport } from '../contract';
import type { Engine } from '../engine/engine';

const API = '/api/';

/**
 * GET /api/alerts/export.(csv|json)?FILTER: the history export as a download, streamed from
 * the engine a page at a time. Returns false for any other path (the caller routes on).
 */
export function serveAlertExport(engine: Pick<Engine, 'exportAlerts'>, pathname: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (!pathname.startsWith(`${API}alerts/export.`)) return false;
  let parsed;
  try {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    parsed = parseAlertExport(pathname.slice(API.length), query);
  } catch (err) {
    const message = err instanceof ContractError ? err.message : 'malformed export request';
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${message}\n`);
    return true;
  }
  if (!parsed) return false;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  res.writeHead(200, {
    'content-type': parsed.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="eas-alerts-${stamp}.${parsed.format}"`,
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  // A client that goes away ends the pipeline, which stops the paging.
  pipeline(engine.exportAlerts(parsed.filter, parsed.format), res).catch(() => res.destroy());
  return true;
}
