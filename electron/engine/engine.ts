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
  type Settings,
  type SourceConfig,
  type SourceState,
  type SourceStatus,
  type StatusSnapshot,
  type StreamConfig,
  type StreamStatus,
} from '../contract';
import { alertDetail, describeAlert, toAlertDto, type SameTables } from '../core/alerts';
import { loadTables } from '../../native/tables-loader';
import { listAlsaDevices } from '../../native/alsa/devices';
import { AlertStore } from './alerts/alert-store';
import { IcecastService, ADMIN_PASSWORD_KEY } from './icecast/icecast-service';
import { FileSecretStore, streamPasswordKey, type SecretStore } from './secrets';
import { StreamManager } from './streams/stream-manager';
import { alertStreamTitle } from './streams/stream-title';
import { idleStreamStatus } from './streams/idle-status';
import { DecoderLog } from './decoder-log';
import { HealthMonitor } from './health-monitor';
import { silentLogger, type Logger } from './log';
import type { CaptureState, WorkerDecoderEvent } from './pipeline/messages';
import { SourcePipeline, type PipelineRecording } from './pipeline/source-pipeline';
import { SettingsStore } from './settings-store';
import { ProgramSelection } from '../core/sources';
import { TerminalService } from './terminal-service';

export interface EngineOptions {
  dataDir: string;
  /** Settings file; default DATA_DIR/settings.json. */
  settingsFile?: string;
  /** Sources added for this run only (serve --source); never saved. */
  extraSources?: SourceConfig[];
  mode: AppInfo['mode'];
  version: string;
  logger?: Logger;
  /** Streams added for this run only (serve --stream), with their passwords; never saved. */
  extraStreams?: Array<{ config: StreamConfig; password: string }>;
  /** Where passwords live; default a 0600 file in the data dir (Electron passes safeStorage). */
  secrets?: SecretStore;
  /** Level batch period in ms (16-50). */
  levelBatchMs?: number;
  /** Serve mode: offer the Diagnostics terminal (`serve --terminal`, loopback only). Electron always does. */
  terminal?: boolean;
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
  readonly secrets: SecretStore;
  readonly streams: StreamManager;
  readonly icecast: IcecastService;
  readonly terminal: TerminalService;
  private activeKey = '';
  private lastExpiryCheck = 0;
  private readonly programChanges: ProgramChange[] = [];
  private readonly selection: ProgramSelection;
  private readonly startedAt = new Date();
  private readonly health = new HealthMonitor();
  private pendingFrames: LevelFrame[] = [];
  private levelTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private eventSeq = 0;
  private running = false;
  /** Per source, the recording being written and the alerts it holds. */
  private readonly openRecordings = new Map<string, { file: string; alertIds: string[] }>();

