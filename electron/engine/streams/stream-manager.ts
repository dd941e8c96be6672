import { EventEmitter } from 'node:events';
import type { StreamConfig, StreamStatus } from '../../contract/dto';
import type { PcmBus } from '../bus';
import { streamPasswordKey, type SecretStore } from '../secrets';
import { StreamSession, type ClientTuning, type StreamSessionDetails, type StreamSessionOptions } from './stream-session';
import { effectiveTitle } from './stream-title';
import { idleStreamStatus } from './idle-status';

export interface StreamManagerOptions {
  /** Where stream passwords live (key streamPasswordKey(streamId)). */
  secrets: SecretStore;
  /** ffmpeg override (a setting); default the bundled one. */
  ffmpeg?: string | null;
  /** Connection tuning for every session (tests, benchmark). */
  client?: ClientTuning;
  keepAliveMs?: number;
  /** See StreamSessionOptions.vorbisSkeleton (default false). */
  vorbisSkeleton?: boolean;
  /** Counter-only changes (bytes, bitrate, uptime) are announced at most this often. Default 1000. */
  statsIntervalMs?: number;
  /** Encoder supervision for every session (tests); see StreamSessionOptions.encoder. */
  encoder?: StreamSessionOptions['encoder'];
  /** See DELIVERY_STALL_MS. */
  deliveryStallMs?: number;
  /**
   * Listener counts older than this are unknown (null): the stats poller stopped reaching the
   * server. Read at each status, so it can follow the poll interval. Default 15 s.
   */
  listenerMaxAgeMs?: () => number;
  now?: () => number;
}

interface StreamManagerEvents {
  /** Every stream's status, on a state change at once, on counter changes every statsIntervalMs. */
  changed: [StreamStatus[]];
}

interface Entry {
  config: StreamConfig;
  /** Enabled: streams whenever its source runs. */
  enabled: boolean;
  /** A password given for this run only (serve --stream), never stored. */
  oneRunPassword: string | null;
  session: StreamSession | null;
  /** A stop in progress: the next session waits for it, so the mount is free when it connects. */
  stopping: Promise<void> | null;
  listeners: number | null;
  peak: number | null;
  /** When the counts were last reported (null: never, or cleared). */
  listenersAt: number | null;
}

interface SourceEntry {
  bus: PcmBus;
  name: string | null;
  unsubscribe: (() => void) | null;
}

interface AlertEntry {
  text: string;
  timer: NodeJS.Timeout | null;
}

/**
 * All Icecast streams of the station, on the engine's main thread. A stream runs while it is
 * enabled and its source is attached (auto-stream); each has its own encoder and connection.
 * The stream title follows the source: an alert's title while one runs, else the now-playing.
 */
export class StreamManager extends EventEmitter<StreamManagerEvents> {
  private readonly opts: StreamManagerOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly sources = new Map<string, SourceEntry>();
  private readonly nowPlaying = new Map<string, string | null>();
  private readonly alerts = new Map<string, AlertEntry>();
  private statsTimer: NodeJS.Timeout | null = null;
  private emitPending = false;
  private closed = false;

  constructor(opts: StreamManagerOptions) {
    super();
    this.opts = opts;
    this.statsTimer = setInterval(() => {
      if ([...this.entries.values()].some((e) => e.session?.isRunning)) this.announce();
    }, opts.statsIntervalMs ?? 1000);
    this.statsTimer.unref();
  }

  // ---- configuration ----------------------------------------------------------------------

  /**
   * The streams from settings. New ones are added, missing ones stopped and removed, changed
   * ones restarted with the new config. Streams added with addStream() (one run) are kept.
   */
  configure(streams: readonly StreamConfig[]): void {
    const wanted = new Map(streams.map((s) => [s.id, s]));
    for (const [id, e] of this.entries) {
      if (!wanted.has(id) && e.oneRunPassword === null) this.drop(id);
    }
    for (const config of streams) {
      const e = this.entries.get(config.id);
      if (!e) {
        this.entries.set(config.id, { config, enabled: config.enabled, oneRunPassword: null, session: null, stopping: null, listeners: null, peak: null, listenersAt: null });
      } else if (!sameConfig(e.config, config)) {
        void this.stopSession(e);
        e.config = config;
        e.enabled = config.enabled;
      } else {
        e.enabled = config.enabled;
      }
    }
    this.reconcile();
  }

