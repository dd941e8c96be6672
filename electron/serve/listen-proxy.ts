import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { StreamStatus } from '../contract';

/** The Icecast listening path through serve: /api/listen/<streamId>. */
const PREFIX = '/api/listen/';
const CONNECT_TIMEOUT_MS = 5000;

/** The stream id named by a /api/listen/<id> path, or null for any other path. */
export function listenProxyStreamId(pathname: string): string | null {
  if (!pathname.startsWith(PREFIX)) return null;
  const rest = pathname.slice(PREFIX.length);
  if (!rest || rest.includes('/')) return null;
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}

/**
 * Relays a live mount to the page, so the renderer's <audio> plays a same-origin URL and the
 * CSP's media-src stays 'self' whatever port or host the Icecast server is on. Only our own
 * streams' listen URLs are reachable, never a URL the client names.
 */
export function proxyListen(stream: StreamStatus | undefined, req: IncomingMessage, res: ServerResponse, relayOpened?: (streamId: string) => () => void): void {
  if (!stream || stream.state !== 'live' || !stream.listenUrl) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('That stream is not live.\n');
    return;
  }
  let target: URL;
  try {
    target = new URL(stream.listenUrl);
  } catch {
    res.writeHead(502).end();
    return;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    res.writeHead(502).end();
    return;
  }
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = request(target, { method: 'GET', headers: { 'user-agent': 'eas-console-listen', 'icy-metadata': '0' } }, (up) => {
    clearTimeout(timer);
    if (up.statusCode !== 200) {
      up.resume();
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`Icecast answered ${up.statusCode}.\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': up.headers['content-type'] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') {
      up.destroy();
      res.end();
      return;
    }
    const release = relayOpened?.(stream.streamId);
    up.on('close', () => release?.());
    res.on('close', () => release?.());
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
  upstream.on('error', () => {
    clearTimeout(timer);
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end('Icecast is unreachable.\n');
    else res.destroy();
  });
  // The browser stopped listening: stop pulling the mount.
  res.on('close', () => {
    clearTimeout(timer);
    upstream.destroy();
  });
  upstream.end();
}
