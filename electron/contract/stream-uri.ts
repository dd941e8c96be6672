import { StreamConfig, StreamFormat, StreamMount } from './dto';

/**
 * `icecast://USER:PASSWORD@HOST:PORT/MOUNT?format=mp3&bitrate=128` names a stream on the
 * command line (`serve --stream`). icecasts:// (or tls=1) uses TLS. The password is handed
 * back apart from the config: the config may be shown and stored, the password may not.
 */
export class StreamUriError extends Error {
  /** The part at fault: scheme, user, password, host, port, mount, or a parameter name. */
  readonly part: string;
  constructor(part: string, message: string) {
    super(message);
    this.name = 'StreamUriError';
    this.part = part;
  }
}

export interface ParsedStreamUri {
  config: StreamConfig;
  password: string;
}

const KNOWN = ['format', 'bitrate', 'name', 'description', 'genre', 'public', 'tls'] as const;
const EXT: Record<StreamFormat, string> = { mp3: '.mp3', aac: '.aac', vorbis: '.ogg', opus: '.opus' };
const DEFAULT_KBPS: Record<StreamFormat, number> = { mp3: 128, aac: 96, vorbis: 96, opus: 48 };

/** Parses a stream URI; `ids` come from where the URI is used (the source it follows). */
export function parseStreamUri(uri: string, ids: { id: string; sourceId: string; enabled?: boolean }): ParsedStreamUri {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(uri.trim());
  if (!m) throw new StreamUriError('scheme', `a stream URI looks like icecast://source:PASSWORD@HOST:PORT/MOUNT?format=mp3&bitrate=128; got "${redactStreamUri(uri)}"`);
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'icecast' && scheme !== 'icecasts') {
    throw new StreamUriError('scheme', `unknown stream scheme "${scheme}://"; use icecast:// (or icecasts:// for TLS)`);
  }
  let rest = m[2]!;
  const q = rest.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '');
  if (q >= 0) rest = rest.slice(0, q);
  for (const key of query.keys()) {
    if (!(KNOWN as readonly string[]).includes(key)) throw new StreamUriError(key, `unknown parameter "${key}"; known: ${KNOWN.join(', ')}`);
  }

  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const mountPart = slash >= 0 ? rest.slice(slash) : '';
  const at = authority.lastIndexOf('@');
  if (at < 0) throw new StreamUriError('password', 'the URI has no credentials: put source:PASSWORD@ before the host');
  const userinfo = authority.slice(0, at);
  const hostport = authority.slice(at + 1);
  const colon = userinfo.indexOf(':');
  if (colon < 0) throw new StreamUriError('password', 'no password: write USER:PASSWORD@ (percent-encode ":", "@" and "/" inside it)');
  const username = decodePart(userinfo.slice(0, colon), 'user');
  const password = decodePart(userinfo.slice(colon + 1), 'password');
  if (!username) throw new StreamUriError('user', 'the user is empty: Icecast sources log in as "source"');
  if (/[:\s]/.test(username)) throw new StreamUriError('user', 'the user may not contain spaces or ":"');
  if (!password) throw new StreamUriError('password', 'the password is empty');

  let host: string;
  let portText: string | null = null;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new StreamUriError('host', 'an IPv6 address needs a closing "]"');
    host = hostport.slice(1, close);
    const after = hostport.slice(close + 1);
    if (after) {
      if (!after.startsWith(':')) throw new StreamUriError('port', `unexpected "${after}" after the host`);
      portText = after.slice(1);
    }
  } else {
    const c = hostport.lastIndexOf(':');
    host = c >= 0 ? hostport.slice(0, c) : hostport;
    portText = c >= 0 ? hostport.slice(c + 1) : null;
  }
  if (!host) throw new StreamUriError('host', 'the host is missing');
  let port = 8000;
  if (portText !== null) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw new StreamUriError('port', `port must be 1-65535, got "${portText}"`);
  }

  if (!mountPart || mountPart === '/') throw new StreamUriError('mount', 'the mount is missing: add /NAME after the port, e.g. /weather.mp3');
  const mount = decodePart(mountPart, 'mount');
  const mountProblem = mountError(mount);
  if (mountProblem) throw new StreamUriError('mount', mountProblem);

  const formatText = query.get('format') ?? 'mp3';
  const format = StreamFormat.safeParse(formatText.toLowerCase());
  if (!format.success) throw new StreamUriError('format', `format must be mp3, vorbis, opus or aac, got "${formatText}"`);
  const bitrateText = query.get('bitrate');
  let bitrateKbps = DEFAULT_KBPS[format.data];
  if (bitrateText !== null) {
    bitrateKbps = Number(bitrateText.replace(/k$/i, ''));
    if (!Number.isInteger(bitrateKbps) || bitrateKbps < 8 || bitrateKbps > 320) {
      throw new StreamUriError('bitrate', `bitrate must be a whole number of kbit/s from 8 to 320, got "${bitrateText}"`);
    }
  }
  const tls = scheme === 'icecasts' || bool(query.get('tls'), 'tls', false);
  const draft = {
    id: ids.id,
    sourceId: ids.sourceId,
    enabled: ids.enabled ?? true,
    format: format.data,
    bitrateKbps,
    host,
    port,
    ...(tls ? { tls: true } : {}),
    ...(username !== 'source' ? { username } : {}),
    mount,
    ...(query.get('name') !== null ? { name: query.get('name')! } : {}),
    ...(query.get('description') !== null ? { description: query.get('description')! } : {}),
    ...(query.get('genre') !== null ? { genre: query.get('genre')! } : {}),
    public: bool(query.get('public'), 'public', false),
  };
  const parsed = StreamConfig.safeParse(draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const part = String(issue.path[0] ?? 'uri');
    throw new StreamUriError(part, `${part}: ${issue.message}`);
  }
  return { config: parsed.data, password };
}