  /** A stream for this run only (serve --stream URL): the password stays in memory. */
  addStream(config: StreamConfig, password: string): void {
    const old = this.entries.get(config.id);
    if (old) this.drop(config.id);
    this.entries.set(config.id, { config, enabled: config.enabled, oneRunPassword: password, session: null, stopping: null, listeners: null, peak: null, listenersAt: null });
    this.reconcile();
  }

  async removeStream(streamId: string): Promise<void> {
    await this.drop(streamId);
    this.announce();
  }

  /** The one-click toggle: an enabled stream runs whenever its source runs. Persisting it is the caller's job. */
  setEnabled(streamId: string, enabled: boolean): void {
    const e = this.entries.get(streamId);
    if (!e) throw new Error(`no stream "${streamId}"`);
    e.enabled = enabled;
    e.config = { ...e.config, enabled };
    this.reconcile();
  }

  start(streamId: string): void {
    this.setEnabled(streamId, true);
  }

  stop(streamId: string): void {
    this.setEnabled(streamId, false);
  }

  // ---- sources ----------------------------------------------------------------------------

  /** The source runs: its enabled streams start. `name` is the fallback stream title. */
  attachSource(bus: PcmBus, info: { name?: string | null } = {}): void {
    const old = this.sources.get(bus.sourceId);
    if (old?.bus === bus) return;
    if (old) this.detachSource(bus.sourceId);
    this.sources.set(bus.sourceId, { bus, name: info.name ?? null, unsubscribe: null });
    this.reconcile();
  }

  /** The source stopped: its streams stop (and start again when it is attached again). */
  detachSource(sourceId: string): void {
    const s = this.sources.get(sourceId);
    if (!s) return;
    s.unsubscribe?.();
    this.sources.delete(sourceId);
    this.reconcile();
  }

  // ---- titles -----------------------------------------------------------------------------

  setNowPlaying(sourceId: string, title: string | null): void {
    this.nowPlaying.set(sourceId, title && title.trim() ? title.trim() : null);
    this.retitle(sourceId);
  }

  /**
   * An alert's title on every stream of the source ("EAS: Tornado Warning - ... until 14:49",
   * see alertStreamTitle); null at EOM. With expiresAt the title reverts by itself then.
   */
  setAlert(sourceId: string, text: string | null, opts: { expiresAt?: Date | string | number | null } = {}): void {
    const old = this.alerts.get(sourceId);
    if (old?.timer) clearTimeout(old.timer);
    this.alerts.delete(sourceId);
    if (text !== null) {
      const entry: AlertEntry = { text, timer: null };
      if (opts.expiresAt !== undefined && opts.expiresAt !== null) {
        const ms = new Date(opts.expiresAt).getTime() - Date.now();
        if (Number.isFinite(ms)) {
          if (ms <= 0) {
            this.retitle(sourceId);
            return;
          }
          entry.timer = setTimeout(() => {
            if (this.alerts.get(sourceId) === entry) this.setAlert(sourceId, null);
          }, Math.min(ms, 2 ** 31 - 1));
          entry.timer.unref();
        }
      }
      this.alerts.set(sourceId, entry);
    }
    this.retitle(sourceId);
  }

  /** The title the source's streams show now. */
  titleFor(sourceId: string): string | null {
    return effectiveTitle(this.alerts.get(sourceId)?.text ?? null, this.nowPlaying.get(sourceId) ?? null, null);
  }

  // ---- listeners (from the Icecast stats poller) ---------------------------------------------

