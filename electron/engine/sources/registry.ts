import type { SourceSpec } from '../../contract';
import type { CaptureAdapter } from './adapter';
import { createAlsaAdapter } from './alsa';
import { createDemoAdapter } from './demo';
import { createFileAdapter } from './file';
import { createHttpAdapter } from './http';
import { createRtlAdapter } from './rtl';

export function createAdapter(spec: SourceSpec): CaptureAdapter {
  switch (spec.kind) {
    case 'demo':
      return createDemoAdapter(spec);
    case 'file':
      return createFileAdapter(spec);
    case 'alsa':
      return createAlsaAdapter(spec);
    case 'rtlsdr':
    case 'rtltcp':
      return createRtlAdapter(spec);
    case 'http':
      return createHttpAdapter(spec);
  }
}