function decodePart(text: string, part: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new StreamUriError(part, `the ${part} has a broken %-escape`);
  }
}

function bool(value: string | null, part: string, fallback: boolean): boolean {
  if (value === null) return fallback;
  if (value === '1' || value === 'true' || value === 'yes') return true;
  if (value === '0' || value === 'false' || value === 'no') return false;
  throw new StreamUriError(part, `${part} must be 0 or 1, got "${value}"`);
}

/** The URI with its password (and any other stream URI's in the text) replaced by ***. */
export function redactStreamUri(text: string): string {
  return text.replace(/(icecasts?:\/\/[^\s/@:]*):[^\s/]*@/gi, '$1:***@');
}

/** The URI for a config, password masked (for display: status pages, logs). */
export function streamUriOf(c: StreamConfig): string {
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  const q = new URLSearchParams({ format: c.format, bitrate: String(c.bitrateKbps) });
  return `${c.tls ? 'icecasts' : 'icecast'}://${encodeURIComponent(c.username ?? 'source')}:***@${host}:${c.port}${c.mount}?${q.toString()}`;
}

/** Why a mount name is refused (the StreamMount rules), or null. */
export function mountError(mount: string): string | null {
  const r = StreamMount.safeParse(mount);
  return r.success ? null : `mount "${mount}" ${r.error.issues[0]?.message ?? 'is not valid'}`;
}

/**
 * A valid default mount from a source's display name: accents folded, lower case, other
 * characters to "-", plus the format's extension; `taken` mounts get a -2, -3... suffix.
 */
export function defaultMount(sourceName: string, format: StreamFormat, taken: Iterable<string> = []): string {
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  const ext = EXT[format];
  let base = sourceName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  if (!base || /^admin/.test(base)) base = base ? `stream-${base}` : 'stream';
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `-${n}`;
    const mount = `/${base.slice(0, 64 - ext.length - suffix.length).replace(/[-.]+$/, '')}${suffix}${ext}`;
    if (!used.has(mount.toLowerCase())) return mount;
  }
}