  setListeners(streamId: string, listeners: number | null, peak: number | null = null): void {
    const e = this.entries.get(streamId);
    if (!e) return;
    e.listeners = listeners;
    e.peak = peak ?? (listeners === null ? e.peak : Math.max(e.peak ?? 0, listeners));
    e.listenersAt = listeners === null ? null : this.now();
    e.session?.setListeners(e.listeners, e.peak);
  }

  /** The stats poller lost the server: no stream's counts are known any more. */
  clearListeners(): void {
    let changed = false;
    for (const e of this.entries.values()) {
      if (e.listeners === null && e.peak === null) continue;
      e.listeners = e.peak = e.listenersAt = null;
      e.session?.setListeners(null, null);
      changed = true;
    }
    if (changed) this.announceSoon();
  }

  /** Sets the counts of every stream on this mount (of this server when given). */
  setMountListeners(mount: string, listeners: number | null, peak: number | null = null, server?: { host: string; port: number }): void {
    for (const [id, e] of this.entries) {
      if (e.config.mount !== mount) continue;
      if (server && (e.config.host !== server.host || e.config.port !== server.port)) continue;
      this.setListeners(id, listeners, peak);
    }
  }

  // ---- status -----------------------------------------------------------------------------

  statuses(): StreamStatus[] {
    return [...this.entries.values()].map((e) => this.statusOf(e));
  }

  status(streamId: string): StreamStatus | null {
    const e = this.entries.get(streamId);
    return e ? this.statusOf(e) : null;
  }

  /** Counters beyond the contract (bus sample accounting, backoff, encoder), for tests and diagnostics. */
  details(streamId: string): StreamSessionDetails | null {
    return this.entries.get(streamId)?.session?.details() ?? null;
  }

  configs(): StreamConfig[] {
    return [...this.entries.values()].map((e) => e.config);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    for (const a of this.alerts.values()) if (a.timer) clearTimeout(a.timer);
    this.alerts.clear();
    for (const s of this.sources.values()) s.unsubscribe?.();
    await Promise.all([...this.entries.values()].map((e) => this.stopSession(e)));
  }

  // ---- internals --------------------------------------------------------------------------

  /**
   * The stored source password another of our streams uses on the same server, user and
   * transport: a rendition added to a source in one step needs no password typed again. A
   * one-run password (serve --stream) is never offered, since the caller stores what it gets,
   * and a password used over TLS is never offered to a plain-HTTP stream.
   */
  sharedPassword(c: Pick<StreamConfig, 'id' | 'host' | 'port' | 'username' | 'tls'>): string | null {
    for (const e of this.entries.values()) {
      const o = e.config;
      if (o.id === c.id || o.host !== c.host || o.port !== c.port || (o.username ?? 'source') !== (c.username ?? 'source')) continue;
      if ((o.tls ?? false) !== (c.tls ?? false) || e.oneRunPassword !== null) continue;
      const pw = this.opts.secrets.get(streamPasswordKey(o.id));
      if (pw !== null) return pw;
    }
    return null;
  }

  private password(e: Entry): string | null {
    return e.oneRunPassword ?? this.opts.secrets.get(streamPasswordKey(e.config.id));
  }

  private get now(): () => number {
    return this.opts.now ?? Date.now;
  }

  private statusOf(e: Entry): StreamStatus {
    // The configured bitrate is known before the first measurement: a player choosing a rendition needs it at once.
    const relays = this.relays.get(e.config.id) ?? 0;
    return { ...this.currentStatus(e), configuredKbps: e.config.bitrateKbps, consoleListeners: relays };
  }

  private readonly relays = new Map<string, number>();

