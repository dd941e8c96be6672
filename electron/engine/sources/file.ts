import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileSpec } from '../../contract';
import { BUS_RATE } from '../../contract/constants';
import { FfmpegMissingError } from '../../../native/ffmpeg-path';
import { FfmpegExitError, runFfmpegPcm } from '../../../native/ffmpeg-pcm';
import { CaptureError, type CaptureAdapter } from './adapter';

/** A file played in real time (ffmpeg -re), once or looped: a stand-in for a live input. */
export function createFileAdapter(spec: FileSpec): CaptureAdapter {
  return {
    async run(ctx) {
      try {
        await access(spec.path);
      } catch {
        throw new CaptureError('not_found', `file not found: ${spec.path}`, 'check the path in the source settings', false);
      }
      ctx.setNowPlaying(basename(spec.path));
      const inputArgs = ['-re', ...(spec.loop ? ['-stream_loop', '-1'] : []), '-i', spec.path];
      try {
        await runFfmpegPcm({ inputArgs, rate: BUS_RATE, signal: ctx.signal, onBlock: (b) => ctx.emit(b) });
      } catch (err) {
        if (err instanceof FfmpegMissingError) throw new CaptureError('ffmpeg_missing', err.message, 'reinstall the app or set EAS_FFMPEG', false);
        if (err instanceof FfmpegExitError) {
          throw new CaptureError('decode_failed', `cannot decode ${spec.path}: ${err.message}`, 'is it an audio file ffmpeg can read?', false);
        }
        throw err;
      }
    },
  };
}
