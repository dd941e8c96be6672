import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { IcecastAuthError, IcecastError, IcecastUnreachableError, redact } from './errors';

/** Where an Icecast server is and how to log in to /admin. */
export interface IcecastConnection {
  /** Base URL, e.g. http://127.0.0.1:8000 (credentials in it are ignored: use the fields). */
  url: string;
  adminUser?: string;
  adminPassword?: string;
  /** Per-request timeout (default 5 s). */
  timeoutMs?: number;
}

export interface IcecastResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The Server header, e.g. "Icecast 2.4.4". */
  server: string;
}

const MAX_BODY = 4 * 1024 * 1024;

/** host:port for messages: never the credentials. */
export function describeServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return 'the configured address';
  }
}

function parseBase(conn: IcecastConnection): URL {
  let u: URL;
  try {
    u = new URL(conn.url);
  } catch {
    throw new IcecastError('bad_request', `"${redact(conn.url, [conn.adminPassword])}" is not a server URL: use http://HOST:PORT.`, false);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new IcecastError('bad_request', `Icecast URL must start with http:// or https:// (got ${u.protocol}).`, false);
  }
  u.username = '';
  u.password = '';
  return u;
}

function networkCause(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens on that port';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'DNS lookup failed: check the host name';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return 'no answer in time';
    default:
      if (err.code?.startsWith('ERR_TLS') || /certificate|SSL|TLS/i.test(err.message)) return `TLS failed: ${err.message}`;
      return err.code ?? err.message;
  }
}

/**
 * GET a path on the server. Admin credentials go in a Basic auth header when `auth` is set.
 * 401 becomes IcecastAuthError; network failures IcecastUnreachableError. Other statuses are
 * returned for the caller to judge.
 */
export function icecastGet(conn: IcecastConnection, path: string, auth: boolean, what = 'Icecast admin'): Promise<IcecastResponse> {
  const base = parseBase(conn);
  const target = new URL(path, base);
  const where = describeServer(base.href);
  const timeoutMs = conn.timeoutMs ?? 5000;
  const headers: Record<string, string> = { 'user-agent': 'eas-console', accept: '*/*' };
  if (auth) {
    const user = conn.adminUser ?? 'admin';
    headers.authorization = `Basic ${Buffer.from(`${user}:${conn.adminPassword ?? ''}`).toString('base64')}`;
  }
  const req = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = req(target, { method: 'GET', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          res.destroy();
          reject(new IcecastError('http_error', `${where} sent more than ${MAX_BODY} bytes for ${target.pathname}: not an Icecast status page.`, false));
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err) => reject(new IcecastUnreachableError(where, networkCause(err))));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 401) {
          reject(new IcecastAuthError(`${what} at ${where}`));
          return;
        }
        resolve({ status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), server: String(res.headers.server ?? '') });
      });
    });
    r.on('timeout', () => {
      const err = new Error('timeout') as NodeJS.ErrnoException;
      err.code = 'TIMEOUT';
      r.destroy(err);
    });
    r.on('error', (err: NodeJS.ErrnoException) => reject(new IcecastUnreachableError(where, networkCause(err))));
    r.end();
  });
}

/** Query string with UTF-8 percent-encoding (what /admin expects with charset=UTF-8). */
export function query(params: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) if (v !== undefined) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.join('&');
}
