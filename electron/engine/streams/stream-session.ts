import { EventEmitter } from 'node:events';
import type { StreamConfig, StreamState, StreamStatus } from '../../contract/dto';
import { BUS_RATE } from '../../contract/dto';
import { EncoderError, FfmpegEncoder, type EncoderStats, type FfmpegEncoderOptions } from '../../../native/encoder/ffmpeg-encoder';
import { iceAudioInfo } from '../../../native/encoder/formats';
import { createFramer } from '../../../native/encoder/framer';
import { SkeletonInjector } from '../../../native/encoder/ogg-skeleton';
import { IcecastSourceClient, type SourceClientOptions, type SourceClientStats } from '../../../native/icecast/source-client';
import { updateStreamTitle, type MetadataResult } from '../../../native/icecast/source-metadata';
import { BitrateMeter } from './bitrate-meter';

/** Tuning that tests and the benchmark may change; the defaults are the product's. */
export type ClientTuning = Partial<
  Pick<SourceClientOptions, 'maxQueueMs' | 'resumeBacklogMs' | 'backoff' | 'probeIntervalMs' | 'connectTimeoutMs' | 'responseTimeoutMs' | 'stallTimeoutMs' | 'tlsOptions' | 'random'>
>;

/**
 * A live connection that has carried no audio to Icecast for this long is not "live": the
 * encoder is restarting or stuck, or the server stopped taking data. Well above the gaps of
 * a healthy stream (an Ogg page every 100 ms, an encoder restart in about a second).
 */
export const DELIVERY_STALL_MS = 3000;

export interface StreamSessionOptions {
  config: StreamConfig;
  password: string;
  /** ffmpeg override (a setting); default the bundled one. */
  ffmpeg?: string | null;
  /** Fallback title when the source has no now-playing (default: the stream's name). */
  fallbackTitle?: string | null;
  client?: ClientTuning;
  /** After this long without PCM, silence is fed so the server does not drop the mount. Default 750 ms. */
  keepAliveMs?: number;
  /**
   * Vorbis only: put an Ogg Skeleton in front of each chain so Icecast 2.4 passes our 100 ms
   * pages through instead of rebuilding them into 0.5 s pages (listener latency ~0.2 s
   * instead of ~0.6 s). Off by default: titles then travel in new chains, and decoders built
   * on older FFmpeg (Chromium's among them) stop at a chain that carries a Skeleton.
   */
  vorbisSkeleton?: boolean;
  /** See DELIVERY_STALL_MS. */
  deliveryStallMs?: number;
  /** Encoder supervision (restart delays, held PCM, stall limits); defaults are the product's. */
  encoder?: Pick<FfmpegEncoderOptions, 'restartDelay' | 'healthyRunMs' | 'maxPendingSamples' | 'stallMs' | 'startupTimeoutMs'>;
  now?: () => number;
}

export interface StreamSessionDetails {
  /** Bus samples fed to the encoder, and filler silence fed while the source sent nothing. */
  busSamples: number;
  fillerSamples: number;
  /** Discontinuities in the bus sample counter (the source skipped), and samples skipped. */
  busGaps: number;
  busGapSamples: number;
  /** Next bus sample index expected, or null before the first block. */
  nextBusSample: number | null;
  encoder: EncoderStats | null;
  client: SourceClientStats | null;
  title: string | null;
  /** How the title reaches listeners: Icecast's updinfo, or a new Ogg chain (Opus). */
  titleMethod: 'updinfo' | 'ogg-chain';
  lastMetadata: MetadataResult | null;
}

interface SessionEvents {
  /** state, message or error changed (not sent for counters alone). */
  changed: [];
}

/** The last failure shown, and what has to happen after it for it to count as resolved. */
interface ShownError {
  text: string;
  at: number;
  /** A connection failure is over once a connection went live after it; an encoder one once an encoder produced output after it. */
  from: 'client' | 'encoder';
}

/**
 * One stream: PCM from a source bus -> ffmpeg encoder -> frames -> Icecast source client,
 * with stats and the stream title. The encoder runs from start() to stop() regardless of the
 * connection, so reconnects lose no PCM.
 */
