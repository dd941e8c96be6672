import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { parseSourceUri, type ArchiveStatus, type SourceConfig, type SourceSpec } from '../../contract';
import type { WorkerArchiveConfig } from '../archive/archive-recorder';
import type { PcmBus, PcmListener } from '../bus';
import { Backoff } from './backoff';
import { unknownMessage, type CaptureProblem, type CaptureState, type FromWorker, type ToWorker, type WorkerDecoderEvent } from './messages';
import type { RetryTiming } from './retry-policy';
import { workerEntry } from './worker-url';
import { WORKER_STOP_WAIT_MS } from '../../../native/process/supervised-child';

export interface PipelineLevels {
  t: number;
  peakDb: number;
  rmsDb: number;
  peaks: number[];
  batchSamples: number;
}

export interface PipelineEvents {
  levels: [PipelineLevels];
  state: [CaptureState, CaptureProblem | null];
  decoder: [WorkerDecoderEvent];
  nowPlaying: [string | null];
  signal: [number | null];
  log: ['info' | 'warn' | 'error', string];
  /** An alert recording began or ended (the worker writes it; only the path crosses). */
  recording: [PipelineRecording];
  archive: [ArchiveStatus];
}

export interface PipelineRecording {
  phase: 'start' | 'end';
  file: string;
  /** Bus sample index of the file's first sample. */
  startSample: number;
  durationS: number | null;
  error: string | null;
}

/**
 * The engine's handle on one source: owns its worker thread, restarts it if it dies, and
 * offers the source's PCM as a PcmBus. Everything heavy happens in the worker.
 */
export class SourcePipeline extends EventEmitter<PipelineEvents> implements PcmBus {
  readonly sourceId: string;
  private worker: Worker | null = null;
  private stopped = true;
  private readonly pcmListeners = new Set<PcmListener>();
  private readonly crashBackoff = new Backoff(500, 10_000);
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Samples delivered before the current worker started, so bus sample indices never repeat. */
  private sampleBase = 0;
  private workerSamples = 0;
  state: CaptureState = 'stopped';
  error: CaptureProblem | null = null;
  lastLevels: PipelineLevels | null = null;
  nowPlaying: string | null = null;
  signalDb: number | null = null;
  /** How the worker archives this source's bus (set before start; a restarted worker takes it again). */
  archive: WorkerArchiveConfig | null = null;
  /** An alert on one burst alone (settings.alerts.singleBurstAlerts); read when the worker starts. */
  singleBurstAlerts = false;

  constructor(
    public config: SourceConfig,
    private readonly batchMs = 33,
    /** Where the worker writes alert recordings; null: no recordings. */
    private readonly dataDir: string | null = null,
    /** Overrides of the sources' retry timing (tests, the soak). */
    private readonly retry?: Partial<RetryTiming>,
  ) {
    super();
    this.sourceId = config.id;
  }

  /** Name and priority changes apply without a restart; a new URI needs a new pipeline. */
  updateConfig(config: SourceConfig): void {
    if (config.uri !== this.config.uri) throw new Error('updateConfig cannot change the URI');
    this.config = config;
  }

  get samples(): number {
    return this.sampleBase + this.workerSamples;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.spawn();
  }

