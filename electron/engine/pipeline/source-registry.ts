import { ContractError, type ArchiveStatus, type SourceConfig } from '../../contract';
import type { WorkerArchiveConfig } from '../archive/archive-recorder';
import type { CaptureProblem, CaptureState, WorkerDecoderEvent } from './messages';
import { SourcePipeline, type PipelineLevels, type PipelineRecording } from './source-pipeline';

/** What the rest of the engine hears from the running sources, each call naming its source. */
export interface SourceObserver {
  levels(id: string, levels: PipelineLevels): void;
  state(id: string, state: CaptureState, error: CaptureProblem | null): void;
  nowPlaying(id: string, title: string | null): void;
  signal(id: string, db: number | null): void;
  decoder(id: string, event: WorkerDecoderEvent): void;
  recording(id: string, recording: PipelineRecording): void;
  /** The source's archive state changed. */
  archive?(id: string, status: ArchiveStatus): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** A pipeline was started: its bus is ready for streams. */
  added(pipeline: SourcePipeline): void;
  /** A pipeline is about to stop for good. */
  removing(id: string): void;
}

export interface SourceRegistryOptions {
  batchMs: number;
  /** Where the workers write alert recordings. */
  dataDir: string;
  observer: SourceObserver;
  /** How a source is archived; absent or null: not at all. */
  archiveFor?(config: SourceConfig): WorkerArchiveConfig | null;
  /** Whether one clean burst alone makes an alert (a source takes the setting when it starts). */
  singleBurstAlerts?(): boolean;
}

/**
 * The running sources: one pipeline per enabled source, in settings order. Each pipeline's
 * `config` is the source's current configuration; nothing else keeps a copy.
 */
export class SourceRegistry {
  private readonly pipelines = new Map<string, SourcePipeline>();

  constructor(private readonly opts: SourceRegistryOptions) {}

  has(id: string): boolean {
    return this.pipelines.has(id);
  }

  get(id: string): SourcePipeline | undefined {
    return this.pipelines.get(id);
  }

  ids(): string[] {
    return [...this.pipelines.keys()];
  }

  all(): SourcePipeline[] {
    return [...this.pipelines.values()];
  }

  /** Enabled sources, most preferred first (lower priority number wins; ties keep settings order). */
  priorityOrder(): string[] {
    return this.all()
      .map((p, i) => ({ id: p.sourceId, prio: p.config.priority, i }))
      .sort((a, b) => a.prio - b.prio || a.i - b.i)
      .map((x) => x.id);
  }

  add(config: SourceConfig): void {
    if (this.pipelines.has(config.id)) {
      throw new ContractError('invalid_settings', `duplicate source id "${config.id}"`, 'sources');
    }
    const { observer: o, batchMs, dataDir } = this.opts;
    const id = config.id;
    const p = new SourcePipeline(config, batchMs, dataDir);
    p.archive = this.opts.archiveFor?.(config) ?? null;
    p.singleBurstAlerts = this.opts.singleBurstAlerts?.() ?? false;
    this.pipelines.set(id, p);
    p.on('levels', (lv) => o.levels(id, lv));
    p.on('state', (state, error) => o.state(id, state, error));
    p.on('nowPlaying', (title) => o.nowPlaying(id, title));
    p.on('signal', (db) => o.signal(id, db));
    p.on('decoder', (ev) => o.decoder(id, ev));
    p.on('log', (level, message) => o.log(level, message));
    p.on('recording', (r) => o.recording(id, r));
    p.on('archive', (s) => o.archive?.(id, s));
    p.start();
    o.added(p);
  }

  /**
   * Brings the running set in line with `wanted` (the enabled sources of new settings): a
   * source whose URI is unchanged takes its new name and priority without a restart, a changed
   * or removed one is stopped, a new one started. `pinned` sources (this run's --source) stay.
   */
  async reconcile(wanted: readonly SourceConfig[], pinned: ReadonlySet<string>): Promise<void> {
    const byId = new Map(wanted.map((s) => [s.id, s]));
    for (const [id, p] of [...this.pipelines]) {
      if (pinned.has(id)) {
        p.setArchive(this.opts.archiveFor?.(p.config) ?? null);
        continue;
      }
      const next = byId.get(id);
      if (next && next.uri === p.config.uri) {
        p.updateConfig(next);
        p.setArchive(this.opts.archiveFor?.(next) ?? null);
        continue;
      }
      this.opts.observer.removing(id);
      this.pipelines.delete(id);
      await p.stop();
    }
    for (const [id, cfg] of byId) if (!this.pipelines.has(id)) this.add(cfg);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((p) => p.stop()));
    this.pipelines.clear();
  }
}
