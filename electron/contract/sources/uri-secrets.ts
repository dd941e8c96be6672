/**
 * Credentials inside source URIs (http://user:PASSWORD@host/..., ?token=...) are masked with
 * MASK wherever a URI is shown or handed to a client, and restored from the stored URI when
 * a client sends a masked one back. Pure string work on the URI as written, so a masked URI
 * restored against its original gives the original back byte for byte.
 */
export const MASK = '***';

/** Query parameter names (split into words) that carry credentials rather than stream choices. */
const SECRET_WORDS = new Set([
  'pass', 'passwd', 'password', 'pwd', 'pw', 'token', 'secret', 'key', 'apikey', 'auth', 'authorization',
  'sig', 'signature', 'credential', 'credentials', 'session', 'sessionid', 'sid', 'jwt',
]);

export function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    /* judged as written */
  }
  const lower = decoded.toLowerCase();
  if (SECRET_WORDS.has(lower.replace(/[^a-z0-9]/g, ''))) return true;
  const words = decoded.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

interface QueryPair {
  name: string;
  /** null for a bare "name" with no "=". */
  value: string | null;
}

/** A URI cut into the raw substrings that masking replaces; joining them gives it back. */
interface UriParts {
  /** scheme: plus "//" when there is an authority. */
  head: string;
  user: string | null;
  password: string | null;
  /** host[:port] as written. */
  hostport: string;
  path: string;
  query: QueryPair[] | null;
  /** "#..." or "". */
  fragment: string;
}

function splitUri(uri: string): UriParts | null {
  const m = /^([a-z][a-z0-9+.-]*:)(.*)$/is.exec(uri);
  if (!m) return null;
  let head = m[1]!;
  let rest = m[2]!;
  let user: string | null = null;
  let password: string | null = null;
  let hostport = '';
  if (rest.startsWith('//')) {
    head += '//';
    rest = rest.slice(2);
    // WHATWG: the authority ends at the first / ? # (or \ for web schemes); the last @ in
    // it ends the userinfo. A URI that fails to parse gets the wider reading below.
    let end = rest.search(/[/?#\\]/);
    if (end < 0) end = rest.length;
    if (!parses(uri)) {
      const beforeQuery = rest.search(/[?#]/);
      const lastAt = rest.slice(0, beforeQuery < 0 ? rest.length : beforeQuery).lastIndexOf('@');
      if (lastAt >= end) {
        const slash = rest.slice(lastAt).search(/[/?#\\]/);
        end = slash < 0 ? rest.length : lastAt + slash;
      }
    }
    const authority = rest.slice(0, end);
    rest = rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
      password = colon >= 0 ? userinfo.slice(colon + 1) : null;
    }
    hostport = authority.slice(at + 1);
  }
  const hash = rest.indexOf('#');
  const fragment = hash >= 0 ? rest.slice(hash) : '';
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  const query =
    q >= 0
      ? rest
          .slice(q + 1)
          .split('&')
          .map((p) => {
            const eq = p.indexOf('=');
            return eq >= 0 ? { name: p.slice(0, eq), value: p.slice(eq + 1) } : { name: p, value: null };
          })
      : null;
  return { head, user, password, hostport, path, query, fragment };
}

function parses(uri: string): boolean {
  try {
    new URL(uri);
    return true;
  } catch {
    return false;
  }
}

function joinUri(p: UriParts): string {
  let userinfo = '';
  if (p.user !== null) userinfo = p.password !== null ? `${p.user}:${p.password}@` : `${p.user}@`;
  const query = p.query === null ? '' : `?${p.query.map((q) => (q.value === null ? q.name : `${q.name}=${q.value}`)).join('&')}`;
  return `${p.head}${userinfo}${p.hostport}${p.path}${query}${p.fragment}`;
}

/**
 * The URI with its credentials replaced by MASK: the password of user:password@ (a lone
 * user@ is taken to be a key and masked whole) and the values of credential-like query
 * parameters. Text that is not a URI comes back unchanged.
 */
export function maskUri(uri: string): string {
  const p = splitUri(uri);
  if (!p) return uri;
  if (p.password !== null) {
    if (p.password !== '') p.password = MASK;
  } else if (p.user) {
    p.user = MASK;
  }
  if (p.query) p.query = p.query.map((q) => (q.value && isSecretParam(q.name) ? { name: q.name, value: MASK } : q));
  return joinUri(p);
}

/** True when the URI holds a credential that maskUri would hide. */
export function hasUriSecret(uri: string): boolean {
  return maskUri(uri) !== uri;
}

/** True when the URI still holds a MASK where a credential goes (it could not be restored). */
export function hasMaskedSecret(uri: string): boolean {
  const p = splitUri(uri);
  if (!p) return false;
  if (p.password === MASK || (p.password === null && p.user === MASK)) return true;
  return (p.query ?? []).some((q) => q.value === MASK && isSecretParam(q.name));
}

function sameServer(a: UriParts, b: UriParts): boolean {
  return a.head.toLowerCase() === b.head.toLowerCase() && a.hostport.toLowerCase() === b.hostport.toLowerCase();
}

/**
 * A URI a client sent back, with each MASK put back from `stored` (the full URI this
 * source had). Only for the same scheme, host and port: a masked password must never be
 * sent to a server the user has just typed in. A credential the client typed anew wins.
 */
export function restoreUriSecrets(incoming: string, stored: string | null | undefined): string {
  if (!stored) return incoming;
  const inc = splitUri(incoming);
  const old = splitUri(stored);
  if (!inc || !old || !sameServer(inc, old)) return incoming;
  if (inc.password === MASK && old.password !== null) {
    inc.password = old.password;
  } else if (inc.password === null && inc.user === MASK && old.password === null && old.user !== null) {
    inc.user = old.user;
  }
  if (inc.query && old.query) {
    const used = new Set<number>();
    inc.query = inc.query.map((q) => {
      if (q.value !== MASK || !isSecretParam(q.name)) return q;
      const i = old.query!.findIndex((o, k) => !used.has(k) && o.name === q.name && o.value !== null);
      if (i < 0) return q;
      used.add(i);
      return { name: q.name, value: old.query![i]!.value };
    });
  }
  return joinUri(inc);
}

/**
 * For keeping credentials apart from the settings: `uri` (masked) goes to settings.json,
 * `secret` (the whole original URI, or null when it holds none) to the secret store.
 * joinUriSecret(uri, secret) gives the original back.
 */
export function splitUriSecret(original: string): { uri: string; secret: string | null } {
  const uri = maskUri(original);
  return { uri, secret: uri === original ? null : original };
}

export function joinUriSecret(uri: string, secret: string | null | undefined): string {
  return restoreUriSecrets(uri, secret);
}
