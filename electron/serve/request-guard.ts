import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { requestCredential, type CredentialSource } from './auth';

/**
 * The checks every request passes before it reaches a route: a well-formed target, the
 * Host the server was bound to, and no other page's Origin. Pure over the request line and
 * headers so each rule is tested on its own; the server only writes out the verdict.
 *
 * Why Origin and Host both: the token cookie is SameSite=Strict, but a "site" ignores the
 * port, so any page on another 127.0.0.1 port rides the cookie; and a DNS-rebound name
 * (evil.example -> 127.0.0.1) reaches the server as the console's own origin unless Host is
 * checked.
 */

/** Longer targets than any route needs are refused before parsing. */
const MAX_TARGET_CHARS = 8192;
/** Parsing base whose host no real request can name, so a target that escapes it shows. */
const BASE_HOST = 'request-target.invalid';

export type RequestKind = 'http' | 'upgrade';

export interface HostPolicy {
  port: number;
  /** host:port pairs (lower case, IPv6 in brackets) that name this server. */
  readonly exact: ReadonlySet<string>;
  /** --allow-host names given without a port: any port (a reverse proxy's 443, say). */
  readonly anyPort: ReadonlySet<string>;
  /** Bound to every interface: any IP literal with the server's port names it too. */
  readonly wildcard: boolean;
  /** What the 403 says is allowed. */
  readonly describe: string;
}

export type Screened =
  | { ok: true; pathname: string; searchParams: URLSearchParams; token: string | null; via: CredentialSource | null }
  | { ok: false; status: 400 | 403; reason: string };

/** True for addresses only this machine can reach (the whole 127/8 block, ::1, localhost). */
export function isLoopbackAddress(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

function isWildcardAddress(address: string): boolean {
  const h = address.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '::0' || h === '0:0:0:0:0:0:0:0';
}

/** host[:port] split, lower case, IPv6 kept in brackets; null when it is not a host. */
export function splitHostPort(text: string): { name: string; port: number | null } | null {
  const t = text.trim().toLowerCase();
  let name: string;
  let portText: string | null = null;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0 || isIP(t.slice(1, close)) !== 6) return null;
    name = t.slice(0, close + 1);
    const after = t.slice(close + 1);
    if (after) {
      if (!after.startsWith(':')) return null;
      portText = after.slice(1);
    }
  } else {
    const colon = t.lastIndexOf(':');
    name = colon >= 0 ? t.slice(0, colon) : t;
    portText = colon >= 0 ? t.slice(colon + 1) : null;
    if (!isHostName(name) && isIP(name) !== 4) return null;
  }
  if (portText === null) return { name, port: null };
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { name, port } : null;
}

function isHostName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(name);
}

function bracketed(address: string): string {
  const a = address.toLowerCase();
  return isIP(a) === 6 ? `[${a}]` : a;
}

/**
 * Why an --allow-host value is refused, or null. NAME (any port) or NAME:PORT; NAME is a
 * host name, an IPv4 address or a bracketed IPv6 address.
 */
