import { parseSourceUri, redactUri, type AppInfo, type ArchiveStatus, type SourceConfig, type SourceStatus, type StatusSnapshot, type StreamStatus } from '../../contract';
import type { AlertDesk } from '../alerts/alert-desk';
import type { HealthMonitor } from '../health-monitor';
import type { ProblemBoard } from './problem-board';
import type { SourcePipeline } from '../pipeline/source-pipeline';
import type { SourceRegistry } from '../pipeline/source-registry';
import type { ProgramMonitor } from '../program/program-monitor';
import { idleStreamStatus } from '../streams/idle-status';
import type { StreamManager } from '../streams/stream-manager';

export interface StatusViewOptions {
  app: Pick<AppInfo, 'version' | 'mode' | 'dataDir'>;
  registry: SourceRegistry;
  program: ProgramMonitor;
  streams: StreamManager;
  desk: AlertDesk;
  health: HealthMonitor;
  problems: ProblemBoard;
  /** The continuous archive's state for a source (recording, paused with why). */
  archive?(config: SourceConfig): ArchiveStatus;
  /** Listen URL and playlists of a configured stream (the Icecast service knows which server serves .pls). */
  streamLinks?(config: ReturnType<StreamManager['configs']>[number]): Partial<StreamStatus>;
}

/** The station as the UI and /api/status see it, read from the rooms that keep it. */
export class StatusView {
  private readonly startedAt = new Date();

  constructor(private readonly o: StatusViewOptions) {}

  appInfo(): AppInfo {
    return {
      name: 'EAS Monitor Console',
      version: this.o.app.version,
      mode: this.o.app.mode,
      platform: `${process.platform}-${process.arch}`,
      node: process.version,
      startedAt: this.startedAt.toISOString(),
      dataDir: this.o.app.dataDir,
    };
  }

  sources(): SourceStatus[] {
    return this.o.registry.all().map((p) => this.source(p));
  }

  /** Every configured stream, plus an "unconfigured" row for each source that has none. */
  streams(): StreamStatus[] {
    const byId = new Map(this.o.streams.configs().map((c) => [c.id, c]));
    const configured = this.o.streams.statuses().map((st) => {
      const cfg = byId.get(st.streamId);
      return cfg && this.o.streamLinks ? { ...st, ...this.o.streamLinks(cfg) } : st;
    });
    const withStreams = new Set(configured.map((s) => s.sourceId));
    const missing = this.o.registry.ids().filter((id) => !withStreams.has(id)).map(unconfiguredStream);
    return [...configured, ...missing];
  }

  snapshot(): StatusSnapshot {
    return {
      app: this.appInfo(),
      engine: this.o.health.current(),
      program: this.o.program.program,
      sources: this.sources(),
      streams: this.streams(),
      recentEvents: this.o.desk.recentEvents(50),
      activeAlerts: this.o.desk.active(),
      programChanges: this.o.program.recentChanges(20),
      problems: this.o.problems.list(),
    };
  }

  private source(p: SourcePipeline): SourceStatus {
    const cfg = p.config;
    const state = this.o.program.publicState(p.sourceId, p.state);
    return {
      id: cfg.id,
      name: cfg.name,
      kind: safeKind(cfg.uri),
      uri: redactUri(cfg.uri),
      priority: cfg.priority,
      enabled: cfg.enabled,
      state,
      program: this.o.program.program === cfg.id,
      error: p.error ? `${p.error.message}${p.error.hint ? ` — ${p.error.hint}` : ''}` : null,
      ...levelsAsShown(p, state),
      nowPlaying: p.nowPlaying,
      samples: p.samples,
      ...(this.o.archive ? { archive: archiveAsShown(this.o.archive(cfg), state) } : {}),
    };
  }
}

/**
 * "recording" only while audio arrives: a stalled input keeps its segment open with nothing
 * going into it, and the tile must not say the archive records what is not there.
 */
export function archiveAsShown(a: ArchiveStatus, state: SourceStatus['state']): ArchiveStatus {
  return a.state === 'recording' && state !== 'running' && state !== 'silent' ? { state: 'idle', error: null } : a;
}

/**
 * The last levels and signal only while audio arrives: those of a stalled, failed or restarting
 * input are what it measured before it stopped, and /api/status readers take a level for audio.
 */
export function levelsAsShown(p: Pick<SourcePipeline, 'lastLevels' | 'signalDb'>, state: SourceStatus['state']): Pick<SourceStatus, 'peakDb' | 'rmsDb' | 'signalDb'> {
  if (state !== 'running' && state !== 'silent') return { peakDb: null, rmsDb: null, signalDb: null };
  return { peakDb: p.lastLevels?.peakDb ?? null, rmsDb: p.lastLevels?.rmsDb ?? null, signalDb: p.signalDb };
}

function safeKind(uri: string): string {
  try {
    return parseSourceUri(uri).kind;
  } catch {
    return 'unknown';
  }
}

function unconfiguredStream(sourceId: string): StreamStatus {
  return idleStreamStatus({
    streamId: `${sourceId}:none`,
    sourceId,
    enabled: false,
    state: 'unconfigured',
    format: null,
    mount: null,
    message: 'streaming not configured yet: add an Icecast stream for this source in settings',
  });
}
