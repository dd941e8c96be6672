import { sleep } from '../../electron/core/time/sleep';
import { PcmFramer } from '../capture/pcm-framer';
import { FFMPEG_INSTALL_HINT, ffmpegPath } from '../ffmpeg-path';
import { SupervisedChild } from '../process/supervised-child';
import { fromHttpStatus, fromNetworkError, safeUrl, StreamError, where } from './errors';
import { IcyV1Response, openHttp, readText, type Opened } from './http-get';
import { icyTitle, IcyDemuxer } from './icy';
import { classifyByHeaders, isHlsText, mediaType, parseM3u, parsePls, sniffPlaylist } from './playlist';

export const STREAM_BUS_RATE = 22050;

export interface HttpStreamOptions {
  url: string;
  signal: AbortSignal;
  /** Mono blocks at 22050 Hz; the array is reused after the call returns. */
  onBlock(block: Float32Array): void;
  /** ICY StreamTitle changes (null when the station clears it). */
  onTitle(title: string | null): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Until response headers arrive (default 10 s). */
  timeoutMs?: number;
  /** No stream bytes (or, for HLS, no decoded audio) for this long counts as a stall (default 15 s). */
  idleTimeoutMs?: number;
  /** Playlists inside playlists, at most this deep (default 3). */
  maxPlaylistDepth?: number;
  /** Entries of one playlist tried before giving up (default 5). */
  maxPlaylistEntries?: number;
}

type Resolved = { kind: 'body'; opened: Opened } | { kind: 'ffmpeg-url'; url: string; why: 'hls' | 'icy-v1' };

const PLAYLIST_LIMIT = 256 * 1024;

/**
 * Plays an internet stream until the signal aborts (resolves) or the stream fails (rejects
 * with a named StreamError). A stream that ends is a failure too ("stream_dropped"): live
 * radio does not end, so the pipeline reconnects with backoff.
 *
 * Direct streams are fetched here (node:http/https) so ICY metadata can be read and removed;
 * the de-ICY'd bytes go to the bundled ffmpeg's stdin, which decodes any format it knows
 * (MP3, AAC, Ogg Vorbis/Opus, FLAC) to 22050 Hz mono float. HLS, and SHOUTcast v1 servers
 * that answer "ICY 200 OK" (Node's HTTP parser refuses that status line), are handed to
 * ffmpeg by URL instead.
 */
export async function captureHttpStream(options: HttpStreamOptions): Promise<void> {
  if (options.signal.aborted) return;
  const bin = ffmpegPath();
  let resolved: Resolved;
  try {
    resolved = await resolveStream(options.url, 0, options, new Set());
  } catch (err) {
    if (options.signal.aborted) return;
    throw err;
  }
  if (options.signal.aborted) {
    if (resolved.kind === 'body') resolved.opened.req.destroy();
    return;
  }
  if (resolved.kind === 'body') return decodeBody(bin, resolved.opened, options);
  options.log?.('info', `${resolved.why === 'hls' ? 'HLS stream' : 'SHOUTcast v1 server'} ${safeUrl(resolved.url)}: decoding through ffmpeg`);
  return decodeUrl(bin, resolved.url, options);
}

async function resolveStream(url: string, depth: number, options: HttpStreamOptions, seen: Set<string>): Promise<Resolved> {
  const maxDepth = options.maxPlaylistDepth ?? 3;
  if (depth > maxDepth) {
    throw new StreamError('playlist_too_deep', `playlists nest more than ${maxDepth} deep at ${where(url)}`, 'use the stream URL from inside the playlist', false);
  }
  seen.add(url);
  let opened: Opened;
  try {
    opened = await openHttp(url, { signal: options.signal, timeoutMs: options.timeoutMs ?? 10_000, headers: { 'Icy-MetaData': '1' } });
  } catch (err) {
    if (err instanceof IcyV1Response) return { kind: 'ffmpeg-url', url, why: 'icy-v1' };
    throw err;
  }
  const contentType = opened.res.headers['content-type'];
  const byHeaders = classifyByHeaders(contentType, opened.url);
  if (byHeaders === 'audio') return { kind: 'body', opened };
  if (byHeaders === 'hls') {
    opened.req.destroy();
    return { kind: 'ffmpeg-url', url: opened.url, why: 'hls' };
  }
  const text = await readText(opened.res, opened.url, PLAYLIST_LIMIT, options.timeoutMs ?? 10_000);
  const kind = byHeaders ?? sniffPlaylist(text);
  if (!kind) {
    throw new StreamError(
      'not_audio',
      `${where(opened.url)} sent ${mediaType(contentType) || 'an unknown type'}, not audio or a playlist`,
      'the URL is probably a web page; use the stream address itself (often ending in .mp3, .aac, .m3u or .pls; a browser\'s network panel shows it)',
      false,
    );
  }
  if (kind === 'hls' || isHlsText(text)) return { kind: 'ffmpeg-url', url: opened.url, why: 'hls' };
  const entries = (kind === 'pls' ? parsePls(text, opened.url) : parseM3u(text, opened.url)).filter((e) => !seen.has(e));
  if (entries.length === 0) {
    throw new StreamError('playlist_empty', `the playlist at ${where(opened.url)} has no stream address in it`, 'check the playlist URL; the station may have moved its stream', false);
  }
  let last: unknown = null;
  for (const entry of entries.slice(0, options.maxPlaylistEntries ?? 5)) {
    try {
      return await resolveStream(entry, depth + 1, options, seen);
    } catch (err) {
      if (options.signal.aborted) throw err;
      last = err;
      options.log?.('warn', `playlist entry ${safeUrl(entry)} failed: ${(err as Error).message}`);
      if (err instanceof StreamError && err.code === 'playlist_too_deep') throw err;
    }
  }
  throw last;
}

