import type { HttpSpec } from '../../contract';
import { CaptureError, type CaptureAdapter } from './adapter';

// Owned by the sources issue (ALSA/HTTP helper).
export function createHttpAdapter(spec: HttpSpec): CaptureAdapter {
  return {
    async run() {
      throw new CaptureError('unsupported', `internet streams (${spec.url}) are not implemented yet`, 'use demo: or file: for now', false);
    },
  };
}
