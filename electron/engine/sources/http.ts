import type { HttpSpec } from '../../contract';
import { CaptureFailure } from '../../../native/capture/failure';
import { captureHttpStream, type HttpStreamOptions } from '../../../native/http-stream/stream';
import { CaptureError, type CaptureAdapter } from './adapter';

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
        throw toCaptureError(err);
      }
    },
  };
}

function toCaptureError(err: unknown): CaptureError {
  if (err instanceof CaptureError) return err;
  if (err instanceof CaptureFailure) return new CaptureError(err.code, err.message, err.hint, err.retryable);
  const e = err as Error;
  if (e?.name === 'FfmpegMissingError') return new CaptureError('ffmpeg_missing', e.message, 'reinstall the app or set EAS_FFMPEG', false);
  return new CaptureError('stream_failed', `internet stream failed: ${e?.message ?? String(err)}`, 'check the URL opens in a media player; the engine retries');
}
