import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ConnectionOptions } from 'node:tls';

export interface MetadataTarget {
  host: string;
  port: number;
  tls?: boolean;
  mount: string;
  /** The source login: Icecast 2.4 accepts a mount's source credentials for its own metadata. */
  username?: string;
  password: string;
  tlsOptions?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
  timeoutMs?: number;
}

export interface MetadataResult {
  ok: boolean;
  /**
   * The server takes no title for this mount this way. Icecast 2.4.4 answers "Mountpoint
   * will not accept URL updates" for Ogg Opus (its Opus handler has no metadata support);
   * MP3, AAC and Ogg Vorbis mounts accept updinfo.
   */
  unsupported: boolean;
  status: number | null;
  /** Icecast's own message, or what went wrong (never the password). */
  message: string;
}

/**
 * Sets a mount's stream title with /admin/metadata?mode=updinfo (charset=UTF-8, so titles
 * beyond Latin-1 arrive intact), authenticated as the mount's source. Never throws.
 */
export function updateStreamTitle(target: MetadataTarget, title: string): Promise<MetadataResult> {
  const q = new URLSearchParams({ mount: target.mount, mode: 'updinfo', song: title, charset: 'UTF-8' });
  const auth = Buffer.from(`${target.username || 'source'}:${target.password}`, 'utf8').toString('base64');
  const request = target.tls ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: `/admin/metadata?${q.toString()}`,
        method: 'GET',
        headers: { Authorization: `Basic ${auth}`, 'User-Agent': 'eas-console' },
        timeout: target.timeoutMs ?? 5000,
        ...(target.tls ? target.tlsOptions : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < 8192) body += c;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const message = (/<message>([^<]*)<\/message>/.exec(body)?.[1] ?? body.replace(/<[^>]+>/g, ' ')).trim().slice(0, 200);
          if (status === 401) return resolve({ ok: false, unsupported: false, status, message: 'Icecast refused the source login for the metadata update (401): check the stream password.' });
          if (status !== 200) return resolve({ ok: false, unsupported: false, status, message: `metadata update answered ${status}: ${message || 'no message'}` });
          const unsupported = /will not accept/i.test(message);
          resolve({ ok: !unsupported && /successful/i.test(message), unsupported, status, message });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ ok: false, unsupported: false, status: null, message: `metadata update failed: ${(err as NodeJS.ErrnoException).code ?? err.message}` }));
    req.end();
  });
}
