import { maskUri } from './uri-secrets';
import { SourceUriError } from './uri-util';

/**
 * http(s)://... — an internet stream (MP3/AAC/Ogg, M3U/PLS playlists, HLS .m3u8).
 * The whole URL, query included, belongs to the stream server, so this kind takes no
 * parameters of its own. user:password@ in the URL is sent as Basic auth (and redacted in UIs).
 */
export interface HttpSpec {
  kind: 'http';
  url: string;
}

export function parseHttpUri(scheme: 'http' | 'https', rest: string): HttpSpec {
  if (!rest.startsWith('//')) throw new SourceUriError('host', `${scheme}: needs //HOST, e.g. ${scheme}://radio.example.org/stream.mp3`);
  if (hasSpaceOrControl(rest)) throw new SourceUriError('path', 'the URL contains spaces or control characters; percent-encode them (%20)');
  let url: URL;
  try {
    url = new URL(`${scheme}:${rest}`);
  } catch {
    throw new SourceUriError('host', `"${scheme}:${redact(rest)}" is not a valid URL`);
  }
  if (!url.hostname) throw new SourceUriError('host', `${scheme}: needs a host name, e.g. ${scheme}://radio.example.org/stream.mp3`);
  // The fragment is never sent to the server; dropping it keeps equal streams equal.
  url.hash = '';
  return { kind: 'http', url: url.toString() };
}

function redact(rest: string): string {
  return maskUri(`x:${rest}`).slice(2);
}

function hasSpaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}
