import { XMLParser } from 'fast-xml-parser';
import { sleep } from '../../electron/core/time/sleep';
import { IcecastAuthError, IcecastError, NotIcecastError } from './errors';
import { describeServer, icecastGet, query, type IcecastConnection, type IcecastResponse } from './http';
import { decodeCharRefs, fetchAdminStats, parseStatusJson } from './stats';

export interface IcecastListenerInfo {
  /** Icecast's client id: what killclient takes. */
  id: string;
  ip: string;
  userAgent: string | null;
  referer: string | null;
  /** Seconds since the listener connected. */
  connectedSeconds: number;
  username: string | null;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (_name, jpath) => jpath === 'icestats.source' || jpath === 'icestats.source.listener',
});

type Raw = Record<string, unknown>;

function s(v: unknown): string | null {
  if (v === undefined || v === null || typeof v === 'object') return null;
  const t = decodeCharRefs(String(v));
  return t === '' ? null : t;
}

function checkMount(mount: string): string {
  if (!mount.startsWith('/') || /[\s?#]/.test(mount)) {
    throw new IcecastError('bad_request', `"${mount}" is not a mount: it starts with / and has no spaces, ? or #.`, false);
  }
  return mount;
}

/** The <iceresponse> of an admin command: message and Icecast's return flag. */
function iceResponse(res: IcecastResponse, where: string, what: string, mount: string): { message: string; ok: boolean } {
  if (res.status === 400 && /Source does not exist/i.test(res.body)) {
    throw new IcecastError('not_found', `Mount ${mount} is not live on ${where}: refresh the mount list.`, false);
  }
  if (res.status !== 200) {
    const detail = /<b>([^<]+)<\/b>/.exec(res.body)?.[1] ?? `HTTP ${res.status}`;
    if (res.status === 404 || !/icecast/i.test(res.server)) throw new NotIcecastError(where, `${what} answered ${detail}`);
    throw new IcecastError('http_error', `Icecast at ${where} refused ${what}: ${detail}.`, false);
  }
  let doc: Raw;
  try {
    doc = xml.parse(res.body) as Raw;
  } catch {
    throw new NotIcecastError(where, `${what} did not answer XML`);
  }
  const r = doc.iceresponse as Raw | undefined;
  if (!r) throw new NotIcecastError(where, `${what} did not answer an <iceresponse>`);
  return { message: s(r.message) ?? '', ok: s(r.return) === '1' };
}

async function admin(conn: IcecastConnection, path: string, params: Record<string, string | number | undefined>, what: string): Promise<IcecastResponse> {
  return icecastGet(conn, `/admin/${path}?${query(params)}`, true, `Icecast ${what}`);
}

/** Listeners of a mount: /admin/listclients. */
export async function listClients(conn: IcecastConnection, mount: string): Promise<IcecastListenerInfo[]> {
  checkMount(mount);
  const where = describeServer(conn.url);
  const res = await admin(conn, 'listclients', { mount }, 'listclients');
  if (res.status === 400 && /Source does not exist/i.test(res.body)) {
    throw new IcecastError('not_found', `Mount ${mount} is not live on ${where}: refresh the mount list.`, false);
  }
  if (res.status !== 200) throw new NotIcecastError(where, `/admin/listclients answered HTTP ${res.status}`);
  let doc: Raw;
  try {
    doc = xml.parse(res.body) as Raw;
  } catch {
    throw new NotIcecastError(where, '/admin/listclients did not answer XML');
  }
  const root = doc.icestats as Raw | undefined;
  if (!root) throw new NotIcecastError(where, '/admin/listclients has no <icestats>');
  const sources = (root.source as Raw[] | undefined) ?? [];
  const src = sources.find((x) => x['@_mount'] === mount) ?? sources[0];
  const listeners = (src?.listener as Raw[] | undefined) ?? [];
  return listeners.map((l) => ({
    id: s(l.ID) ?? s(l.id) ?? '',
    ip: s(l.IP) ?? '',
    userAgent: s(l.UserAgent),
    referer: s(l.Referer),
    connectedSeconds: Number(s(l.Connected) ?? 0) || 0,
    username: s(l.username) ?? s(l.Username),
  }));
}

/** Disconnects one listener: /admin/killclient. Throws not_found when the id is gone. */
export async function killClient(conn: IcecastConnection, mount: string, id: string | number): Promise<void> {
  checkMount(mount);
  const where = describeServer(conn.url);
  const res = await admin(conn, 'killclient', { mount, id }, 'killclient');
  const r = iceResponse(res, where, 'killclient', mount);
  if (!r.ok) throw new IcecastError('not_found', `Listener ${id} is no longer on ${mount} (${r.message}): refresh the list.`, false);
}

/** Disconnects the source feeding a mount (its encoder will usually reconnect): /admin/killsource. */
export async function killSource(conn: IcecastConnection, mount: string): Promise<void> {
  checkMount(mount);
  const where = describeServer(conn.url);
  const res = await admin(conn, 'killsource', { mount }, 'killsource');
  const r = iceResponse(res, where, 'killsource', mount);
  if (!r.ok) throw new IcecastError('http_error', `Icecast did not remove the source on ${mount}: ${r.message}.`, false);
}

export interface MoveResult {
  /** Listener ids that left `from` and are now on `to`. */
  moved: string[];
  /** Listener ids that were on `from` before the move. */
  requested: string[];
  message: string;
}

/**
 * Moves every listener of `from` to `to`: /admin/moveclients. Icecast 2.4.4 answers success
 * and moves nobody when the two mounts differ in format, so we refuse that up front and check
 * afterwards that the listeners really moved (`force` skips the up-front check).
 */
export async function moveClients(conn: IcecastConnection, from: string, to: string, opts: { force?: boolean } = {}): Promise<MoveResult> {
  checkMount(from);
  checkMount(to);
  const where = describeServer(conn.url);
  if (from === to) throw new IcecastError('bad_request', 'Choose a different destination mount: source and destination are the same.', false);
  const stats = await fetchAdminStats(conn);
  const src = stats.mounts.find((m) => m.mount === from);
  const dst = stats.mounts.find((m) => m.mount === to);
  if (!src) throw new IcecastError('not_found', `Mount ${from} is not live on ${where}: refresh the mount list.`, false);
  if (!dst) throw new IcecastError('not_found', `Destination ${to} is not live on ${where}: listeners can move only to a live mount.`, false);
  const formatOf = (m: typeof src): string => `${m.contentType ?? '?'}${m.subtype ? ` (${m.subtype})` : ''}`;
  if (!opts.force && formatOf(src) !== formatOf(dst)) {
    throw new IcecastError(
      'move_failed',
      `Listeners cannot move from ${from} (${formatOf(src)}) to ${to} (${formatOf(dst)}): Icecast moves listeners only between mounts of the same format (it would report success and move nobody). Pick a destination with the same format.`,
      false,
    );
  }
  const before = (await listClients(conn, from)).map((l) => l.id);
  const res = await admin(conn, 'moveclients', { mount: from, destination: to }, 'moveclients');
  const r = iceResponse(res, where, 'moveclients', from);
  if (!r.ok) throw new IcecastError('move_failed', `Icecast refused to move listeners from ${from} to ${to}: ${r.message}.`, false);
  if (before.length === 0) return { moved: [], requested: [], message: r.message };
  // Icecast moves them asynchronously (the source thread picks them up): wait a little.
  let moved: string[] = [];
  for (let i = 0; i < 20; i++) {
    const [left, arrived] = await Promise.all([listClients(conn, from).catch(() => []), listClients(conn, to)]);
    const leftIds = new Set(left.map((l) => l.id));
    const arrivedIds = new Set(arrived.map((l) => l.id));
    moved = before.filter((id) => !leftIds.has(id) && arrivedIds.has(id));
    if (moved.length === before.length) break;
    await sleep(100);
  }
  if (moved.length === 0) {
    throw new IcecastError(
      'move_failed',
      `Icecast reported "${r.message}" but no listener moved from ${from} to ${to}; this happens when the mounts differ in format (${formatOf(src)} vs ${formatOf(dst)}). Pick a destination with the same format.`,
      false,
    );
  }
  return { moved, requested: before, message: r.message };
}

/**
 * Sets the stream title of a mount: /admin/metadata?mode=updinfo, sent as UTF-8 with
 * charset=UTF-8 (without it Icecast 2.4.4 reads the bytes as Latin-1 and stores mojibake).
 * What Icecast 2.4.4 does with it, by format (measured):
 * - MP3/AAC: ICY metadata, kept in Latin-1. Other characters become "&#NNNN;" text in its stats
 *   (the stats parser decodes them) and in the StreamTitle listeners see.
 * - Ogg Vorbis: accepted, full UTF-8; Icecast rebuilds the Vorbis comment (title=...) and sends
 *   listeners a new chained logical stream carrying it.
 * - Ogg Opus: refused ("Mountpoint will not accept URL updates", though with return 1): this
 *   throws metadata_unsupported. 2.4.4 shows no title for Opus mounts at all; only the encoder
 *   can change what players show, by starting a new chained stream with new OpusTags.
 * The new title shows in the stats once the next audio block arrives from the source.
 */
export async function updateMetadata(conn: IcecastConnection, mount: string, song: string, opts: { charset?: string } = {}): Promise<void> {
  checkMount(mount);
  const where = describeServer(conn.url);
  const res = await admin(conn, 'metadata', { mount, mode: 'updinfo', song, charset: opts.charset ?? 'UTF-8' }, 'metadata update');
  const r = iceResponse(res, where, 'metadata update', mount);
  if (/will not accept/i.test(r.message)) {
    throw new IcecastError(
      'metadata_unsupported',
      `Icecast does not take title updates for ${mount} ("${r.message}"): Icecast 2.4 accepts them for MP3, AAC and Ogg Vorbis mounts, not Ogg Opus. Stream this title on an MP3 or Vorbis rendition, or let the encoder carry it in the Opus stream.`,
      false,
    );
  }
  if (!r.ok) throw new IcecastError('http_error', `Icecast did not update the title of ${mount}: ${r.message}.`, false);
}

export interface ConnectionTestResult {
  /** Reachable, Icecast, and (when a password was given) the admin login works. */
  ok: boolean;
  reachable: boolean;
  isIcecast: boolean | null;
  /** null when no admin password was given, or the server was not reached. */
  authenticated: boolean | null;
  /** "Icecast 2.4.4" from /admin/stats server_id, else the Server header. */
  serverId: string | null;
  version: string | null;
  mounts: number | null;
  listeners: number | null;
  roundTripMs: number | null;
  /** One line for the settings page: what works, or what to do. */
  message: string;
  error: { code: string; message: string } | null;
}

function versionOf(id: string | null): string | null {
  return id ? (/(\d+(?:\.\d+)+\S*)/.exec(id)?.[1] ?? null) : null;
}

/** The settings page's "Test connection": reachability, admin auth, server version. */
export async function testConnection(conn: IcecastConnection): Promise<ConnectionTestResult> {
  const where = describeServer(conn.url);
  const base: ConnectionTestResult = {
    ok: false, reachable: false, isIcecast: null, authenticated: null, serverId: null, version: null,
    mounts: null, listeners: null, roundTripMs: null, message: '', error: null,
  };
  const t0 = Date.now();
  let pub: IcecastResponse;
  try {
    pub = await icecastGet(conn, '/status-json.xsl', false, 'Icecast status');
  } catch (err) {
    const e = err as IcecastError;
    return { ...base, message: e.message, error: { code: e.code ?? 'unreachable', message: e.message } };
  }
  const result: ConnectionTestResult = { ...base, reachable: true, roundTripMs: Date.now() - t0 };
  const headerId = /icecast/i.test(pub.server) ? pub.server : null;
  let bodyId: string | null = null;
  if (pub.status === 200) {
    try {
      const parsed = parseStatusJson(pub.body, where);
      bodyId = parsed.server.serverId;
      result.mounts = parsed.mounts.length;
      result.listeners = parsed.server.totals.listeners;
    } catch {
      // not Icecast's JSON: judged below
    }
  }
  result.isIcecast = Boolean(headerId || bodyId);
  result.serverId = bodyId ?? headerId;
  result.version = versionOf(result.serverId);
  if (!result.isIcecast) {
    const e = new NotIcecastError(where, `/status-json.xsl answered HTTP ${pub.status}${pub.server ? ` from "${pub.server}"` : ''}`);
    return { ...result, message: e.message, error: { code: e.code, message: e.message } };
  }
  if (!conn.adminPassword) {
    return { ...result, ok: true, message: `Reached ${result.serverId ?? 'Icecast'} at ${where}. No admin password set: listener counts only, no admin actions.` };
  }
  try {
    const stats = await fetchAdminStats(conn);
    result.authenticated = true;
    result.serverId = stats.server.serverId ?? result.serverId;
    result.version = versionOf(result.serverId);
    result.mounts = stats.mounts.length;
    result.listeners = stats.server.totals.listeners;
    return { ...result, ok: true, message: `Connected to ${result.serverId ?? 'Icecast'} at ${where}: admin login works, ${result.mounts} live mount(s), ${result.listeners ?? 0} listener(s).` };
  } catch (err) {
    const e = err as IcecastError;
    if (err instanceof IcecastAuthError) result.authenticated = false;
    return { ...result, message: e.message, error: { code: e.code ?? 'http_error', message: e.message } };
  }
}
