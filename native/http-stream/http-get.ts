import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { fromHttpStatus, fromNetworkError, StreamError, where } from './errors';

export interface OpenOptions {
  signal: AbortSignal;
  /** Connect + response-header timeout. */
  timeoutMs: number;
  maxRedirects?: number;
  headers?: Record<string, string>;
}

export interface Opened {
  req: ClientRequest;
  res: IncomingMessage;
  /** The URL after redirects. */
  url: string;
}

/** Thrown as `cause` marker when a SHOUTcast v1 server answers "ICY 200 OK" (not HTTP). */
export class IcyV1Response extends Error {
  constructor(readonly url: string) {
    super('server answered with an ICY (SHOUTcast v1) status line');
  }
}

const USER_AGENT = 'eas-console (EAS monitor)';

/**
 * GET with redirects (bounded), a timeout until the headers arrive, and named errors:
 * a non-2xx status, DNS, refused connection, TLS. The body is left unread for the caller.
 */
export async function openHttp(url: string, options: OpenOptions): Promise<Opened> {
  const maxRedirects = options.maxRedirects ?? 5;
  let current = url;
  for (let hop = 0; ; hop++) {
    const opened = await requestOnce(current, options);
    const { res } = opened;
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      opened.req.destroy();
      if (hop >= maxRedirects) {
        throw new StreamError('http_redirects', `${where(url)} redirected more than ${maxRedirects} times`, 'the URL leads into a redirect loop; open it in a browser to find the real stream address', false);
      }
      const next = new URL(res.headers.location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new StreamError('http_redirects', `${where(current)} redirected to a ${next.protocol} address`, 'use the final stream address directly', false);
      }
      current = next.toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      opened.req.destroy();
      throw fromHttpStatus(status, res.statusMessage ?? '', current);
    }
    return opened;
  }
}

function requestOnce(url: string, options: OpenOptions): Promise<Opened> {
  return new Promise<Opened>((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.get(u, { headers: { 'User-Agent': USER_AGENT, Accept: '*/*', ...options.headers }, signal: options.signal });
    let settled = false;
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${Math.round(options.timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' }));
    }, options.timeoutMs);
    req.once('response', (res) => {
      settled = true;
      clearTimeout(timer);
      resolve({ req, res, url });
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      if (options.signal.aborted) reject(options.signal.reason ?? err);
      else if (err.code === 'HPE_INVALID_CONSTANT') reject(new IcyV1Response(url));
      else reject(fromNetworkError(err, url, false));
    });
  });
}

/** Reads a small body (a playlist) as text, bounded in size and time. */
export function readText(res: IncomingMessage, url: string, limitBytes: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      res.destroy();
      reject(new StreamError('playlist_timeout', `the playlist from ${where(url)} did not arrive within ${Math.round(timeoutMs / 1000)} s`, 'the server is slow or the URL is a stream with a playlist name; the engine retries'));
    }, timeoutMs);
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        clearTimeout(timer);
        res.destroy();
        reject(new StreamError('playlist_too_large', `the playlist from ${where(url)} is larger than ${limitBytes >> 10} KiB`, 'this is not a radio playlist; use the stream URL itself', false));
        return;
      }
      parts.push(chunk);
    });
    res.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(parts).toString('utf8'));
    });
    res.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(fromNetworkError(err, url, false));
    });
  });
}
