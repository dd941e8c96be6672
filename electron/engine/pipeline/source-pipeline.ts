import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { parseSourceUri, type SourceConfig } from '../../contract';
import type { PcmBus, PcmListener } from '../bus';
import { Backoff } from './backoff';
import type { CaptureState, FromWorker, ToWorker, WorkerDecoderEvent } from './messages';
import { workerEntry } from './worker-url';

export interface PipelineLevels {
  t: number;
  peakDb: number;
  rmsDb: number;
  peaks: number[];
  batchSamples: number;
}

export interface PipelineEvents {
  levels: [PipelineLevels];
  state: [CaptureState, { code: string; message: string; hint: string } | null];
  decoder: [WorkerDecoderEvent];
  nowPlaying: [string | null];
  signal: [number | null];
  log: ['info' | 'warn' | 'error', string];
  /** An alert recording began or ended (the worker writes it; only the path crosses). */
  recording: [PipelineRecording];
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
  private restartTimer: NodeJS.Timeout | null = null;
  /** Samples delivered before the current worker started, so bus sample indices never repeat. */
  private sampleBase = 0;
  private workerSamples = 0;
  state: CaptureState = 'stopped';
  error: { code: string; message: string; hint: string } | null = null;
  lastLevels: PipelineLevels | null = null;
  lastBlockAt = 0;
  nowPlaying: string | null = null;
  signalDb: number | null = null;

  constructor(
    public config: SourceConfig,
    private readonly batchMs = 33,
    /** Where the worker writes alert recordings; null: no recordings. */
    private readonly dataDir: string | null = null,
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
      // A worker must never die silently: report it and bring the source back.
      this.setState('retrying', { code: 'worker_exit', message: `source worker exited (code ${code})`, hint: 'restarting it' });
      const wait = this.crashBackoff.next();
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopped) this.spawn();
      }, wait);
    });
    const spec = parseSourceUri(this.config.uri);
    this.post({ type: 'start', sourceId: this.sourceId, spec, batchMs: this.batchMs, dataDir: this.dataDir });
    if (this.pcmListeners.size > 0) this.post({ type: 'tap', pcm: true });
  }

  private post(msg: ToWorker): void {
    this.worker?.postMessage(msg);
  }

  private setState(state: CaptureState, error: SourcePipeline['error']): void {
    this.state = state;
    this.error = error;
    this.emit('state', state, error);
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'levels':
        this.workerSamples = msg.samples;
        this.lastBlockAt = Date.now();
        this.lastLevels = { t: msg.t, peakDb: msg.peakDb, rmsDb: msg.rmsDb, peaks: msg.peaks, batchSamples: msg.batchSamples };
        this.emit('levels', this.lastLevels);
        break;
      case 'state':
        if (msg.state === 'running') this.crashBackoff.reset();
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
      case 'recording':
        this.emit('recording', {
          phase: msg.phase,
          file: msg.file,
          startSample: msg.startSample + this.sampleBase,
          durationS: msg.durationS,
          error: msg.error,
        });
        break;
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
    if (!worker) return;
    this.post({ type: 'stop' });
    // Give the adapter a moment to close its device or child process, then terminate.
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 1500).unref());
    await Promise.race([exited.then(() => 'exited'), timeout.then(() => 'timeout')]);
    this.worker = null;
    await worker.terminate();
    this.setState('stopped', null);
  }
}
