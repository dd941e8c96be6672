import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'eas_token';

/** How a request carried its token; the cookie is the one another page can ride on. */
export type CredentialSource = 'bearer' | 'query' | 'cookie';

export function randomToken(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * One cookie's value, or why it is unreadable. Other apps on the same host share the cookie
 * jar (cookies ignore ports), so only `name` is decoded: their malformed cookies are not ours.
 */
export function readCookie(header: string | undefined, name: string): { value: string | null } | { error: string } {
  if (!header) return { value: null };
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let raw = part.slice(eq + 1).trim();
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    try {
      return { value: decodeURIComponent(raw) };
    } catch {
      return { error: `the ${name} cookie has a broken %-escape; open the console's URL with ?token= again to replace it` };
    }
  }
  return { value: null };
}

/**
 * The token a request carries: Authorization: Bearer, ?token=, or the cookie set on first
 * visit, in that order (a fresh ?token= link replaces a stale or broken cookie). Never throws.
 */
export function requestCredential(
  headers: IncomingHttpHeaders,
  searchParams: URLSearchParams,
): { token: string | null; via: CredentialSource | null } | { error: string } {
  const auth = headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return { token: auth.replace(/^Bearer\s+/i, '').trim(), via: 'bearer' };
  const q = searchParams.get('token');
  if (q) return { token: q, via: 'query' };
  const cookie = readCookie(headers.cookie, TOKEN_COOKIE);
  if ('error' in cookie) return cookie;
  return cookie.value === null ? { token: null, via: null } : { token: cookie.value, via: 'cookie' };
}

/** requestCredential's token for a whole request; null for anything malformed. */
export function requestToken(req: IncomingMessage): string | null {
  let searchParams: URLSearchParams;
  try {
    searchParams = new URL(req.url ?? '/', 'http://localhost').searchParams;
  } catch {
    return null;
  }
  const c = requestCredential(req.headers, searchParams);
  return 'error' in c ? null : c.token;
}

export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Set-Cookie header that keeps the token for the page's own later requests. */
export function tokenCookieHeader(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}