export class StreamSession extends EventEmitter<SessionEvents> {
  readonly config: StreamConfig;
  private readonly password: string;
  private readonly ffmpeg: string | null;
  private readonly tuning: ClientTuning;
  private readonly keepAliveMs: number;
  private readonly vorbisSkeleton: boolean;
  private readonly now: () => number;
  private fallbackTitle: string | null;
  private encoder: FfmpegEncoder | null = null;
  private client: IcecastSourceClient | null = null;
  private readonly meter = new BitrateMeter(10);
  private running = false;
  private readonly deliveryStallMs: number;
  private readonly encoderTuning: StreamSessionOptions['encoder'];
  private encoderError: EncoderError | null = null;
  private shownError: ShownError | null = null;
  /** The state the keep-alive tick saw last, and since when the stream is on air (delivering) without a break. */
  private tickState: StreamState = 'off';
  private onAirSince: number | null = null;
  private enabledHint: string | null = null;
  private audience: number | null = null;
  private peakListeners: number | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private lastPcmAt = 0;
  private fillFrom = 0;
  private d = { busSamples: 0, fillerSamples: 0, busGaps: 0, busGapSamples: 0, nextBusSample: null as number | null };
  // title state
  private title: string | null = null;
  private chainTitle: string | null = null;
  private sentTitle: string | null = null;
  private metadataBusy = false;
  private lastMetadata: MetadataResult | null = null;

  constructor(opts: StreamSessionOptions) {
    super();
    this.config = opts.config;
    this.password = opts.password;
    this.ffmpeg = opts.ffmpeg ?? null;
    this.tuning = opts.client ?? {};
    this.keepAliveMs = opts.keepAliveMs ?? 750;
    this.vorbisSkeleton = opts.vorbisSkeleton ?? false;
    this.now = opts.now ?? Date.now;
    this.deliveryStallMs = opts.deliveryStallMs ?? DELIVERY_STALL_MS;
    this.encoderTuning = opts.encoder;
    this.fallbackTitle = opts.fallbackTitle ?? opts.config.name ?? null;
  }

  get isRunning(): boolean {
    return this.running;
  }

  get titleMethod(): 'updinfo' | 'ogg-chain' {
    // Icecast 2.4.4 refuses updinfo for Opus ("Mountpoint will not accept URL updates"): Opus
    // carries its title in the OpusTags of a new Ogg chain. MP3, AAC and plain Vorbis take
    // updinfo (for Vorbis Icecast itself starts a new chain with a rebuilt comment header);
    // with a Skeleton in the stream Icecast ignores updinfo for Vorbis, so a new chain again.
    if (this.config.format === 'opus') return 'ogg-chain';
    if (this.config.format === 'vorbis' && this.vorbisSkeleton) return 'ogg-chain';
    return 'updinfo';
  }

