import { MIN_WINDOW_MS, throughputEstimate } from './pick-mount';
import { PlaybackWatch } from './playback-watch';

/**
 * A mount through the console's relay: serve's /api/listen, relative to the page like every
 * media URL, or the desktop app's eas-media://listen (main/media-protocol.ts).
 */
export const mountUrl = (streamId: string): string =>
  typeof window !== 'undefined' && window.eas ? `eas-media://listen/${encodeURIComponent(streamId)}` : `api/listen/${encodeURIComponent(streamId)}`;

export interface IcecastPlayerEvents {
  /** Peak of what plays (0..1), a few times a second. */
  level(peak: number): void;
  playing(): void;
  /** The element waits for data after it had played: silent until `playing` again. */
  buffering(): void;
  /** The element ran out of audio after it had started (an underrun): the rendition may not fit the link. */
  stalled(): void;
  /** The mount stopped delivering (network error, Icecast gone, mount ended). */
  failed(reason: string): void;
}

const METER_MS = 200;
/**
 * The Icecast path: the mount through serve's /api/listen/<streamId> relay (same origin, so
 * the CSP's media-src 'self' holds), in an <audio> element that is never put in the page.
 * A Web Audio analyser after it measures what plays for the meter.
 */
export class IcecastPlayer {
  private readonly audio = new Audio();
  private readonly ctx = new AudioContext({ latencyHint: 'interactive' });
  private readonly analyser: AnalyserNode;
  private readonly buf: Float32Array<ArrayBuffer>;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly watch = new PlaybackWatch(performance.now());
  private stopped = false;

  constructor(
    readonly streamId: string,
    private readonly events: IcecastPlayerEvents,
  ) {
    this.audio.preload = 'none';
    // eas-media: is another origin for the desktop page: without CORS mode the analyser would hear silence.
    if (window.eas) this.audio.crossOrigin = 'anonymous';
    this.audio.src = mountUrl(streamId);
    const node = this.ctx.createMediaElementSource(this.audio);
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 2048;
    this.buf = new Float32Array(this.analyser.fftSize);
    node.connect(this.analyser).connect(this.ctx.destination);
    this.audio.addEventListener('playing', () => {
      this.watch.playing(performance.now());
      if (!this.stopped) this.events.playing();
    });
    this.audio.addEventListener('progress', () => this.watch.progress(performance.now()));
    this.audio.addEventListener('waiting', () => {
      if (this.watch.waiting(performance.now()) && !this.stopped) this.events.buffering();
    });
    this.audio.addEventListener('error', () => this.fail('the mount could not be played'));
    this.audio.addEventListener('ended', () => this.fail('the mount ended'));
    this.timer = setInterval(() => this.tick(), METER_MS);
    void this.ctx.resume();
    this.audio.play().catch((err: Error) => this.fail(err.message));
  }

  setGain(gain: number): void {
    this.audio.volume = gain;
  }

  /** Seconds of audio received and not yet played: the element's own buffer. */
  bufferedS(): number {
    const b = this.audio.buffered;
    return b.length ? Math.max(0, b.end(b.length - 1) - this.audio.currentTime) : 0;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.audio.pause();
    // Dropping the src ends the HTTP response, which ends serve's relay and its Icecast client.
    this.audio.removeAttribute('src');
    this.audio.load();
    void this.ctx.close();
  }

  private tick(): void {
    this.analyser.getFloatTimeDomainData(this.buf);
    let peak = 0;
    for (let i = 0; i < this.buf.length; i++) peak = Math.max(peak, Math.abs(this.buf[i]));
    this.events.level(peak);
    const verdict = this.watch.tick(performance.now(), this.audio.currentTime);
    if (verdict?.kind === 'stalled') this.events.stalled();
    else if (verdict?.kind === 'failed') this.fail(verdict.reason);
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stop();
    this.events.failed(reason);
  }
}

const CONNECT_MS = 5000;

export interface ProbeOptions {
  /** Stop once this many bits/s are measured: every rendition fits, more says nothing new. */
  enoughBps: number;
  /** Stop after this long whatever was measured (ms after the response began). */
  maxMs: number;
  signal?: AbortSignal;
}

/**
 * Measures what the link delivers from one mount: reads the relay's response for a moment
 * (Icecast's burst-on-connect, then real time) and estimates bits/s from the chunks'
 * arrival (throughputEstimate). One short extra Icecast client while it runs. Null when the
 * mount gave nothing.
 */
export async function probeThroughput(streamId: string, o: ProbeOptions): Promise<number | null> {
  const ctl = new AbortController();
  const abort = (): void => ctl.abort();
  o.signal?.addEventListener('abort', abort);
  /** The relay connects to Icecast first; then the reading itself is bounded by maxMs. */
  let timer = setTimeout(abort, CONNECT_MS);
  const chunks: Array<{ at: number; total: number }> = [];
  try {
    const res = await fetch(mountUrl(streamId), { signal: ctl.signal, cache: 'no-store' });
    if (!res.ok || !res.body) return null;
    const t0 = performance.now();
    clearTimeout(timer);
    timer = setTimeout(abort, o.maxMs);
    const reader = res.body.getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      const at = performance.now() - t0;
      chunks.push({ at, total });
      if (at >= o.maxMs) break;
      if (at >= MIN_WINDOW_MS && (throughputEstimate(chunks) ?? 0) >= o.enoughBps) break;
    }
    return throughputEstimate(chunks);
  } catch {
    return chunks.length ? throughputEstimate(chunks) : null;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', abort);
    // Ends the relay's response, and with it serve's Icecast client.
    ctl.abort();
  }
}
