import { access, constants, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileSpec } from '../../contract';
import { BUS_RATE } from '../../contract/constants';
import { FfmpegExitError, runFfmpegPcm } from '../../../native/ffmpeg-pcm';
import { CaptureError, toCaptureError, type CaptureAdapter } from './adapter';

/**
 * Whether the file can be opened now, as the error the status shows when not. Missing and
 * unreadable are not retryable at once (someone has to put the file back or fix its
 * permissions), so the pipeline retries them slowly rather than never.
 */
async function checkReadable(path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new CaptureError('not_found', `file not found: ${path}`, 'check the path in the source settings', false);
    }
    throw new CaptureError('file_unreadable', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check that this user may read the file', false);
  }
  // A folder passes access(R_OK), and ffmpeg would call it "not audio": say what it is.
  if ((await stat(path)).isDirectory()) {
    throw new CaptureError('file_unreadable', `cannot read ${path}: it is a folder`, 'name an audio file inside it in the source settings', false);
  }
}

/**
 * Names why ffmpeg ended. A killed ffmpeg (OOM killer, an operator) and one that failed after
 * audio flowed (the file replaced or cut while being read) are transient: retried at once
 * with backoff. One that failed before any audio could not decode the file: retried slowly,
 * since only a new file helps.
 */
async function ffmpegFailure(path: string, err: FfmpegExitError, samples: number): Promise<CaptureError> {
  if (err.exitCode === null) {
    return new CaptureError('ffmpeg_died', `the ffmpeg decoding ${path} was killed${err.signal ? ` (${err.signal})` : ''}`, 'it is restarted; if it keeps happening, check memory (dmesg) and what else runs on this machine');
  }
  // The file may have gone while ffmpeg was opening it: say that, not "cannot decode".
  await checkReadable(path);
  return new CaptureError('decode_failed', `cannot decode ${path}: ${err.message}`, 'is it an audio file ffmpeg can read?', samples > 0);
}

/** A file played in real time (ffmpeg -re), once or looped: a stand-in for a live input. */
export function createFileAdapter(spec: FileSpec): CaptureAdapter {
  return {
    async run(ctx) {
      await checkReadable(spec.path);
      ctx.setNowPlaying(basename(spec.path));
      const inputArgs = ['-re', ...(spec.loop ? ['-stream_loop', '-1'] : []), '-i', spec.path];
      let samples = 0;
      try {
        await runFfmpegPcm({
          inputArgs,
          rate: BUS_RATE,
          signal: ctx.signal,
          onBlock: (b) => {
            samples += b.length;
            ctx.emit(b);
          },
          onStart: (pid) => ctx.log('info', `ffmpeg pid ${pid} decoding ${spec.path}${spec.loop ? ' (looped)' : ''}`),
        });
      } catch (err) {
        if (err instanceof FfmpegExitError) throw await ffmpegFailure(spec.path, err, samples);
        throw toCaptureError(err, (message) => new CaptureError('internal', message, 'see the log; the source will be retried'));
      }
    },
  };
}
