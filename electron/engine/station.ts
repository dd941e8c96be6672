import { join } from 'node:path';
import type { Alert, ArchiveStatus } from '../contract';
import { loadTables } from '../../native/tables-loader';
import type { AlertDesk } from './alerts/alert-desk';
import { AlertRoom } from './alerts/alert-room';
import { alertTimesFromHistory } from './archive/alert-times';
import { ArchiveService } from './archive/archive-service';
import { commandTable, type CommandHandlers } from './commands/command-table';
import { StreamCommands } from './commands/stream-commands';
import type { EngineOptions } from './engine-options';
import type { EventEmitter } from 'node:events';
import type { EngineEventMap, LogEvent } from './event-sink';
import { HealthMonitor } from './health-monitor';
import type { IcecastService } from './icecast/icecast-service';
import { LevelBatcher } from './levels/level-batcher';
import type { Logger } from './log';
import { SourceRegistry } from './pipeline/source-registry';
import { wireSources } from './pipeline/source-wiring';
import { ProgramMonitor } from './program/program-monitor';
import { FileSecretStore, type SecretStore } from './secrets';
import { SettingsStore } from './settings-store';
import { ProblemBoard } from './status/problem-board';
import { StatusView } from './status/status-view';
import type { StreamManager } from './streams/stream-manager';
import { announceAlert, createStreaming } from './streams/streaming';
import { TerminalService } from './terminal-service';

/** Every room of the station, built and wired to each other; the Engine starts and stops them. */
export interface Station {
  settings: SettingsStore;
  secrets: SecretStore;
  problems: ProblemBoard;
  alerts: AlertRoom;
  desk: AlertDesk;
  program: ProgramMonitor;
  registry: SourceRegistry;
  status: StatusView;
  levels: LevelBatcher;
  health: HealthMonitor;
  streams: StreamManager;
  streamCommands: StreamCommands;
  icecast: IcecastService;
  terminal: TerminalService;
  archive: ArchiveService;
  commands: CommandHandlers;
}

/** What the rooms need of the engine that holds them: its events and its log. */
export interface StationHost extends Pick<EventEmitter<EngineEventMap>, 'emit' | 'on' | 'off'> {
  logEvent: LogEvent;
  /** Pushes the current source list (sources.changed). */
  emitSources(): void;
}

/**
 * Builds the rooms in dependency order: settings and secrets, then streams and the alert room
 * (which the sources feed), then the registry of source workers and the views over them.
 */
export function composeStation(opts: EngineOptions, host: StationHost, log: Logger): Station {
  const { logEvent } = host;
  const secrets = opts.secrets ?? new FileSecretStore(opts.dataDir);
  const settings = new SettingsStore(opts.settingsFile ?? join(opts.dataDir, 'settings.json'), secrets);
  if (settings.loadProblem) log.error(settings.loadProblem);
  // Source workers (file, HTTP, ALSA conversion) find ffmpeg through the environment they inherit.
  const ffmpeg = settings.get().ffmpegPath;
  if (ffmpeg) process.env.EAS_FFMPEG = ffmpeg;

  const problems = new ProblemBoard();
  problems.onChange((list) => host.emit('problems.changed', { problems: list }));
  const health = new HealthMonitor();
  const program = new ProgramMonitor(settings.get().failover, host, logEvent);
  const { streams, icecast } = createStreaming({ dataDir: opts.dataDir, settings, secrets, log, events: host });
  const onAir = (sourceId: string, alert: Alert | null): void => announceAlert(streams, sourceId, alert);
  const alerts = new AlertRoom({ dataDir: opts.dataDir, tables: loadTables(), log, logEvent, events: host, onAir, settings, problems });
  const desk = alerts.desk;
  const terminal = new TerminalService({
    mode: opts.mode,
    enabled: opts.terminal === true,
    onOutput: (o) => host.emit('terminal.output', o),
    onExit: (e) => host.emit('terminal.exit', e),
  });
  const batchMs = opts.levelBatchMs ?? 33;
  const levels = new LevelBatcher(batchMs, (frames) => host.emit('levels', { frames }));
  const archive = new ArchiveService({
    dataDir: opts.dataDir,
    settings,
    alertTimesFor: alertTimesFromHistory(alerts.history.db),
    logEvent,
    workerOverrides: opts.archiveOverrides,
  });

  const sourcesChanged = (): void => host.emitSources();
  const wired = wireSources({ program, levels, streams, desk, logEvent, sourcesChanged });
  const observer = {
    ...wired,
    archive: (id: string, s: ArchiveStatus) => {
      archive.setStatus(id, s);
      sourcesChanged();
    },
    removing: (id: string) => {
      wired.removing(id);
      archive.forget(id);
      problems.clearScope(id);
    },
  };
  const registry = new SourceRegistry({
    batchMs,
    dataDir: opts.dataDir,
    observer,
    archiveFor: (c) => archive.workerConfig(c),
    singleBurstAlerts: () => settings.get().alerts.singleBurstAlerts,
  });
  const app = { version: opts.version, mode: opts.mode, dataDir: opts.dataDir };
  const status = new StatusView({
    app,
    registry,
    program,
    streams,
    desk,
    health,
    problems,
    streamLinks: (c) => icecast.linksFor(c),
    archive: (c) => archive.status(c),
  });
  streams.on('changed', () => host.emit('streams.changed', status.streams()));
  const streamCommands = new StreamCommands({ settings, secrets, streams, icecast, registry, status });
  const pinned = new Set((opts.extraSources ?? []).map((s) => s.id));
  const settingsTargets = { registry, program, streams, icecast, pinned, sourcesChanged, archive };
  const commands = commandTable({ status, desk, alerts, settings, icecast, terminal, streams: streamCommands, settingsTargets, log, archive });
  return { settings, secrets, problems, alerts, desk, program, registry, status, levels, health, streams, streamCommands, icecast, terminal, archive, commands };
}