  /** Starts the encoder and the connection. An ffmpeg that cannot be found puts the stream in error. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.encoderError = null;
    this.d = { busSamples: 0, fillerSamples: 0, busGaps: 0, busGapSamples: 0, nextBusSample: null };
    this.meter.reset();
    const c = this.config;
    let encoder: FfmpegEncoder;
    try {
      this.chainTitle = this.title ?? this.fallbackTitle;
      encoder = new FfmpegEncoder({ ...this.encoderTuning, format: c.format, bitrateKbps: c.bitrateKbps, inputRate: BUS_RATE, ffmpeg: this.ffmpeg, title: this.chainTitle, now: this.now });
    } catch (err) {
      this.encoderError = new EncoderError('ffmpeg_missing', (err as Error).message);
      this.showError(this.encoderError.message, 'encoder');
      this.running = false;
      this.emit('changed');
      return;
    }
    this.encoder = encoder;
    const framer = createFramer(encoder.plan.framing);
    const client = new IcecastSourceClient({
      host: c.host,
      port: c.port,
      tls: c.tls ?? false,
      mount: c.mount,
      username: c.username ?? 'source',
      password: this.password,
      contentType: encoder.plan.contentType,
      ogg: encoder.plan.framing === 'ogg',
      bytesPerSecond: (encoder.plan.bitrateKbps * 1000) / 8,
      ice: {
        // Unnamed streams carry the source name, not Icecast's "Unspecified name".
        name: c.name ?? this.fallbackTitle ?? undefined,
        description: c.description,
        genre: c.genre,
        public: c.public ?? false,
        bitrateKbps: encoder.plan.bitrateKbps,
        audioInfo: iceAudioInfo(encoder.plan),
      },
      now: this.now,
      ...this.tuning,
    });
    this.client = client;
    const skeleton = c.format === 'vorbis' && this.vorbisSkeleton ? new SkeletonInjector() : null;
    encoder.on('data', (chunk) => {
      this.meter.add(chunk.length, this.now());
      const units = framer.push(chunk);
      for (const unit of skeleton ? skeleton.process(units) : units) client.push(unit);
    });
    encoder.on('error', (err) => {
      this.encoderError = err;
      this.showError(err.message, 'encoder');
      this.emit('changed');
    });
    // Encoding again (not merely restarted: a broken ffmpeg restarts too, and dies again).
    encoder.on('running', () => {
      if (this.encoderError) {
        this.encoderError = null;
        this.emit('changed');
      }
    });
    client.on('state', (_state, err) => {
      if (err) this.showError(err.message, 'client');
      this.emit('changed');
    });
    client.on('live', () => {
      // The server forgot the title with the old connection (MP3/AAC), or took it from the
      // comment header we resent (Vorbis): set it again.
      this.sentTitle = null;
      this.pushTitle();
    });
    encoder.start();
    client.start();
    this.lastPcmAt = this.now();
    this.fillFrom = this.lastPcmAt;
    this.keepAlive = setInterval(() => {
      this.fillSilence();
      // A stall is a change of state that no event announces: the audio just stops arriving.
      const state = this.refresh().state;
      if (state !== this.tickState) {
        this.tickState = state;
        this.emit('changed');
      }
    }, 100);
    this.emit('changed');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.onAirSince = null;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    const encoder = this.encoder;
    const client = this.client;
    this.encoder = null;
    this.client = null;
    await Promise.all([encoder?.stop(true), client?.stop()]);
    this.emit('changed');
  }

  /** One block from the source's bus. Never blocks. */
  feed(block: Int16Array, startSample: number): void {
    const enc = this.encoder;
    if (!enc) return;
    const expected = this.d.nextBusSample;
    if (expected !== null && startSample !== expected) {
      this.d.busGaps++;
      if (startSample > expected) this.d.busGapSamples += startSample - expected;
    }
    this.d.nextBusSample = startSample + block.length;
    this.d.busSamples += block.length;
    this.lastPcmAt = this.now();
    this.fillFrom = this.lastPcmAt;
    enc.write(block);
  }

  /**
   * The source sent nothing for keepAliveMs (stalled, or a file between loops): feed silence
   * at the real-time rate so listeners stay connected and Icecast keeps the mount.
   */
  private fillSilence(): void {
    const enc = this.encoder;
    if (!enc) return;
    const now = this.now();
    if (now - this.lastPcmAt < this.keepAliveMs) return;
    const owed = Math.floor(((now - this.fillFrom) * BUS_RATE) / 1000);
    if (owed <= 0) return;
    const block = new Int16Array(Math.min(owed, BUS_RATE));
    this.fillFrom += (block.length * 1000) / BUS_RATE;
    this.d.fillerSamples += block.length;
    enc.write(block);
  }

  private showError(text: string, from: ShownError['from']): void {
    this.shownError = { text, at: this.now(), from };
  }

  /** The title listeners should see now (alert, now-playing or fallback); null = the fallback. */
  setTitle(title: string | null): void {
    this.title = title;
    this.pushTitle();
  }

  setFallbackTitle(title: string | null): void {
    this.fallbackTitle = title;
    this.pushTitle();
  }

  setListeners(listeners: number | null, peak: number | null): void {
    this.audience = listeners;
    this.peakListeners = peak ?? (listeners === null ? null : Math.max(this.peakListeners ?? 0, listeners));
  }

  private pushTitle(): void {
    const want = this.title ?? this.fallbackTitle;
    if (!this.running || !this.encoder || want === null) return;
    if (this.titleMethod === 'ogg-chain') {
      if (want !== this.chainTitle) {
        this.chainTitle = want;
        this.encoder.rechain(want);
      }
      return;
    }
    if (!this.client || this.client.state !== 'live' || this.metadataBusy || want === this.sentTitle) return;
    this.metadataBusy = true;
    const c = this.config;
    void updateStreamTitle({ host: c.host, port: c.port, tls: c.tls, mount: c.mount, username: c.username, password: this.password, tlsOptions: this.tuning.tlsOptions }, want).then((res) => {
      this.metadataBusy = false;
      this.lastMetadata = res;
      if (res.ok || res.unsupported) this.sentTitle = want;
      else if (this.running) setTimeout(() => this.pushTitle(), 2000).unref();
      // A newer title may have arrived while this one was in flight.
      if (res.ok && (this.title ?? this.fallbackTitle) !== want) this.pushTitle();
    });
  }