  private spawn(): void {
    let spec: SourceSpec;
    try {
      spec = parseSourceUri(this.config.uri);
    } catch (err) {
      // Settings are validated before a source starts, so this is a URI from an older version
      // the parser now refuses: the one failure no retry can change.
      this.setState('failed', {
        code: 'bad_config',
        message: `invalid source URI: ${(err as Error).message}`,
        hint: 'correct the URI in the source settings',
        attempt: 1,
        retryInMs: null,
      });
      return;
    }
    const { file, options } = workerEntry('source-worker', './source-worker.ts', import.meta.url);
    const worker = new Worker(file, { ...options, name: `source:${this.sourceId}` });
    this.worker = worker;
    this.sampleBase += this.workerSamples;
    this.workerSamples = 0;
    worker.on('message', (msg: FromWorker) => {
      // A failing consumer (a full disk under the alert store, say) must not take the engine
      // down with it, nor stop this source's other consumers: log it and go on.
      try {
        this.onMessage(msg);
      } catch (err) {
        this.emit('log', 'error', `${this.sourceId}: handling ${msg.type} failed: ${(err as Error).message}`);
      }
    });
    worker.on('error', (err) => {
      this.emit('log', 'error', `${this.sourceId}: worker crashed: ${err.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      if (this.stopped) return;
      // Its archive ended with it: "recording" must not stay on the tile through the backoff.
      if (this.archive) this.emit('archive', { state: 'idle', error: null });
      // A worker must never die silently: report it and bring the source back.
      const wait = this.crashBackoff.next();
      this.crashes++;
      this.setState('retrying', {
        code: 'worker_exit',
        message: `source worker exited (code ${code}) — restarting it in ${Math.round(wait / 100) / 10} s`,
        hint: 'see the log for why',
        attempt: this.crashes,
        retryInMs: wait,
      });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopped) this.spawn();
      }, wait);
    });
    this.post({ type: 'start', sourceId: this.sourceId, spec, batchMs: this.batchMs, dataDir: this.dataDir, retry: this.retry, archive: this.archive, singleBurstAlerts: this.singleBurstAlerts });
    if (this.pcmListeners.size > 0) this.post({ type: 'tap', pcm: true });
  }

  /** Archive settings changed: the running worker takes them without a restart (no decoding gap). */
  setArchive(config: WorkerArchiveConfig | null): void {
    if (JSON.stringify(config) === JSON.stringify(this.archive)) return;
    this.archive = config;
    this.post({ type: 'archive', config });
  }

  private post(msg: ToWorker): void {
    this.worker?.postMessage(msg);
  }

  private setState(state: CaptureState, error: CaptureProblem | null): void {
    this.state = state;
    this.error = error;
    this.emit('state', state, error);
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'levels':
        this.workerSamples = msg.samples;
        this.lastLevels = { t: msg.t, peakDb: msg.peakDb, rmsDb: msg.rmsDb, peaks: msg.peaks, batchSamples: msg.batchSamples };
        this.emit('levels', this.lastLevels);
        break;
      case 'state':
        if (msg.state === 'running') {
          this.crashBackoff.reset();
          this.crashes = 0;
        }
        this.setState(msg.state, msg.error);
        break;
      case 'decoder':
        this.emit('decoder', { ...msg.event, sample: msg.event.sample + this.sampleBase });
        break;
      case 'nowPlaying':
        this.nowPlaying = msg.title;
        this.emit('nowPlaying', msg.title);
        break;
      case 'signal':
        this.signalDb = msg.db;
        this.emit('signal', msg.db);
        break;
      case 'pcm':
        for (const l of this.pcmListeners) l(msg.block, msg.startSample + this.sampleBase);
        break;
      case 'log':
        this.emit('log', msg.level, msg.message);
        break;
      case 'archive':
        this.emit('archive', msg.status);
        break;
      case 'recording':
        this.emit('recording', {
          phase: msg.phase,
          file: msg.file,
          startSample: msg.startSample + this.sampleBase,
          durationS: msg.durationS,
          error: msg.error,
        });
        break;
      default:
        this.emit('log', 'error', `${this.sourceId}: ${unknownMessage(msg)}`);
    }
  }

  onPcm(listener: PcmListener): () => void {
    this.pcmListeners.add(listener);
    if (this.pcmListeners.size === 1) this.post({ type: 'tap', pcm: true });
    return () => {
      this.pcmListeners.delete(listener);
      if (this.pcmListeners.size === 0) this.post({ type: 'tap', pcm: false });
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) {
      if (this.state !== 'stopped') this.setState('stopped', null);
      return;
    }
    this.post({ type: 'stop' });
    // Give the adapter time to close its device or child process, then terminate. The wait is
    // longer than a child's SIGTERM->SIGKILL grace, so a hung driver is killed and reaped first.
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, WORKER_STOP_WAIT_MS).unref());
    await Promise.race([exited.then(() => 'exited'), timeout.then(() => 'timeout')]);
    this.worker = null;
    await worker.terminate();
    this.setState('stopped', null);
  }
}
