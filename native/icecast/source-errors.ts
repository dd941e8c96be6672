import type { IcecastSourceErrorKind } from '../../electron/contract/error-codes';

/**
 * Why a source connection to Icecast failed, classified so the UI can say what to do.
 * Messages never carry the password (they are built from host, port and mount only). The
 * kinds and their meanings: ICECAST_SOURCE_ERROR_KINDS in electron/contract/error-codes.ts.
 */
export type SourceErrorKind = IcecastSourceErrorKind;

export class SourceError extends Error {
  readonly kind: SourceErrorKind;
  /**
   * True when the condition usually clears by itself (server restarting, mount freed after
   * the server's source-timeout). The client retries every kind, with backoff; a
   * non-transient one puts the stream in 'error' rather than 'retrying'.
   */
  readonly transient: boolean;
  readonly status: number | null;
  constructor(kind: SourceErrorKind, message: string, transient: boolean, status: number | null = null) {
    super(message);
    this.name = 'SourceError';
    this.kind = kind;
    this.transient = transient;
    this.status = status;
  }
}

export interface Where {
  host: string;
  port: number;
  mount: string;
  tls: boolean;
}

const at = (w: Where): string => `${w.tls ? 'https' : 'http'}://${w.host}:${w.port}${w.mount}`;

/** Classifies Icecast's answer to the PUT (status and the plain-text body it sends with it). */
export function classifyHttp(w: Where, status: number, body: string): SourceError {
  const text = body.trim().slice(0, 200);
  if (status === 401) {
    return new SourceError('auth', `Icecast refused the source login for ${at(w)} (401): check the stream's username and password against the server's <source-password> (or the mount's own password).`, false, status);
  }
  if (status === 403 && /in use/i.test(text)) {
    return new SourceError('mount_in_use', `Mount ${w.mount} is in use (403): another encoder feeds it, or the server still holds a connection of ours that dropped (it frees the mount after its <source-timeout>). Retrying; if it persists, stop the other encoder or pick another mount.`, true, status);
  }
  if (status === 403 && /too many sources/i.test(text)) {
    return new SourceError('too_many_sources', `Icecast at ${w.host}:${w.port} refused another source (403 too many sources connected): raise <limits><sources> in icecast.xml or stop another stream.`, false, status);
  }
  if (status === 403) {
    return new SourceError('forbidden', `Icecast refused ${at(w)} (403 ${text || 'Forbidden'}): check the mount's settings on the server.`, false, status);
  }
  return new SourceError('http', `Icecast answered ${status}${text ? ` (${text})` : ''} for ${at(w)}: check that the address is an Icecast 2.4+ server and the mount is allowed.`, status >= 500, status);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'ECONNABORTED']);
const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/** Classifies a socket/TLS/DNS error. `live` says whether the connection had been accepted. */
export function classifySocketError(w: Where, err: NodeJS.ErrnoException, live: boolean): SourceError {
  const code = err.code ?? '';
  const where = `${w.host}:${w.port}`;
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new SourceError('dns', `Cannot resolve "${w.host}" (DNS ${code}): check the host name and this machine's network/DNS settings.`, false);
  }
  if (code === 'EAI_AGAIN') {
    return new SourceError('dns', `DNS lookup of "${w.host}" failed for now (EAI_AGAIN): check the network; retrying.`, true);
  }
  if (isTlsError(code, err.message) && !live) {
    return new SourceError('tls', `TLS with ${where} failed (${code || err.message}): check that the server speaks TLS on this port and has a valid certificate, or turn TLS off for this stream.`, false);
  }
  if (live && (NETWORK.has(code) || UNREACHABLE.has(code))) {
    return new SourceError('network', `Connection to ${where} lost (${code}); reconnecting.`, true);
  }
  if (UNREACHABLE.has(code) || code === 'CONNECT_TIMEOUT') {
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'CONNECT_TIMEOUT' ? 'no answer' : code;
    return new SourceError('unreachable', `Icecast at ${where} is unreachable (${why}): check that the server is running and the host and port are right; retrying.`, true);
  }
  return new SourceError('network', `Connection to ${where} failed (${code || err.message}); retrying.`, true);
}

function isTlsError(code: string, message: string): boolean {
  return (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    code === 'EPROTO' ||
    /SSL|TLS|certificate/i.test(message)
  );
}