  /** What the stream is doing now, with the user's message; keeps the on-air and error bookkeeping. */
  private refresh(): { state: StreamState; message: string | null } {
    const now = this.now();
    const cs = this.client?.stats() ?? null;
    const enc = this.encoder?.stats ?? null;
    let state: StreamState = 'off';
    let message: string | null = null;
    if (this.encoderError && (this.encoderError.code === 'ffmpeg_missing' || this.encoderError.code === 'ffmpeg_broken')) {
      state = 'error';
      message = this.encoderError.message;
    } else if (this.running && cs) {
      if (cs.state === 'live') {
        // Live means audio reaches the server now, not that a connection is open.
        const since = Math.max(cs.liveSince ?? now, cs.deliveredAt ?? 0);
        if (cs.deliveredAt !== null && now - cs.deliveredAt <= this.deliveryStallMs) {
          state = 'live';
          message = this.encoderError?.message ?? this.encoder?.plan.note ?? null;
        } else if (now - since <= this.deliveryStallMs) {
          state = 'connecting';
          message = this.encoderError?.message ?? null;
        } else {
          state = 'retrying';
          const quiet = Math.round((now - since) / 1000);
          const encoderQuiet = enc !== null && (enc.lastOutputAt === null || now - enc.lastOutputAt > this.deliveryStallMs);
          message = encoderQuiet
            ? `No audio has reached Icecast for ${quiet} s: ${this.encoderError?.message ?? `the ${this.config.format} encoder produces nothing`}.`
            : `No audio has reached Icecast for ${quiet} s: the server takes no data (the connection is dropped and remade after ${Math.round((this.tuning.stallTimeoutMs ?? 10_000) / 1000)} s).`;
        }
      } else if (cs.state === 'retrying' || cs.state === 'error') {
        state = cs.state;
        const wait = cs.nextAttemptAt !== null ? Math.max(0, Math.ceil((cs.nextAttemptAt - now) / 1000)) : null;
        message = `${cs.lastError?.message ?? 'connection failed'}${wait !== null ? ` Next attempt in ${wait} s (failure ${cs.failures}, backoff ${Math.round((cs.backoffMs ?? 0) / 100) / 10} s).` : ''}`;
      } else {
        state = 'connecting';
        message = this.encoderError?.message ?? null;
      }
    } else if (!this.running) {
      message = this.enabledHint;
    }
    if (state === 'live') {
      this.onAirSince ??= now;
      const e = this.shownError;
      // A failure that is over does not stay on screen as the stream's "last error".
      if (e && (e.from === 'client' ? (cs?.liveSince ?? -Infinity) >= e.at : (enc?.outputSince ?? -Infinity) >= e.at)) this.shownError = null;
    } else {
      this.onAirSince = null;
    }
    return { state, message };
  }

  status(enabled: boolean): StreamStatus {
    const c = this.config;
    const now = this.now();
    const cs = this.client?.stats() ?? null;
    this.enabledHint = enabled ? 'waiting for the source to start' : null;
    const { state, message } = this.refresh();
    const live = state === 'live';
    return {
      streamId: c.id,
      sourceId: c.sourceId,
      enabled,
      state,
      format: c.format,
      mount: c.mount,
      message,
      uptimeS: this.onAirSince !== null ? Math.max(0, (now - this.onAirSince) / 1000) : 0,
      bytesSent: cs?.bytesSent ?? 0,
      bitrateKbps: this.running ? roundTo(this.meter.kbps(now), 1) : null,
      reconnects: cs?.reconnects ?? 0,
      droppedBytes: cs?.droppedBytes ?? 0,
      droppedPcmMs: Math.round(((this.encoder?.stats.samplesLost ?? 0) * 1000) / BUS_RATE),
      lastError: this.shownError?.text ?? null,
      // Counts from before an outage are not today's audience: unknown until live again.
      listeners: live ? this.audience : null,
      peakListeners: live ? this.peakListeners : null,
    };
  }

  details(): StreamSessionDetails {
    return {
      ...this.d,
      encoder: this.encoder?.stats ?? null,
      client: this.client?.stats() ?? null,
      title: this.title ?? this.fallbackTitle,
      titleMethod: this.titleMethod,
      lastMetadata: this.lastMetadata,
    };
  }
}

function roundTo(v: number | null, digits: number): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
