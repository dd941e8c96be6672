import type { SourceSpec } from '../../contract';

/** Messages between the engine (main thread) and a source worker. Plain data only. */
export type ToWorker =
  /** `dataDir`: where alert recordings go (DATA_DIR/recordings/...); null records nothing. */
  | { type: 'start'; sourceId: string; spec: SourceSpec; batchMs: number; dataDir: string | null }
  /** Whether the main thread wants PCM blocks (streams, recorder); off by default. */
  | { type: 'tap'; pcm: boolean }
  | { type: 'stop' };

/** A decoder event as the worker reports it; `sample` is the bus sample index. */
export type WorkerDecoderEvent =
  | { type: 'header'; sample: number; raw: string; bursts: number }
  | { type: 'eom'; sample: number }
  | { type: 'attention'; phase: 'start' | 'end'; sample: number; kind: string; durationS?: number }
  | { type: 'burst'; sample: number; text: string; bitErrorEstimate: number }
  | { type: 'link'; sample: number; state: string };

export type CaptureState = 'starting' | 'running' | 'retrying' | 'failed' | 'ended' | 'stopped';

export type FromWorker =
  | { type: 'levels'; t: number; peakDb: number; rmsDb: number; peaks: number[]; samples: number; batchSamples: number }
  | {
      type: 'state';
      state: CaptureState;
      error: { code: string; message: string; hint: string } | null;
      retryInMs: number | null;
    }
  | { type: 'nowPlaying'; title: string | null }
  | { type: 'signal'; db: number | null }
  | { type: 'decoder'; event: WorkerDecoderEvent }
  | { type: 'pcm'; startSample: number; block: Int16Array }
  /** An alert recording began or was closed; `startSample` is the bus index of its first sample. */
  | { type: 'recording'; phase: 'start' | 'end'; file: string; startSample: number; durationS: number | null; error: string | null }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
