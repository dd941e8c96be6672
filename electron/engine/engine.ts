import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import {
  ContractError,
  validateCall,
  type CommandArgs,
  type CommandName,
  type CommandResult,
  type ExportFormat,
  type HistoryFilter,
  type SourceStatus,
  type StatusSnapshot,
} from '../contract';
import { OPERATOR, runCommand, type CallerContext } from './commands/command-table';
import type { EngineOptions } from './engine-options';
import type { EngineEventMap } from './event-sink';
import { silentLogger, type Logger } from './log';
import type { SourcePipeline } from './pipeline/source-pipeline';
import { composeStation, type Station } from './station';

export type { EngineOptions } from './engine-options';

/** How often the engine looks at source health, failover and alert expiry, ms. */
const TICK_MS = 250;

/**
 * The station as a service: the composition root. station.ts builds the rooms (the source
 * registry with a worker per source, the alert desk, program selection, the status view,
 * streams, Icecast, the archive, the terminal); this class starts and stops them and answers
 * contract commands. Electron IPC and the serve-mode WebSocket reach it through
 * transport/bridge.ts.
 */
export class Engine extends EventEmitter<EngineEventMap> {
  private readonly log: Logger;
  private readonly rooms: Station;
  private tickTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly opts: EngineOptions) {
    super();
    this.setMaxListeners(100);
    const log = (this.log = opts.logger ?? silentLogger());
    const host = {
      emit: this.emit.bind(this) as Engine['emit'],
      on: this.on.bind(this) as Engine['on'],
      off: this.off.bind(this) as Engine['off'],
      logEvent: (level: 'info' | 'warn' | 'error', message: string) => {
        log[level](message);
        this.emit('log', { level, message, at: new Date().toISOString() });
      },
      emitSources: () => this.emit('sources.changed', this.rooms.status.sources()),
    };
    this.rooms = composeStation(opts, host, log);
  }

  // The rooms other code reaches directly (transports, the CLI, tests).
  get settings(): Station['settings'] { return this.rooms.settings; }
  get secrets(): Station['secrets'] { return this.rooms.secrets; }
  get problems(): Station['problems'] { return this.rooms.problems; }
  /** The alert desk's room: history database, desk, retention, event log. */
  get alerts(): Station['alerts'] { return this.rooms.alerts; }
  get streams(): Station['streams'] { return this.rooms.streams; }
  get icecast(): Station['icecast'] { return this.rooms.icecast; }
  get terminal(): Station['terminal'] { return this.rooms.terminal; }
  /** The continuous archive: index queries, export, retention (the workers record). */
  get archive(): Station['archive'] { return this.rooms.archive; }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const r = this.rooms;
    const s = r.settings.get();
    for (const src of [...s.sources, ...(this.opts.extraSources ?? [])]) if (src.enabled) r.registry.add(src);
    r.program.setPriorities(r.registry.priorityOrder());
    r.streams.configure(s.streams);
    r.streamCommands.addRunStreams(this.opts.extraStreams ?? []);
    await r.icecast.start();
    r.levels.start();
    r.alerts.start();
    r.archive.start();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.log.info({ sources: r.registry.ids() }, 'engine started');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const r = this.rooms;
    r.levels.stop();
    if (this.tickTimer) clearInterval(this.tickTimer);
    r.health.stop();
    await r.streams.close();
    await r.icecast.stop();
    await r.terminal.stop();
    await r.registry.stopAll();
    r.archive.stop();
    r.alerts.close();
    this.log.info('engine stopped');
  }

  /**
   * Runs one contract command. Throws ContractError only. `caller` says who asks (serve passes
   * the client's address; the default is the desktop app's operator): acknowledgements name it.
   */
  async call<C extends CommandName>(cmd: C, args: CommandArgs<C>, caller?: CallerContext): Promise<CommandResult<C>>;
  async call(cmdIn: unknown, argsIn: unknown, caller?: CallerContext): Promise<unknown>;
  async call(cmdIn: unknown, argsIn: unknown, caller: CallerContext = OPERATOR): Promise<unknown> {
    const { cmd, args } = validateCall(cmdIn, argsIn);
    try {
      return await runCommand(this.rooms.commands, cmd, args, caller);
    } catch (err) {
      if (err instanceof ContractError) throw err;
      this.log.error({ err, cmd }, 'command failed');
      throw new ContractError('internal', `${cmd} failed: ${(err as Error).message}`);
    }
  }

  /** The PCM bus of a source, for streams, recorders and listeners. */
  bus(sourceId: string): SourcePipeline | undefined {
    return this.rooms.registry.get(sourceId);
  }

  /** The audio file of an alert (for serve mode's /api/alerts/<id>/audio and Electron's eas-media:). */
  alertRecordingFile(alertId: string): string | null {
    return this.rooms.desk.recordingFile(alertId);
  }

  /** A filtered history export, streamed (serve's /api/alerts/export.csv, Electron's eas-media:). */
  exportAlerts(filter: HistoryFilter, format: ExportFormat): Readable {
    return this.rooms.alerts.exportAlerts(filter, format);
  }

  sourceStatuses(): SourceStatus[] {
    return this.rooms.status.sources();
  }

  snapshot(): StatusSnapshot {
    return this.rooms.status.snapshot();
  }

  private tick(): void {
    const now = Date.now();
    this.rooms.desk.tick(now);
    if (this.rooms.program.tick(now)) this.emit('sources.changed', this.rooms.status.sources());
  }
}
