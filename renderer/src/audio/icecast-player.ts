export interface IcecastPlayerEvents {
  /** Peak of what plays (0..1), a few times a second. */
  level(peak: number): void;
  playing(): void;
  /** The mount stopped delivering (network error, Icecast gone, mount ended). */
  failed(reason: string): void;
}

const METER_MS = 200;
/** No new audio for this long while playing is a dropped mount, even if the element just waits. */
const STALL_MS = 4000;

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
  private lastTime = 0;
  private lastProgressAt = 0;
  private stopped = false;
  private started = false;

  constructor(
    readonly streamId: string,
    private readonly events: IcecastPlayerEvents,
  ) {
    this.audio.preload = 'none';
    this.audio.src = `api/listen/${encodeURIComponent(streamId)}`;
    const node = this.ctx.createMediaElementSource(this.audio);
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 2048;
    this.buf = new Float32Array(this.analyser.fftSize);
    node.connect(this.analyser).connect(this.ctx.destination);
    this.audio.addEventListener('playing', () => {
      this.started = true;
      this.lastProgressAt = performance.now();
      this.events.playing();
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
    if (!this.started) return;
    const now = performance.now();
    if (this.audio.currentTime !== this.lastTime) {
      this.lastTime = this.audio.currentTime;
      this.lastProgressAt = now;
    } else if (now - this.lastProgressAt > STALL_MS) {
      this.fail('the mount stopped delivering audio');
    }
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stop();
    this.events.failed(reason);
  }
}
