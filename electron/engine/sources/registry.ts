import type { SourceSpec } from '../../contract';
import type { CaptureAdapter } from './adapter';

/**
 * The adapter for a source kind, loaded on demand: each source's worker then holds only its
 * own kind's code (a demo worker never loads the FM DSP or the HTTP client), which keeps
 * per-source memory down.
 */
export async function createAdapter(spec: SourceSpec): Promise<CaptureAdapter> {
  switch (spec.kind) {
    case 'demo':
      return (await import('./demo')).createDemoAdapter(spec);
    case 'file':
      return (await import('./file')).createFileAdapter(spec);
    case 'alsa':
      return (await import('./alsa')).createAlsaAdapter(spec);
    case 'rtlsdr':
    case 'rtltcp':
      return (await import('./rtl')).createRtlAdapter(spec);
    case 'http':
      return (await import('./http')).createHttpAdapter(spec);
  }
}
