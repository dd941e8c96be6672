import type { ArchiveStatus, SourceSpec } from '../../contract';
import type { WorkerArchiveConfig } from '../archive/archive-recorder';
import type { AttentionKind, LinkState } from '../../core/same';
import type { RetryTiming } from './retry-policy';

/** Messages between the engine (main thread) and a source worker. Plain data only. */
export type ToWorker =
  /**
   * `dataDir`: where alert recordings go (DATA_DIR/recordings/...); null records nothing.
   * `retry`: overrides of the retry timing (tests, the soak); the defaults otherwise.
   * `archive`: where and how the bus is archived; absent or null archives nothing.
   */
  | { type: 'start'; sourceId: string; spec: SourceSpec; batchMs: number; dataDir: string | null; retry?: Partial<RetryTiming>; archive?: WorkerArchiveConfig | null; singleBurstAlerts?: boolean }
  /** Whether the main thread wants PCM blocks (streams, recorder); off by default. */
  | { type: 'tap'; pcm: boolean }
  /** New archive settings (or none): applied from the next block, without restarting the source. */
  | { type: 'archive'; config: WorkerArchiveConfig | null }
  | { type: 'stop' };

/** A decoder event as the worker reports it; `sample` is the bus sample index. */
export type WorkerDecoderEvent =
  /** bitConfidence: the receiver's estimate that every header bit is right (0-1). */
  /** note: why the header is unusual ("two of three bursts received"), for the event log. */
  | { type: 'header'; sample: number; raw: string; bursts: number; bitConfidence?: number; note?: string }
  | { type: 'eom'; sample: number }
  | { type: 'attention'; phase: 'start'; sample: number; kind: AttentionKind }
  | { type: 'attention'; phase: 'end'; sample: number; kind: AttentionKind; durationS: number }
  | { type: 'burst'; sample: number; text: string; bitErrorEstimate: number }
  | { type: 'link'; sample: number; state: LinkState };

export type CaptureState = 'starting' | 'running' | 'retrying' | 'failed' | 'ended' | 'stopped';

/** Why a capture is not running, as the worker classified it (a CaptureError's fields). */
export interface CaptureProblem {
  code: string;
  /** What failed, then when it is tried again ("file not found: /x — retrying every 15 s"). */
  message: string;
  hint: string;
  /** Failed tries in a row since audio last flowed (1 for the first failure). */
  attempt: number;
  /** When the next try starts; null when the failure is final (an invalid URI). */
  retryInMs: number | null;
}

export type FromWorker =
  | { type: 'levels'; t: number; peakDb: number; rmsDb: number; peaks: number[]; samples: number; batchSamples: number }
  | { type: 'state'; state: CaptureState; error: CaptureProblem | null }
  | { type: 'nowPlaying'; title: string | null }
  | { type: 'signal'; db: number | null }
  | { type: 'decoder'; event: WorkerDecoderEvent }
  | { type: 'pcm'; startSample: number; block: Int16Array }
  /** An alert recording began or was closed; `startSample` is the bus index of its first sample. */
  | { type: 'recording'; phase: 'start' | 'end'; file: string; startSample: number; durationS: number | null; error: string | null }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** The continuous archive's state changed (recording, idle, paused with a named error). */
  | { type: 'archive'; status: ArchiveStatus };

/**
 * The end of an exhaustive switch over a message union: tsc refuses the call when a variant
 * is not handled; at run time (a stale worker bundle) it names the message for the log.
 */
export function unknownMessage(msg: never): string {
  return `unknown worker message ${JSON.stringify(msg).slice(0, 120)}`;
}
