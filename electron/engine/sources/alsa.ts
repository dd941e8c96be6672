import type { AlsaSpec } from '../../contract';
import { captureAlsa } from '../../../native/alsa/capture';
import { CaptureError, toCaptureError, type CaptureAdapter } from './adapter';

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
        throw toCaptureError(err, (message) => new CaptureError('alsa_failed', `ALSA capture failed: ${message}`, 'check the device with arecord -L and arecord -D DEVICE -d 2 /tmp/t.wav'));
      }
    },
  };
}