type Outcome = { type: 'aborted' } | { type: 'eof' } | { type: 'neterr'; err: NodeJS.ErrnoException } | { type: 'idle' } | { type: 'ffexit' };

function ffmpegArgs(input: string[]): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input, '-vn', '-ac', '1', '-ar', String(STREAM_BUS_RATE), '-f', 'f32le', 'pipe:1'];
}

async function decodeBody(bin: string, opened: Opened, options: HttpStreamOptions): Promise<void> {
  const { req, res, url } = opened;
  const { signal } = options;
  const metaint = Number(res.headers['icy-metaint'] ?? 0);
  const name = res.headers['icy-name'];
  options.log?.('info', `connected to ${safeUrl(url)} (${mediaType(res.headers['content-type']) || 'no type'}${metaint > 0 ? `, ICY metadata every ${metaint} bytes` : ''}${name ? `, "${String(name)}"` : ''})`);

  const ff = new SupervisedChild(bin, ffmpegArgs(['-i', 'pipe:0']), { name: 'ffmpeg', installHint: FFMPEG_INSTALL_HINT, stdin: 'pipe' });
  const framer = new PcmFramer('f32le', options.onBlock);
  ff.stdout.on('data', (chunk: Buffer) => framer.push(chunk));
  // EPIPE when ffmpeg quits first is swallowed by SupervisedChild: its exit is the report.
  const stdin = ff.stdin;
  let paused = false;
  const toDecoder = (chunk: Uint8Array): void => {
    if (!stdin.write(chunk) && !paused) {
      // Backpressure: stop reading the socket until ffmpeg catches up.
      paused = true;
      res.pause();
      stdin.once('drain', () => {
        paused = false;
        res.resume();
      });
    }
  };
  let lastTitle: string | null | undefined;
  const demux =
    metaint > 0
      ? new IcyDemuxer(metaint, toDecoder, (text) => {
          const title = icyTitle(text);
          if (title !== lastTitle) {
            lastTitle = title;
            options.onTitle(title);
          }
        })
      : null;
  let bytes = 0;
  const started = Date.now();

  let onAbort = (): void => {};
  const outcome = await new Promise<Outcome>((resolve) => {
    onAbort = () => resolve({ type: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (demux) demux.push(chunk);
      else toDecoder(chunk);
    });
    res.once('end', () => resolve({ type: 'eof' }));
    res.once('error', (err: NodeJS.ErrnoException) => resolve({ type: 'neterr', err }));
    res.once('aborted', () => resolve({ type: 'neterr', err: Object.assign(new Error('connection closed mid-stream'), { code: 'ECONNRESET' }) }));
    res.setTimeout(options.idleTimeoutMs ?? 15_000, () => resolve({ type: 'idle' }));
    void ff.exited.then(() => resolve({ type: 'ffexit' }));
  });
  signal.removeEventListener('abort', onAbort);

  if (outcome.type === 'eof' || outcome.type === 'neterr') {
    // Let ffmpeg decode what it already has, so the last seconds before a drop are heard.
    stdin.end();
    const flushed = await Promise.race([ff.exited.then(() => true), sleep(3000, signal).then(() => false)]);
    if (!flushed) await ff.stop();
  } else {
    req.destroy();
    await ff.stop();
  }
  req.destroy();
  if (outcome.type === 'aborted' || signal.aborted) return;

  const secs = Math.round((Date.now() - started) / 1000);
  switch (outcome.type) {
    case 'eof':
      throw new StreamError('stream_dropped', `the server ended the stream from ${where(url)} after ${secs} s (${bytes} bytes)`, 'live streams do not end: the server or its encoder stopped; the engine reconnects');
    case 'neterr':
      throw fromNetworkError(outcome.err, url, true);
    case 'idle':
      throw new StreamError('stream_stalled', `no data from ${where(url)} for ${Math.round((options.idleTimeoutMs ?? 15_000) / 1000)} s`, 'the server or the network stalled; the engine reconnects');
    case 'ffexit': {
      const why = lastLine(ff.stderr) ?? 'exit without a message';
      throw new StreamError('decode_failed', `the stream from ${where(url)} could not be decoded: ${why}`, 'the server sends a format ffmpeg cannot decode or not audio at all; check the URL in a media player', bytes === 0 || framer.samples > 0);
    }
  }
}