  /**
   * The console's own player relays a mount (serve's /api/listen, Electron's eas-media://listen):
   * Icecast counts that connection as a listener, so the tile says how many of the count are
   * ours rather than passing the console off as audience. Returns the release for its end.
   */
  relayOpened(streamId: string): () => void {
    this.relays.set(streamId, (this.relays.get(streamId) ?? 0) + 1);
    this.announceSoon();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.relays.get(streamId) ?? 1) - 1;
      if (n > 0) this.relays.set(streamId, n);
      else this.relays.delete(streamId);
      this.announceSoon();
    };
  }

  private currentStatus(e: Entry): StreamStatus {
    if (e.listenersAt !== null && this.now() - e.listenersAt > (this.opts.listenerMaxAgeMs?.() ?? DEFAULT_LISTENER_MAX_AGE_MS)) {
      // Nobody has told us the counts for a while: whatever they were is not known now.
      e.listeners = e.peak = e.listenersAt = null;
      e.session?.setListeners(null, null);
    }
    if (e.session) return e.session.status(e.enabled);
    const base = idleStreamStatus({
      streamId: e.config.id,
      sourceId: e.config.sourceId,
      enabled: e.enabled,
      state: 'off',
      format: e.config.format,
      mount: e.config.mount,
      message: null,
    });
    if (!e.enabled) return base;
    if (this.password(e) === null) {
      return { ...base, state: 'error', message: 'No source password stored for this stream: enter it in the stream settings.' };
    }
    return { ...base, message: this.sources.has(e.config.sourceId) ? null : 'waiting for the source to start' };
  }

  /** Starts and stops sessions so that exactly the enabled streams of running sources run. */
  private reconcile(): void {
    if (this.closed) return;
    for (const e of this.entries.values()) {
      const source = this.sources.get(e.config.sourceId);
      const password = this.password(e);
      const want = e.enabled && source !== undefined && password !== null;
      if (want && !e.session && !e.stopping) {
        const session = new StreamSession({
          config: e.config,
          password: password!,
          ffmpeg: this.opts.ffmpeg,
          fallbackTitle: e.config.name ?? source!.name,
          client: this.opts.client,
          keepAliveMs: this.opts.keepAliveMs,
          vorbisSkeleton: this.opts.vorbisSkeleton,
          encoder: this.opts.encoder,
          deliveryStallMs: this.opts.deliveryStallMs,
          now: this.opts.now,
        });
        e.session = session;
        session.setListeners(e.listeners, e.peak);
        session.setTitle(this.titleFor(e.config.sourceId));
        session.on('changed', () => this.announceSoon());
        session.start();
      } else if (!want && e.session) {
        void this.stopSession(e);
      }
    }
    // A source's PCM is tapped only while one of its streams runs (idle taps cost the worker).
    for (const [sourceId, s] of this.sources) {
      const needed = [...this.entries.values()].some((e) => e.session && e.config.sourceId === sourceId);
      if (needed && !s.unsubscribe) {
        s.unsubscribe = s.bus.onPcm((block, startSample) => {
          for (const e of this.entries.values()) if (e.session && e.config.sourceId === sourceId) e.session.feed(block, startSample);
        });
      } else if (!needed && s.unsubscribe) {
        s.unsubscribe();
        s.unsubscribe = null;
      }
    }
    this.announceSoon();
  }

  private stopSession(e: Entry): Promise<void> {
    const s = e.session;
    if (!s) return e.stopping ?? Promise.resolve();
    e.session = null;
    const stopping = s.stop().finally(() => {
      if (e.stopping === stopping) e.stopping = null;
      this.reconcile();
    });
    e.stopping = stopping;
    return stopping;
  }

  private async drop(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    await this.stopSession(e);
    this.reconcile();
  }

  private retitle(sourceId: string): void {
    const title = this.titleFor(sourceId);
    for (const e of this.entries.values()) if (e.config.sourceId === sourceId) e.session?.setTitle(title);
  }

  private announceSoon(): void {
    if (this.emitPending) return;
    this.emitPending = true;
    queueMicrotask(() => {
      this.emitPending = false;
      this.announce();
    });
  }

  private announce(): void {
    if (this.listenerCount('changed') > 0) this.emit('changed', this.statuses());
  }
}

const DEFAULT_LISTENER_MAX_AGE_MS = 15_000;

function sameConfig(a: StreamConfig, b: StreamConfig): boolean {
  const strip = (c: StreamConfig): string => JSON.stringify({ ...c, enabled: undefined });
  return strip(a) === strip(b);
}
