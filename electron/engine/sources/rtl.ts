import type { RtlSpec } from '../../contract';
import { CaptureError, type CaptureAdapter } from './adapter';

// Owned by the sources issue (RTL-SDR helper).
export function createRtlAdapter(spec: RtlSpec): CaptureAdapter {
  return {
    async run() {
      throw new CaptureError('unsupported', `${spec.kind} capture is not implemented yet`, 'use demo: or file: for now', false);
    },
  };
}