export function allowHostError(value: string): string | null {
  if (value.trim() === '') return 'is empty';
  if (value.includes('*')) return 'may not contain wildcards: name each host';
  if (/[/@?#\s]/.test(value)) return 'must be a host name or address, optionally with :PORT (no scheme, path or user)';
  return splitHostPort(value) ? null : 'is not a host name, IPv4 address or [IPv6] address with an optional :PORT';
}

/**
 * The Host values this server answers to: the bound address with its port, localhost and
 * 127.0.0.1 too when bound to loopback or every interface, and the --allow-host names.
 */
export function makeHostPolicy(opts: { address: string; port: number; allowHosts?: readonly string[] }): HostPolicy {
  const { port } = opts;
  const exact = new Set<string>();
  const anyPort = new Set<string>();
  const wildcard = isWildcardAddress(opts.address);
  exact.add(`${bracketed(opts.address)}:${port}`);
  if (wildcard || isLoopbackAddress(opts.address)) {
    exact.add(`localhost:${port}`);
    exact.add(`127.0.0.1:${port}`);
    if (opts.address.includes(':')) exact.add(`[::1]:${port}`);
  }
  for (const h of opts.allowHosts ?? []) {
    const hp = splitHostPort(h);
    if (!hp) throw new Error(`--allow-host ${h} ${allowHostError(h) ?? 'is not valid'}`);
    if (hp.port === null) anyPort.add(hp.name);
    else exact.add(`${hp.name}:${hp.port}`);
  }
  const names = [...exact, ...[...anyPort].map((n) => `${n} (any port)`)];
  if (wildcard) names.push(`any IP address of this machine with port ${port}`);
  return { port, exact, anyPort, wildcard, describe: names.join(', ') };
}

/** True when `host` (a Host header, or an Origin's host:port) names this server. */
export function hostAllowed(policy: HostPolicy, host: string | undefined, defaultPort = 80, ipLiterals = true): boolean {
  if (!host) return false;
  const hp = splitHostPort(host);
  if (!hp) return false;
  if (policy.anyPort.has(hp.name)) return true;
  const port = hp.port ?? defaultPort;
  if (policy.exact.has(`${hp.name}:${port}`)) return true;
  // An IP literal cannot be rebound to us by someone else's DNS, so when every interface is
  // bound any of the machine's addresses (DHCP, a second NIC, NAT) may name it.
  const bare = hp.name.replace(/^\[|\]$/g, '');
  return ipLiterals && policy.wildcard && isIP(bare) !== 0 && port === policy.port;
}

/**
 * The console's own pages only: the Origin must be the request's own scheme://Host, or
 * another name of this server (localhost vs 127.0.0.1, an --allow-host name behind a proxy).
 * "null" (sandboxed frames, file:) and anything unparsable are foreign.
 */
export function originAllowed(policy: HostPolicy, origin: string, host: string | undefined): boolean {
  const m = /^(https?):\/\/([^/?#@\s]+)$/i.exec(origin.trim());
  if (!m) return false;
  const defaultPort = m[1]!.toLowerCase() === 'https' ? 443 : 80;
  const o = splitHostPort(m[2]!);
  if (!o) return false;
  const h = host ? splitHostPort(host) : null;
  if (h && h.name === o.name && (h.port ?? defaultPort) === (o.port ?? defaultPort)) return true;
  return hostAllowed(policy, m[2]!, defaultPort, false);
}

/** The request target as a path and query, or why it is not one. Never throws. */
export function parseRequestTarget(raw: string | undefined): { pathname: string; searchParams: URLSearchParams } | { error: string } {
  if (!raw) return { error: 'the request has no target' };
  if (raw.length > MAX_TARGET_CHARS) return { error: `the request target is longer than ${MAX_TARGET_CHARS} characters` };
  // "//host" would be read as another authority; "*" and absolute URLs are proxy forms.
  if (raw[0] !== '/' || raw[1] === '/') return { error: 'the request target must be a path starting with a single "/"' };
  if (!plainAscii(raw)) return { error: 'the request target contains spaces, control characters, backslashes or raw non-ASCII' };
  let url: URL;
  try {
    url = new URL(raw, `http://${BASE_HOST}`);
  } catch {
    return { error: 'the request target is not a valid URL path' };
  }
  if (url.host !== BASE_HOST) return { error: 'the request target names another host' };
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return { error: 'the path has a broken %-escape' };
  }
  return { pathname: url.pathname, searchParams: url.searchParams };
}

/** Printable ASCII without space or backslash (a backslash reads as "/" to URL parsers). */
function plainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x5c) return false;
  }
  return true;
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Printable and short, for echoing a header back in a refusal. */
function shown(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}...` : clean;
}

/**
 * Everything a request must pass before its token is even compared. `isPublic` paths
 * (/api/health) skip the Host and Origin rules: they carry nothing, and supervisors probe
 * them by whatever name they know the machine by.
 */
export function screenRequest(
  req: { url?: string; headers: IncomingHttpHeaders },
  policy: HostPolicy,
  kind: RequestKind,
  isPublic: (pathname: string) => boolean = () => false,
): Screened {
  const target = parseRequestTarget(req.url);
  if ('error' in target) return { ok: false, status: 400, reason: `Bad request: ${target.error}.` };
  if (isPublic(target.pathname) && kind === 'http') return { ok: true, ...target, token: null, via: null };

  const credential = requestCredential(req.headers, target.searchParams);
  if ('error' in credential) return { ok: false, status: 400, reason: `Bad request: ${credential.error}.` };

  const host = single(req.headers.host);
  if (!host) return { ok: false, status: 400, reason: 'Bad request: no Host header.' };
  if (!hostAllowed(policy, host)) {
    return {
      ok: false,
      status: 403,
      reason:
        `Forbidden: this console answers to ${policy.describe}, not to Host "${shown(host)}". ` +
        'Open it by one of those addresses, or start serve with --allow-host NAME for another name.',
    };
  }

  const origin = single(req.headers.origin);
  if (origin !== undefined) {
    if (!originAllowed(policy, origin, host)) {
      return { ok: false, status: 403, reason: `Forbidden: a page from ${shown(origin)} may not use this console; only the console's own pages may.` };
    }
  } else if (kind === 'upgrade' && credential.via === 'cookie') {
    // Browsers always send Origin on a WebSocket handshake: one without it is a program, and
    // a program has no business holding the browser's cookie.
    return {
      ok: false,
      status: 403,
      reason: 'Forbidden: a WebSocket without an Origin must carry the token itself (Authorization: Bearer TOKEN or ?token=), not the browser cookie.',
    };
  }

  // Top-level navigations and <img>/<script> loads carry no Origin; Sec-Fetch-Site still says
  // whether another page started them. The cookie is the one credential such a page can ride.
  const site = single(req.headers['sec-fetch-site'])?.toLowerCase();
  if (credential.via === 'cookie' && (site === 'cross-site' || site === 'same-site')) {
    return {
      ok: false,
      status: 403,
      reason: `Forbidden: a request started by another page (Sec-Fetch-Site: ${site}) may not use the console's cookie. Open the console's URL directly.`,
    };
  }
  return { ok: true, ...target, token: credential.token, via: credential.via };
}

/** Writes a refusal as plain text and closes the connection after it. */
export function refuseHttp(res: ServerResponse, status: number, reason: string): void {
  const body = `${reason}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(body);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' };

/** The same for a socket that asked for an upgrade: no HTTP response object exists there. */
export function refuseSocket(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  const head =
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // A client that never reads would keep a half-closed socket; it gets a second to.
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.end(head + body, () => {
    clearTimeout(timer);
    socket.destroy();
  });
}
