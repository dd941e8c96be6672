import type { FailoverSettings } from '../../contract/dto';

/**
 * Source health as the failover policy sees it. Pure and clock-free: every call takes the
 * time, so the engine drives it from its own tick (~250 ms) and tests from a fake clock.
 */
export type SourceHealthState = 'starting' | 'running' | 'silent' | 'stalled' | 'failed';

export interface HealthVerdict {
  state: SourceHealthState;
  /** Why, in words a log line or the UI can show: "below -50 dBFS for 12 s". */
  reason: string;
}

export const DEFAULT_FAILOVER_SETTINGS: FailoverSettings = Object.freeze({
  silenceThresholdDb: -50,
  silenceSeconds: 10,
  stallSeconds: 5,
  holdSeconds: 30,
});

/** What is known about one source at a moment; HealthTracker keeps it up to date. */
export interface HealthObservation {
  /** When the pipeline (re)started the capture; stall and silence are counted from here at first. */
  startedAtMs: number;
  /** Arrival time of the newest block carrying samples, or null if none since start. */
  lastBlockAtMs: number | null;
  /** Arrival time of the newest block whose RMS reached the silence threshold. */
  lastAudibleAtMs: number | null;
  /** The pipeline's last error while no audio has flowed since, or null. */
  error: string | null;
}

const fmtS = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export function classifyHealth(obs: HealthObservation, nowMs: number, settings: FailoverSettings): HealthVerdict {
  if (obs.error !== null) return { state: 'failed', reason: obs.error };
  const stallMs = settings.stallSeconds * 1000;
  if (obs.lastBlockAtMs === null) {
    const waited = nowMs - obs.startedAtMs;
    return waited >= stallMs
      ? { state: 'stalled', reason: `no audio for ${fmtS(waited)} since start` }
      : { state: 'starting', reason: 'waiting for the first audio' };
  }
  const sinceBlock = nowMs - obs.lastBlockAtMs;
  if (sinceBlock >= stallMs) return { state: 'stalled', reason: `no samples for ${fmtS(sinceBlock)}` };
  const quietSince = obs.lastAudibleAtMs ?? obs.startedAtMs;
  const quietFor = nowMs - quietSince;
  if (quietFor >= settings.silenceSeconds * 1000) {
    return { state: 'silent', reason: `below ${settings.silenceThresholdDb} dBFS for ${fmtS(quietFor)}` };
  }
  return { state: 'running', reason: 'audio present' };
}

/**
 * Folds a source's level reports (the workers' batched rms dBFS + sample counts) and pipeline
 * errors into a HealthObservation. One per source, on the main thread; no timers.
 */
export class HealthTracker {
  private obs: HealthObservation;

  constructor(startedAtMs: number) {
    this.obs = { startedAtMs, lastBlockAtMs: null, lastAudibleAtMs: null, error: null };
  }

  /** The capture (re)started: stall and silence count afresh; a previous error stays until audio flows. */
  restart(atMs: number): void {
    this.obs = { ...this.obs, startedAtMs: atMs, lastBlockAtMs: null, lastAudibleAtMs: null };
  }

  /** A batch of audio arrived: `samples` new samples whose RMS was `rmsDb` dBFS. */
  level(atMs: number, rmsDb: number, samples: number, settings: FailoverSettings): void {
    if (samples <= 0) return;
    this.obs.lastBlockAtMs = atMs;
    this.obs.error = null;
    if (rmsDb >= settings.silenceThresholdDb) this.obs.lastAudibleAtMs = atMs;
  }

  /** The pipeline reported an error (it will retry; the next audio clears it). */
  fail(_atMs: number, message: string): void {
    this.obs.error = message;
  }

  observation(): Readonly<HealthObservation> {
    return this.obs;
  }

  classify(nowMs: number, settings: FailoverSettings): HealthVerdict {
    return classifyHealth(this.obs, nowMs, settings);
  }
}
