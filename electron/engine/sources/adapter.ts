import type { SourceSpec } from '../../contract';

// The one capture error type lives in native (which throws most of them); adapters and the
// worker use it from here too.
export { CaptureError, toCaptureError } from '../../../native/capture/capture-error';

/**
 * What a capture adapter gets from its pipeline. Adapters run inside the source's worker
 * thread, so they may do blocking-ish work (DSP) but must deliver audio in blocks.
 */
export interface CaptureContext {
  /** Mono float samples in -1..1 at BUS_RATE (22050 Hz). The block may be reused after return. */
  emit(block: Float32Array): void;
  /** "Now playing" text (ICY title, file name) or null. */
  setNowPlaying(title: string | null): void;
  /** RF channel strength in dBFS, or null for audio sources. */
  setSignalDb(db: number | null): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Aborted when the source is stopped; run() must then resolve promptly. */
  signal: AbortSignal;
}

/**
 * A capture adapter runs until its signal aborts. It throws a CaptureError (message says what
 * to do) on failure; the pipeline reports it and retries with backoff. Returning normally
 * means the input ended (a file played once).
 */
export interface CaptureAdapter {
  run(ctx: CaptureContext): Promise<void>;
}

export type AdapterFactory<S extends SourceSpec = SourceSpec> = (spec: S) => CaptureAdapter;
