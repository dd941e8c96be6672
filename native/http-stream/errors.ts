import { CaptureError, type CaptureErrorCode } from '../capture/capture-error';
import { maskUri } from '../../electron/contract/sources/uri-secrets';

/** A named internet-stream failure (codes http_*, dns_failed, tls_failed, stream_*, ...). */
export class StreamError extends CaptureError {
  constructor(code: CaptureErrorCode, message: string, hint: string, retryable = true) {
    super(code, message, hint, retryable);
    this.name = 'StreamError';
  }
}

/** "host:port" of a URL for messages: never the path (tokens) nor user:password. */
export function where(url: string): string {
  try {
    const u = new URL(url);
    return u.host;
  } catch {
    return 'the server';
  }
}

/** URL without credentials (user:password@, ?token=-like parameters masked), for logs and messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return maskUri(u.toString());
  } catch {
    return '(invalid URL)';
  }
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|EPROTO$|ERR_OSSL_|HOSTNAME_MISMATCH)/;

/** Names a socket-level failure of a request (before or during the stream). */
export function fromNetworkError(err: NodeJS.ErrnoException, url: string, streaming: boolean): StreamError {
  const code = err.code ?? '';
  const host = where(url);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    return new StreamError('dns_failed', `cannot resolve ${host} (${code})`, 'check the host name in the URL and that this machine has working DNS and network');
  }
  if (code === 'ECONNREFUSED') {
    return new StreamError('connection_refused', `${host} refused the connection`, 'the stream server is down or the port in the URL is wrong; the engine retries');
  }
  if (TLS_CODES.test(code) || /certificate|SSL|TLS/i.test(err.message)) {
    return new StreamError(
      'tls_failed',
      `secure connection to ${host} failed: ${err.message}`,
      "the server's certificate is not trusted (expired, self-signed or issued for another name); fix it on the server, or use the http:// address if the station offers one",
    );
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'stream_timeout') {
    return new StreamError('network_unreachable', `${host} cannot be reached (${code || err.message})`, 'check the network connection and any firewall between this machine and the stream server; the engine retries');
  }
  if (streaming || code === 'ECONNRESET' || code === 'EPIPE') {
    return new StreamError('stream_dropped', `the stream from ${host} dropped (${code || err.message})`, 'the server or the network closed the connection; the engine reconnects');
  }
  return new StreamError('http_failed', `request to ${host} failed: ${err.message}`, 'check the URL opens in a media player');
}

export function fromHttpStatus(status: number, statusText: string, url: string): StreamError {
  const host = where(url);
  const what = `${host} answered HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 404) {
    return new StreamError('http_not_found', `${what}: no stream at ${safeUrl(url)}`, "check the URL (mount point); an Icecast mount answers 404 while its encoder is off the air, so the engine keeps retrying");
  }
  if (status === 401) {
    return new StreamError('http_unauthorized', `${what}: the stream needs a login`, 'put the user name and password in the URL (https://user:password@host/stream)');
  }
  if (status === 403) {
    return new StreamError('http_forbidden', `${what}: access refused`, 'the server refuses this client (wrong credentials, geo-blocking, listener limit); check with the station');
  }
  if (status >= 500) {
    return new StreamError('http_server_error', `${what}: server error`, 'the stream server has a problem; the engine retries');
  }
  return new StreamError('http_status', `${what}`, 'check the URL opens in a media player');
}