async function decodeUrl(bin: string, url: string, options: HttpStreamOptions): Promise<void> {
  const { signal } = options;
  const ff = new SupervisedChild(bin, ffmpegArgs(['-rw_timeout', String((options.idleTimeoutMs ?? 15_000) * 1000), '-i', url]), { name: 'ffmpeg', installHint: FFMPEG_INSTALL_HINT });
  const framer = new PcmFramer('f32le', options.onBlock);
  let idleTimer: NodeJS.Timeout | undefined;
  let onAbort = (): void => {};
  const outcome = await new Promise<Outcome>((resolve) => {
    const arm = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => resolve({ type: 'idle' }), (options.idleTimeoutMs ?? 15_000) + (options.timeoutMs ?? 10_000));
    };
    arm();
    ff.stdout.on('data', (chunk: Buffer) => {
      arm();
      framer.push(chunk);
    });
    onAbort = () => resolve({ type: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    void ff.exited.then(() => resolve({ type: 'ffexit' }));
  });
  clearTimeout(idleTimer);
  signal.removeEventListener('abort', onAbort);
  await ff.stop();
  if (outcome.type === 'aborted' || signal.aborted) return;
  if (outcome.type === 'idle') {
    throw new StreamError('stream_stalled', `no audio from ${where(url)} for ${Math.round((options.idleTimeoutMs ?? 15_000) / 1000)} s`, 'the server or the network stalled; the engine reconnects');
  }
  const exit = await ff.exited;
  if (exit.kind === 'spawn_failed') throw new StreamError('ffmpeg_failed', `ffmpeg could not be started: ${ff.describe(exit)}`, 'reinstall the app or set EAS_FFMPEG', false);
  throw fromFfmpegStderr(ff.stderr, url, framer.samples);
}

/** Names what ffmpeg's own network client reported (HLS and ICY v1 streams). */
export function fromFfmpegStderr(stderr: string, url: string, samples: number): StreamError {
  const status = /Server returned (\d{3})\s*([^\r\n]*)/.exec(stderr) ?? /HTTP error (\d{3})\s*([^\r\n]*)/.exec(stderr);
  if (status) return fromHttpStatus(Number(status[1]), status[2]!.trim(), url);
  const net = (code: string, message: string): StreamError => fromNetworkError(Object.assign(new Error(message), { code }), url, samples > 0);
  if (/Connection refused/i.test(stderr)) return net('ECONNREFUSED', 'connection refused');
  if (/Failed to resolve hostname|Name or service not known|Temporary failure in name resolution|No address associated/i.test(stderr)) return net('ENOTFOUND', 'name not resolved');
  if (/certificate|GnuTLS|TLS|SSL/i.test(stderr)) return net('ERR_TLS_CERT', lastLine(stderr) ?? 'TLS failure');
  if (/Connection timed out|timed out/i.test(stderr)) return net('ETIMEDOUT', 'timed out');
  if (/Invalid data found|could not find codec|Failed to read frame size/i.test(stderr) && samples === 0) {
    return new StreamError('decode_failed', `the stream from ${where(url)} could not be decoded: ${lastLine(stderr)}`, 'the server sends a format ffmpeg cannot decode or not audio at all; check the URL in a media player');
  }
  return new StreamError('stream_dropped', `the stream from ${where(url)} ended${lastLine(stderr) ? `: ${lastLine(stderr)}` : ''}`, 'live streams do not end: the server stopped sending; the engine reconnects');
}

/** The last line of ffmpeg's stderr, with any user:password@ of a URL in it masked. */
function lastLine(text: string): string | null {
  const line = text.trim().split(/\r?\n/).filter(Boolean).at(-1)?.trim();
  return line ? line.replace(/\/\/[^/\s:@]*:[^@\s/]*@/g, '//***@') : null;
}
