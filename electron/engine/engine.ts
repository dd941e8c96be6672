import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  ContractError,
  redactUri,
  parseSourceUri,
  validateCall,
  type Alert,
  type AppInfo,
  type CommandArgs,
  type CommandName,
  type CommandResult,
  type DecoderEvent,
  type EventName,
  type EventPayload,
  type LevelFrame,
  type ProgramChange,
  type SourceConfig,
  type SourceState,
  type SourceStatus,
  type StatusSnapshot,
  type StreamStatus,
} from '../contract';
import { alertDetail, describeAlert, toAlertDto, type SameTables } from '../core/alerts';
import { loadTables } from '../../native/tables-loader';
import { listAlsaDevices } from '../../native/alsa/devices';
import { AlertStore } from './alerts/alert-store';
import { DecoderLog } from './decoder-log';
import { silentLogger, type Logger } from './log';
import type { CaptureState, WorkerDecoderEvent } from './pipeline/messages';
import { SourcePipeline } from './pipeline/source-pipeline';
import { SettingsStore } from './settings-store';
import { ProgramSelection } from '../core/sources';

export interface EngineOptions {
  dataDir: string;
  /** Settings file; default DATA_DIR/settings.json. */
  settingsFile?: string;
  /** Sources added for this run only (serve --source); never saved. */
  extraSources?: SourceConfig[];
  mode: AppInfo['mode'];
  version: string;
  logger?: Logger;
  /** Level batch period in ms (16-50). */
  levelBatchMs?: number;
}

type EventArgs = { [E in EventName]: [EventPayload<E>] };

/**
 * The station as a service: sources in workers, program selection, decoder events, alerts.
 * Its public surface is `call` (contract commands) and contract events; Electron IPC and the
 * serve-mode WebSocket are thin transports over it.
 */
export class Engine extends EventEmitter<EventArgs> {
  readonly settings: SettingsStore;
  private readonly log: Logger;
  private readonly pipelines = new Map<string, SourcePipeline>();
  private readonly configs = new Map<string, SourceConfig>();
  private readonly decoderLog = new DecoderLog();
  private readonly tables: SameTables;
  readonly alerts: AlertStore;
  private activeCache: Alert[] = [];
  private activeKey = '';
  private lastExpiryCheck = 0;
  private readonly programChanges: ProgramChange[] = [];
  private readonly selection: ProgramSelection;
  private readonly startedAt = new Date();
  private pendingFrames: LevelFrame[] = [];
  private levelTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private eventSeq = 0;
  private running = false;

