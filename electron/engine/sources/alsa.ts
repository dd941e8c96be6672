import type { AlsaSpec } from '../../contract';
import { captureAlsa } from '../../../native/alsa/capture';
import { CaptureFailure } from '../../../native/capture/failure';
import { CaptureError, type CaptureAdapter } from './adapter';

export interface AlsaAdapterOptions {
  /** Environment of arecord/ffmpeg (tests point ALSA_CONFIG_PATH at their own asoundrc). */
  env?: NodeJS.ProcessEnv;
}

/** ALSA capture through arecord (see native/alsa/capture.ts for why not ffmpeg -f alsa). */
export function createAlsaAdapter(spec: AlsaSpec, options: AlsaAdapterOptions = {}): CaptureAdapter {
  return {
    async run(ctx) {
      ctx.setNowPlaying(null);
      ctx.setSignalDb(null);
      ctx.log('info', `capturing ALSA ${spec.device} at ${spec.rate} Hz, ${spec.channels} ch`);
      try {
        await captureAlsa({
          device: spec.device,
          rate: spec.rate,
          channels: spec.channels,
          signal: ctx.signal,
          onBlock: (block) => ctx.emit(block),
          log: (level, message) => ctx.log(level, message),
          env: options.env,
        });
      } catch (err) {
        throw toCaptureError(err);
      }
    },
  };
}

export function toCaptureError(err: unknown): CaptureError {
  if (err instanceof CaptureError) return err;
  if (err instanceof CaptureFailure) return new CaptureError(err.code, err.message, err.hint, err.retryable);
  const e = err as Error;
  if (e?.name === 'FfmpegMissingError') return new CaptureError('ffmpeg_missing', e.message, 'reinstall the app or set EAS_FFMPEG', false);
  return new CaptureError('alsa_failed', `ALSA capture failed: ${e?.message ?? String(err)}`, 'check the device with arecord -L and arecord -D DEVICE -d 2 /tmp/t.wav');
}