  constructor(private readonly opts: EngineOptions) {
    super();
    this.setMaxListeners(100);
    this.log = opts.logger ?? silentLogger();
    this.settings = new SettingsStore(opts.settingsFile ?? join(opts.dataDir, 'settings.json'));
    if (this.settings.loadProblem) this.log.error(this.settings.loadProblem);
    this.selection = new ProgramSelection(this.settings.get().failover);
    this.tables = loadTables();
    this.alerts = new AlertStore(join(opts.dataDir, 'history.sqlite'));
    this.secrets = opts.secrets ?? new FileSecretStore(opts.dataDir);
    const ffmpeg = this.settings.get().ffmpegPath;
    // Source workers (file, HTTP, ALSA conversion) find ffmpeg through the environment they inherit.
    if (ffmpeg) process.env.EAS_FFMPEG = ffmpeg;
    this.streams = new StreamManager({ secrets: this.secrets, ffmpeg });
    this.streams.on('changed', () => this.emit('streams.changed', this.streamStatuses()));
    this.icecast = new IcecastService({
      dataDir: opts.dataDir,
      secrets: this.secrets,
      settings: () => this.settings.get().icecast,
      log: this.log,
      ourMounts: () => new Set(this.streams.configs().map((c) => `${c.host}:${c.port}${c.mount}`)),
      onStats: (st, server) => {
        for (const m of st.mounts) this.streams.setMountListeners(m.mount, m.listeners, m.peakListeners, server);
      },
    });
    this.icecast.on('changed', (v) => this.emit('icecast.changed', v));
    this.icecast.on('stats', (v) => this.emit('icecast.stats', v));
    for (const e of this.alerts.recentEvents(200)) this.decoderLog.add(e);
    this.refreshActive(new Date());
    this.terminal = new TerminalService({
      mode: opts.mode,
      enabled: opts.terminal === true,
      onOutput: (o) => this.emit('terminal.output', o),
      onExit: (e) => this.emit('terminal.exit', e),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const s = this.settings.get();
    for (const src of [...s.sources, ...(this.opts.extraSources ?? [])]) {
      if (src.enabled) this.addSource(src);
    }
    this.selection.setPriorities(this.priorityOrder());
    this.streams.configure(s.streams);
    for (const { config, password } of this.opts.extraStreams ?? []) {
      if (!this.pipelines.has(config.sourceId)) {
        throw new ContractError('invalid_settings', `--stream follows source "${config.sourceId}", which is not running`, 'streams');
      }
      this.streams.addStream(config, password);
    }
    await this.icecast.start();
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
    this.health.stop();
    await this.streams.close();
    await this.icecast.stop();
    await this.terminal.stop();
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
    const p = new SourcePipeline(config, this.opts.levelBatchMs ?? 33, this.opts.dataDir);
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
    p.on('nowPlaying', (title) => {
      this.streams.setNowPlaying(config.id, title);
      this.emitSources();
    });
    p.on('decoder', (ev) => this.onDecoder(config.id, ev));
    p.on('log', (level, message) => this.logEvent(level, message));
    p.on('recording', (r) => this.onRecording(config.id, r));
    p.start();
    this.streams.attachSource(p, { name: config.name });
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
        const rec = this.openRecordings.get(sourceId);
        if (rec) {
          rec.alertIds.push(alert.id);
          this.alerts.setRecording(alert.id, rec.file, { durationS: null, complete: false });
        }
        this.refreshActive(now);
        this.streams.setAlert(sourceId, alertStreamTitle(alert), { expiresAt: alert.expiresAt });
        break;
      }
      case 'eom':
        event = { ...base, kind: 'eom', raw: 'NNNN', text: 'End of message' };
        this.streams.setAlert(sourceId, null);
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

  /** Brings running sources, failover, streams and Icecast in line with new settings. */
  private async applySettings(before: Settings, after: Settings): Promise<void> {
    const extra = new Set((this.opts.extraSources ?? []).map((s) => s.id));
    const wanted = new Map(after.sources.filter((s) => s.enabled).map((s) => [s.id, s]));
    for (const [id, p] of [...this.pipelines]) {
      if (extra.has(id)) continue;
      const next = wanted.get(id);
      if (next && next.uri === p.config.uri) {
        p.updateConfig(next);
        this.configs.set(id, next);
        continue;
      }
      this.streams.detachSource(id);
      this.pipelines.delete(id);
      this.configs.delete(id);
      await p.stop();
    }
    for (const [id, cfg] of wanted) if (!this.pipelines.has(id)) this.addSource(cfg);
    this.selection.setSettings(after.failover);
    this.selection.setPriorities(this.priorityOrder());
    if (JSON.stringify(before.streams) !== JSON.stringify(after.streams)) this.streams.configure(after.streams);
    if (JSON.stringify(before.icecast) !== JSON.stringify(after.icecast)) await this.icecast.apply();
    this.emitSources();
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

  /** Every configured stream, plus an "unconfigured" row for each source that has none. */
  streamStatuses(): StreamStatus[] {
    const configured = this.streams.statuses();
    const withStreams = new Set(configured.map((s) => s.sourceId));
    const missing = [...this.pipelines.keys()].filter((id) => !withStreams.has(id)).map(unconfiguredStream);
    return [...configured, ...missing];
  }

  /** The one-click toggle: every stream of the source on or off, saved for saved streams. */
  private toggleStreams(sourceId: string, enabled: boolean): StreamStatus[] {
    if (!this.pipelines.has(sourceId)) throw new ContractError('not_found', `no source "${sourceId}"`, 'sourceId');
    const mine = this.streams.configs().filter((c) => c.sourceId === sourceId);
    for (const c of mine) this.streams.setEnabled(c.id, enabled);
    const saved = this.settings.get().streams;
    if (saved.some((c) => c.sourceId === sourceId)) {
      this.settings.update({ streams: saved.map((c) => (c.sourceId === sourceId ? { ...c, enabled } : c)) });
    }
    return this.streamStatuses().filter((s) => s.sourceId === sourceId);
  }

  private configureStream(stream: StreamConfig, password: string | undefined): StreamStatus[] {
    if (!this.configs.has(stream.sourceId) && !this.settings.get().sources.some((s) => s.id === stream.sourceId)) {
      throw new ContractError('invalid_settings', `no source "${stream.sourceId}"`, 'stream.sourceId');
    }
    const key = streamPasswordKey(stream.id);
    const pw = password ?? this.secrets.get(key) ?? this.icecast.managedSourcePassword(stream.host, stream.port);
    if (!pw) {
      throw new ContractError('invalid_settings', `stream "${stream.id}" needs the server's source password`, 'password');
    }
    const others = this.settings.get().streams.filter((c) => c.id !== stream.id);
    this.settings.update({ streams: [...others, stream] });
    this.secrets.set(key, pw);
    this.streams.configure(this.settings.get().streams);
    return this.streamStatuses().filter((s) => s.sourceId === stream.sourceId);
  }

  private async removeStream(streamId: string): Promise<StreamStatus[]> {
    const saved = this.settings.get().streams;
    if (!saved.some((c) => c.id === streamId) && !this.streams.status(streamId)) {
      throw new ContractError('not_found', `no stream "${streamId}"`, 'streamId');
    }
    this.settings.update({ streams: saved.filter((c) => c.id !== streamId) });
    await this.streams.removeStream(streamId);
    this.secrets.delete(streamPasswordKey(streamId));
    return this.streamStatuses();
  }

  private async configureIcecast(args: CommandArgs<'icecast.configure'>): Promise<unknown> {
    const { adminPassword, ...rest } = args;
    if (adminPassword !== undefined) {
      if (adminPassword === '') this.secrets.delete(ADMIN_PASSWORD_KEY);
      else this.secrets.set(ADMIN_PASSWORD_KEY, adminPassword);
    }
    const current = this.settings.get().icecast;
    const next = { ...current, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    try {
      this.settings.update({ icecast: next });
    } catch (err) {
      if (err instanceof ContractError && err.field) throw new ContractError(err.code, err.message, err.field.replace(/^icecast\./, ''));
      throw err;
    }
    await this.icecast.apply();
    return this.icecast.view();
  }

  /** The worker posts a recording's start just before the header that caused it. */
  private onRecording(sourceId: string, r: PipelineRecording): void {
    if (r.phase === 'start') {
      this.openRecordings.set(sourceId, { file: r.file, alertIds: [] });
      return;
    }
    const rec = this.openRecordings.get(sourceId);
    if (rec?.file === r.file) this.openRecordings.delete(sourceId);
    if (r.error) this.logEvent('error', `${sourceId}: ${r.error}`);
    for (const id of rec?.file === r.file ? rec.alertIds : []) {
      this.alerts.setRecording(id, r.file, { durationS: r.durationS, complete: r.error === null });
    }
    // The active alerts carry the recording too: make the next refresh send them again.
    this.activeKey = '';
    this.refreshActive(new Date());
  }

  /** The audio file of an alert (for serve mode's /api/alerts/<id>/audio and Electron's eas-media:). */
  alertRecordingFile(alertId: string): string | null {
    return this.alerts.recordingFile(alertId);
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
      engine: this.health.current(),
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
        return this.toggleStreams(a.sourceId, a.enabled);
      }
      case 'streams.configure': {
        const a = args as CommandArgs<'streams.configure'>;
        return this.configureStream(a.stream as StreamConfig, a.password);
      }
      case 'streams.remove':
        return this.removeStream((args as CommandArgs<'streams.remove'>).streamId);
      case 'icecast.get':
        return this.icecast.view();
      case 'icecast.configure':
        return this.configureIcecast(args as CommandArgs<'icecast.configure'>);
      case 'icecast.test':
        return this.icecast.test();
      case 'icecast.stats':
        return this.icecast.stats();
      case 'icecast.listeners':
        return this.icecast.mountListeners((args as CommandArgs<'icecast.listeners'>).mount);
      case 'icecast.action':
        return this.icecast.action(args as CommandArgs<'icecast.action'>);
      case 'icecast.log':
        return { text: this.icecast.logTail() };
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
      case 'terminal.open':
        return this.terminal.open(args as CommandArgs<'terminal.open'>);
      case 'terminal.input':
        return this.terminal.input(args as CommandArgs<'terminal.input'>);
      case 'terminal.resize':
        return this.terminal.resize(args as CommandArgs<'terminal.resize'>);
      case 'terminal.close':
        return this.terminal.close(args as CommandArgs<'terminal.close'>);
      case 'settings.update': {
        const before = this.settings.get();
        const after = this.settings.update(args);
        await this.applySettings(before, after);
        return after;
      }
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
