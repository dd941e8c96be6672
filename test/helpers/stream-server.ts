import { execFileSync, spawnSync } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ffmpegPath } from '../../native/ffmpeg-path';

/** Encodes mono float samples to MP3 with the bundled ffmpeg (the fixture is made by the test, never committed). */
export function encodeMp3(samples: Float32Array, rate: number, kbps = 64): Buffer {
  const input = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const r = spawnSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'f32le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0', '-c:a', 'libmp3lame', '-b:a', `${kbps}k`, '-f', 'mp3', 'pipe:1'], { input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg mp3 encode failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Interleaves ICY metadata blocks every `metaint` bytes of audio, the way Icecast does. */
export function withIcy(audio: Buffer, metaint: number, titleAt: (blockIndex: number) => string | null): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0, block = 0; i < audio.length; i += metaint, block++) {
    const piece = audio.subarray(i, i + metaint);
    parts.push(piece);
    if (piece.length < metaint) break;
    const title = titleAt(block);
    if (title === null) {
      parts.push(Buffer.from([0]));
    } else {
      const text = Buffer.from(`StreamTitle='${title}';StreamUrl='';`, 'utf8');
      const len = Math.ceil(text.length / 16);
      const meta = Buffer.alloc(1 + len * 16);
      meta[0] = len;
      text.copy(meta, 1);
      parts.push(meta);
    }
  }
  return Buffer.concat(parts);
}

export type Route = (req: IncomingMessage, res: ServerResponse, base: string) => void;

/** A local test server on 127.0.0.1:0 with per-path handlers and request counts; close() ends every connection. */
export async function startServer(routes: Record<string, Route>) {
  const hits = new Map<string, number>();
  const requests: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  let base = '';
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', base).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    requests.push(req);
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    route(req, res, base);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hits,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed certificate for "localhost" (made with openssl at test time). */
export function selfSignedCert(dir: string): { key: string; cert: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  return { key: `${dir}/key.pem`, cert: `${dir}/cert.pem` };
}

/** Cuts mono float samples into an HLS playlist + AAC MPEG-TS segments in `dir` (bundled ffmpeg). */
export function encodeHls(samples: Float32Array, rate: number, dir: string, segmentSeconds = 1): void {
  const input = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const r = spawnSync(
    ffmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-f', 'f32le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0', '-c:a', 'aac', '-b:a', '64k', '-f', 'hls', '-hls_time', String(segmentSeconds), '-hls_list_size', '0', '-hls_segment_filename', `${dir}/seg%03d.ts`, `${dir}/index.m3u8`],
    { input },
  );
  if (r.status !== 0) throw new Error(`ffmpeg hls encode failed: ${r.stderr.toString()}`);
}