  constructor(private readonly opts: EngineOptions) {
    super();
    this.setMaxListeners(100);
    this.log = opts.logger ?? silentLogger();
    this.settings = new SettingsStore(opts.settingsFile ?? join(opts.dataDir, 'settings.json'));
    if (this.settings.loadProblem) this.log.error(this.settings.loadProblem);
    this.selection = new ProgramSelection(this.settings.get().failover);
    this.tables = loadTables();
    this.alerts = new AlertStore(join(opts.dataDir, 'history.sqlite'));
    for (const e of this.alerts.recentEvents(200)) this.decoderLog.add(e);
    this.refreshActive(new Date());
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const s = this.settings.get();
    for (const src of [...s.sources, ...(this.opts.extraSources ?? [])]) {
      if (src.enabled) this.addSource(src);
    }
    this.selection.setPriorities(this.priorityOrder());
    const batchMs = this.opts.levelBatchMs ?? 33;
    this.levelTimer = setInterval(() => this.flushLevels(), batchMs);
    this.healthTimer = setInterval(() => this.checkHealth(), 250);
    this.log.info({ sources: [...this.configs.keys()] }, 'engine started');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.levelTimer) clearInterval(this.levelTimer);
    if (this.healthTimer) clearInterval(this.healthTimer);
    await Promise.all([...this.pipelines.values()].map((p) => p.stop()));
    this.pipelines.clear();
    this.alerts.close();
    this.log.info('engine stopped');
  }

  /** The PCM bus of a source, for streams and recorders. */
  bus(sourceId: string): SourcePipeline | undefined {
    return this.pipelines.get(sourceId);
  }

  private addSource(config: SourceConfig): void {
    if (this.pipelines.has(config.id)) {
      throw new ContractError('invalid_settings', `duplicate source id "${config.id}"`, 'sources');
    }
    const p = new SourcePipeline(config, this.opts.levelBatchMs ?? 33);
    this.configs.set(config.id, config);
    this.pipelines.set(config.id, p);
    p.on('levels', (lv) => {
      this.selection.sourceLevels(config.id, Date.now(), lv.rmsDb, lv.batchSamples);
      this.pendingFrames.push({ sourceId: config.id, t: lv.t, peakDb: lv.peakDb, rmsDb: lv.rmsDb, peaks: lv.peaks });
    });
    p.on('state', (state, error) => {
      if (state === 'starting') this.selection.sourceStarted(config.id, Date.now());
      else if (state === 'failed' || state === 'retrying' || state === 'ended') {
        this.selection.sourceFailed(config.id, Date.now(), error?.message ?? state);
      }
      const msg = `${config.id}: ${state}${error ? ` — ${error.message}${error.hint ? ` (${error.hint})` : ''}` : ''}`;
      this.logEvent(state === 'failed' || state === 'retrying' ? 'warn' : 'info', msg);
      this.emitSources();
    });
    p.on('nowPlaying', () => this.emitSources());
    p.on('decoder', (ev) => this.onDecoder(config.id, ev));
    p.on('log', (level, message) => this.logEvent(level, message));
    p.start();
  }

  private logEvent(level: 'info' | 'warn' | 'error', message: string): void {
    this.log[level](message);
    this.emit('log', { level, message, at: new Date().toISOString() });
  }

  private flushLevels(): void {
    if (this.pendingFrames.length === 0) return;
    const frames = this.pendingFrames;
    this.pendingFrames = [];
    this.emit('levels', { frames });
  }

  private onDecoder(sourceId: string, ev: WorkerDecoderEvent): void {
    if (ev.type === 'link') return;
    const base = {
      id: `${Date.now().toString(36)}-${(this.eventSeq++).toString(36)}`,
      sourceId,
      receivedAt: new Date().toISOString(),
      sampleIndex: ev.sample,
    };
    let event: DecoderEvent;
    switch (ev.type) {
      case 'header': {
        const now = new Date();
        const d = describeAlert(ev.raw, now, this.tables);
        if (!d.ok) {
          // The receiver only emits headers the parser accepts; this guards a version skew.
          event = { ...base, kind: 'header', raw: ev.raw, text: `not an alert: ${d.error.message}`, detail: { bursts: ev.bursts } };
          break;
        }
        const alert = toAlertDto(d.alert, { id: base.id, sourceId, now });
        event = { ...base, kind: 'header', raw: ev.raw, text: alert.text, detail: { bursts: ev.bursts, ...alertDetail(d.alert) } };
        this.alerts.addAlert(alert);
        this.refreshActive(now);
        break;
      }
      case 'eom':
        event = { ...base, kind: 'eom', raw: 'NNNN', text: 'End of message' };
        break;
      case 'attention':
        event = {
          ...base,
          kind: 'attention',
          raw: null,
          text:
            ev.phase === 'start'
              ? `Attention signal (${ev.kind}) started`
              : `Attention signal (${ev.kind}) ended after ${(ev.durationS ?? 0).toFixed(1)} s`,
          detail: { phase: ev.phase, tone: ev.kind, durationS: ev.durationS ?? null },
        };
        break;
      case 'burst':
        event = { ...base, kind: 'burst', raw: ev.text, text: null, detail: { bitErrorEstimate: ev.bitErrorEstimate } };
        break;
    }
    this.decoderLog.add(event);
    if (event.kind !== 'burst') this.alerts.addEvent(event);
    this.log.info({ sourceId, kind: event.kind, raw: event.raw }, 'decoder event');
    this.emit('decoder.event', event);
  }

  /** Recomputes the unexpired alerts and tells the UI when the set changed. */
  private refreshActive(now: Date): void {
    const active = this.alerts.active(now);
    const key = active.map((a) => a.id).join(',');
    if (key === this.activeKey) return;
    this.activeKey = key;
    this.activeCache = active;
    this.emit('alerts.changed', { active });
  }

  /** Enabled sources, most preferred first (lower priority number wins; ties keep settings order). */
  private priorityOrder(): string[] {
    return [...this.pipelines.values()]
      .map((p, i) => ({ id: p.sourceId, prio: p.config.priority, i }))
      .sort((a, b) => a.prio - b.prio || a.i - b.i)
      .map((x) => x.id);
  }

  private checkHealth(): void {
    const now = Date.now();
    if (now - this.lastExpiryCheck >= 1000) {
      this.lastExpiryCheck = now;
      this.refreshActive(new Date(now));
    }
    const update = this.selection.update(now);
    for (const t of update.transitions) {
      const pc: ProgramChange = { sourceId: t.to, previous: t.from, reason: t.reason, at: new Date(t.atMs).toISOString() };
      this.programChanges.push(pc);
      if (this.programChanges.length > 100) this.programChanges.shift();
      this.logEvent('info', `program: ${t.from ?? 'none'} -> ${t.to ?? 'none'} (${t.reason})`);
      this.emit('program.changed', pc);
    }
    if (update.transitions.length > 0 || update.healthChanged) this.emitSources();
  }

  private emitSources(): void {
    this.emit('sources.changed', this.sourceStatuses());
  }

  sourceStatuses(): SourceStatus[] {
    return [...this.pipelines.values()].map((p) => {
      const cfg = p.config;
      return {
        id: cfg.id,
        name: cfg.name,
        kind: safeKind(cfg.uri),
        uri: redactUri(cfg.uri),
        priority: cfg.priority,
        enabled: cfg.enabled,
        state: this.publicState(p.sourceId, p.state),
        program: this.selection.program === cfg.id,
        error: p.error ? `${p.error.message}${p.error.hint ? ` — ${p.error.hint}` : ''}` : null,
        peakDb: p.lastLevels?.peakDb ?? null,
        rmsDb: p.lastLevels?.rmsDb ?? null,
        signalDb: p.signalDb,
        nowPlaying: p.nowPlaying,
        samples: p.samples,
      };
    });
  }

  private publicState(id: string, state: CaptureState): SourceState {
    const h = this.selection.healthOf(id)?.state;
    if (state === 'running' && (h === 'silent' || h === 'stalled')) return h;
    switch (state) {
      case 'running':
        return 'running';
      case 'starting':
        return 'starting';
      case 'retrying':
      case 'failed':
        return 'failed';
      case 'ended':
      case 'stopped':
        return 'stopped';
    }
  }

  streamStatuses(): StreamStatus[] {
    return [...this.pipelines.values()].map((p) => unconfiguredStream(p.sourceId));
  }

  activeAlerts(): Alert[] {
    return this.activeCache;
  }

  appInfo(): AppInfo {
    return {
      name: 'EAS Monitor Console',
      version: this.opts.version,
      mode: this.opts.mode,
      platform: `${process.platform}-${process.arch}`,
      node: process.version,
      startedAt: this.startedAt.toISOString(),
      dataDir: this.opts.dataDir,
    };
  }

  snapshot(): StatusSnapshot {
    return {
      app: this.appInfo(),
      program: this.selection.program,
      sources: this.sourceStatuses(),
      streams: this.streamStatuses(),
      recentEvents: this.decoderLog.recent(50),
      activeAlerts: this.activeAlerts(),
      programChanges: this.programChanges.slice(-20),
    };
  }

  /** Runs one contract command. Throws ContractError only. */
  async call<C extends CommandName>(cmd: C, args: CommandArgs<C>): Promise<CommandResult<C>>;
  async call(cmdIn: unknown, argsIn: unknown): Promise<unknown>;
  async call(cmdIn: unknown, argsIn: unknown): Promise<unknown> {
    const { cmd, args } = validateCall(cmdIn, argsIn);
    try {
      return await this.dispatch(cmd, args);
    } catch (err) {
      if (err instanceof ContractError) throw err;
      this.log.error({ err, cmd }, 'command failed');
      throw new ContractError('internal', `${cmd} failed: ${(err as Error).message}`);
    }
  }

  private async dispatch(cmd: CommandName, args: unknown): Promise<unknown> {
    switch (cmd) {
      case 'app.info':
        return this.appInfo();
      case 'status.snapshot':
        return this.snapshot();
      case 'sources.list':
        return this.sourceStatuses();
      case 'devices.alsa':
        try {
          return await listAlsaDevices();
        } catch (err) {
          throw new ContractError('unavailable', (err as Error).message);
        }
      case 'streams.list':
        return this.streamStatuses();
      case 'streams.toggle': {
        const a = args as CommandArgs<'streams.toggle'>;
        if (!this.pipelines.has(a.sourceId)) throw new ContractError('not_found', `no source "${a.sourceId}"`, 'sourceId');
        return this.streamStatuses().filter((s) => s.sourceId === a.sourceId);
      }
      case 'alerts.active':
        return this.activeAlerts();
      case 'alerts.list': {
        const a = args as CommandArgs<'alerts.list'>;
        return this.alerts.list(a.limit ?? 100, a.beforeId);
      }
      case 'decoder.recent': {
        const a = args as CommandArgs<'decoder.recent'>;
        return this.decoderLog.recent(a.limit ?? 100);
      }
      case 'settings.get':
        return this.settings.get();
      case 'settings.update':
        return this.settings.update(args);
    }
  }
}

function safeKind(uri: string): string {
  try {
    return parseSourceUri(uri).kind;
  } catch {
    return 'unknown';
  }
}

function unconfiguredStream(sourceId: string): StreamStatus {
  return {
    streamId: `${sourceId}:none`,
    sourceId,
    enabled: false,
    state: 'unconfigured',
    format: null,
    mount: null,
    message: 'streaming not configured yet: add an Icecast stream for this source in settings',
    uptimeS: 0,
    bytesSent: 0,
    bitrateKbps: null,
    reconnects: 0,
    droppedBytes: 0,
    lastError: null,
    listeners: null,
    peakListeners: null,
  };
}
