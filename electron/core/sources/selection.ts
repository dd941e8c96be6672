import type { FailoverSettings } from '../../contract/dto';
import { FailoverPolicy, type FailoverDecision } from './failover';
import { DEFAULT_FAILOVER_SETTINGS, HealthTracker, type HealthVerdict } from './health';

export interface SelectionUpdate extends FailoverDecision {
  /** Every source's health after this update. */
  health: ReadonlyMap<string, HealthVerdict>;
  /** True when some source's health state changed (the UI's source list needs a refresh). */
  healthChanged: boolean;
}

/**
 * The engine-facing bundle of a HealthTracker per source and the FailoverPolicy: feed it the
 * pipeline's events as they arrive (start, level batches, errors) and call update() on the
 * engine's tick. Pure and timer-free like its parts; all times are the caller's clock (ms).
 */
export class ProgramSelection {
  private settings: FailoverSettings;
  private readonly trackers = new Map<string, HealthTracker>();
  private readonly policy: FailoverPolicy;
  private lastHealth = new Map<string, HealthVerdict>();

  constructor(settings: FailoverSettings = DEFAULT_FAILOVER_SETTINGS, priorities: readonly string[] = []) {
    this.settings = settings;
    this.policy = new FailoverPolicy({ priorities, settings });
  }

  get program(): string | null {
    return this.policy.program;
  }

  /** Source ids, most preferred first; ids not listed are not candidates (disabled or removed). */
  setPriorities(ids: readonly string[]): void {
    this.policy.setPriorities(ids);
    for (const id of [...this.trackers.keys()]) if (!ids.includes(id)) this.trackers.delete(id);
  }

  setSettings(settings: FailoverSettings): void {
    this.settings = settings;
    this.policy.setSettings(settings);
  }

  /** The pipeline (re)started the capture of `id`. */
  sourceStarted(id: string, atMs: number): void {
    const t = this.trackers.get(id);
    if (t) t.restart(atMs);
    else this.trackers.set(id, new HealthTracker(atMs));
  }

  /** A level batch from the worker: `samples` new samples with RMS `rmsDb` dBFS. */
  sourceLevels(id: string, atMs: number, rmsDb: number, samples: number): void {
    this.tracker(id, atMs).level(atMs, rmsDb, samples, this.settings);
  }

  /** The pipeline reported an error (it is retrying) or the input ended. */
  sourceFailed(id: string, atMs: number, message: string): void {
    this.tracker(id, atMs).fail(atMs, message);
  }

  healthOf(id: string): HealthVerdict | undefined {
    return this.lastHealth.get(id);
  }

  update(nowMs: number): SelectionUpdate {
    const health = new Map<string, HealthVerdict>();
    let healthChanged = false;
    for (const [id, t] of this.trackers) {
      const v = t.classify(nowMs, this.settings);
      health.set(id, v);
      if (this.lastHealth.get(id)?.state !== v.state) healthChanged = true;
    }
    if (this.lastHealth.size !== health.size) healthChanged = true;
    this.lastHealth = health;
    return { ...this.policy.update(nowMs, health), health, healthChanged };
  }

  private tracker(id: string, atMs: number): HealthTracker {
    let t = this.trackers.get(id);
    if (!t) {
      t = new HealthTracker(atMs);
      this.trackers.set(id, t);
    }
    return t;
  }
}
