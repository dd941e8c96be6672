import type { HttpSpec } from '../../contract';
import { captureHttpStream, type HttpStreamOptions } from '../../../native/http-stream/stream';
import { CaptureError, toCaptureError, type CaptureAdapter } from './adapter';

export type HttpAdapterOptions = Pick<HttpStreamOptions, 'timeoutMs' | 'idleTimeoutMs' | 'maxPlaylistDepth'>;

/**
 * Internet streams (HTTP(S) MP3/AAC/Ogg, M3U/PLS playlists, HLS) with ICY "now playing".
 * A stream that ends or drops throws a retryable CaptureError so the pipeline reconnects.
 */
export function createHttpAdapter(spec: HttpSpec, options: HttpAdapterOptions = {}): CaptureAdapter {
  return {
    async run(ctx) {
      ctx.setSignalDb(null);
      try {
        await captureHttpStream({
          ...options,
          url: spec.url,
          signal: ctx.signal,
          onBlock: (block) => ctx.emit(block),
          onTitle: (title) => ctx.setNowPlaying(title),
          log: (level, message) => ctx.log(level, message),
        });
      } catch (err) {
        throw toCaptureError(err, (message) => new CaptureError('stream_failed', `internet stream failed: ${message}`, 'check the URL opens in a media player; the engine retries'));
      }
    },
  };
}
