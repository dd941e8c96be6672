import { EventEmitter } from 'node:events';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { setOggPageSeq, type EncodedUnit } from '../encoder/framer';
import { classifyHttp, classifySocketError, SourceError, type Where } from './source-errors';
import { unackedBytes } from './tcp-unacked';

export { SourceError, type SourceErrorKind } from './source-errors';

/**
 * An Icecast source connection of our own (HTTP PUT over node:net/node:tls) instead of
 * ffmpeg's icecast:// output, because ffmpeg's cannot send ice-bitrate/ice-audio-info and
 * exits for good on any server loss. Here the encoder keeps running across reconnects, so
 * no PCM is lost, and old encoded data is dropped at frame boundaries when the network stalls.
 *
 * Not node:http: Icecast 2.4.4 accepts `Transfer-Encoding: chunked` on a PUT but does not
 * decode it (the chunk sizes would go to listeners as audio), and node:http always chunks
 * a body of unknown length. So the body is raw bytes until the connection closes.
 */
export interface SourceClientOptions {
  host: string;
  port: number;
  tls?: boolean;
  /** "/live.mp3" */
  mount: string;
  /** Default "source". */
  username?: string;
  password: string;
  contentType: string;
  /** The stream is Ogg: keep its header pages for each new connection. */
  ogg?: boolean;
  ice?: IceHeaders;
  /** Encoded bytes per second (sizes the queue limits). */
  bytesPerSecond: number;
  /** Audio held while the network stalls or the server is away; older is dropped. Default 2000. */
  maxQueueMs?: number;
  /** Audio from before a (re)connection that is still sent on it. Default 500. */
  resumeBacklogMs?: number;
  /** Reconnect backoff, doubled per consecutive failure, jittered ±20 %. Default 1-30 s. */
  backoff?: { minMs?: number; maxMs?: number };
  /** While the server is unreachable: how often a bare TCP connect checks whether it is back. Default 500. */
  probeIntervalMs?: number;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  /** The server took no data for this long: drop the connection and reconnect. Default 10 s. */
  stallTimeoutMs?: number;
  userAgent?: string;
  /** Extra TLS options (a private CA, or rejectUnauthorized: false for a self-signed server). */
  tlsOptions?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized' | 'servername'>;
  /** For tests: the jitter source. */
  random?: () => number;
  /** Clock for the stats' times (liveSince, deliveredAt, ...); default Date.now. */
  now?: () => number;
}

export interface IceHeaders {
  name?: string;
  description?: string;
  genre?: string;
  url?: string;
  /** Listed in public directories (ice-public); default false. */
  public?: boolean;
  bitrateKbps?: number;
  /** "bitrate=128;samplerate=22050;channels=1" */
  audioInfo?: string;
}

export type SourceClientState = 'idle' | 'connecting' | 'live' | 'retrying' | 'error' | 'stopped';

export interface SourceClientStats {
  state: SourceClientState;
  /** Bytes handed to the server over all connections. */
  bytesSent: number;
  /**
   * When audio last got to the server: the server's TCP acknowledged what was sent (Linux, see
   * tcp-unacked.ts), or elsewhere a write completed into the local kernel. Null before the
   * first, and reset with each connection. The one sign that listeners are being fed.
   */
  deliveredAt: number | null;
  /** Encoded audio thrown away (network stall, server away), whole frames/pages only. */
  droppedBytes: number;
  /** Times the stream went live again after having been live. */
  reconnects: number;
  /** Connection attempts that failed in a row (0 while live). */
  failures: number;
  /** Epoch ms the current connection went live, or null. */
  liveSince: number | null;
  /** Epoch ms of the next connection attempt while retrying, or null. */
  nextAttemptAt: number | null;
  /** Delay chosen before that attempt. */
  backoffMs: number | null;
  lastError: SourceError | null;
  queuedBytes: number;
}

interface SourceClientEvents {
  state: [SourceClientState, SourceError | null];
  /** Each time a connection is accepted (first time and every reconnect). */
  live: [];
}

const HEALTHY_LIVE_MS = 5000;

export class IcecastSourceClient extends EventEmitter<SourceClientEvents> {
  private readonly o: Required<Omit<SourceClientOptions, 'ice' | 'tlsOptions' | 'backoff' | 'tls' | 'ogg' | 'username'>> & {
    tls: boolean;
    ogg: boolean;
    username: string;
    minMs: number;
    maxMs: number;
  };
  private readonly ice: IceHeaders;
  private readonly tlsOptions: SourceClientOptions['tlsOptions'];
  private readonly where: Where;
  private st: SourceClientState = 'idle';
  private sock: Socket | null = null;
  private live = false;
  private blocked = false;
  private queue: EncodedUnit[] = [];
  private queuedBytes = 0;
  private chainHeaders: EncodedUnit[] = [];
  private lastWasBos = false;
  private nextSeq = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private probeSock: Socket | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  /** Watches the server's acknowledgements while live; null where they cannot be read. */
  private ackTimer: NodeJS.Timeout | null = null;
  private lastUnacked = 0;
  private lastSent = 0;
  private ackedAt = 0;
  /** The server's acknowledgements kept up at the last look: a completed write counts as delivered. */
  private acksOk = true;
  private everLive = false;
  private outageSince: number | null = null;
  private s = { bytesSent: 0, deliveredAt: null as number | null, droppedBytes: 0, reconnects: 0, failures: 0, liveSince: null as number | null, nextAttemptAt: null as number | null, backoffMs: null as number | null, lastError: null as SourceError | null };

  constructor(opts: SourceClientOptions) {
    super();
    if (!opts.mount.startsWith('/')) throw new Error(`mount must start with "/", got "${opts.mount}"`);
    this.o = {
      host: opts.host,
      port: opts.port,
      tls: opts.tls ?? false,
      mount: opts.mount,
      username: opts.username || 'source',
      password: opts.password,
      contentType: opts.contentType,
      ogg: opts.ogg ?? opts.contentType === 'application/ogg',
      bytesPerSecond: Math.max(1000, opts.bytesPerSecond),
      maxQueueMs: opts.maxQueueMs ?? 2000,
      resumeBacklogMs: opts.resumeBacklogMs ?? 500,
      minMs: opts.backoff?.minMs ?? 1000,
      maxMs: opts.backoff?.maxMs ?? 30_000,
      probeIntervalMs: opts.probeIntervalMs ?? 500,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
      responseTimeoutMs: opts.responseTimeoutMs ?? 5000,
      stallTimeoutMs: opts.stallTimeoutMs ?? 10_000,
      userAgent: opts.userAgent ?? 'eas-console',
      random: opts.random ?? Math.random,
      now: opts.now ?? Date.now,
    };
    this.ice = opts.ice ?? {};
    this.tlsOptions = opts.tlsOptions;
    this.where = { host: opts.host, port: opts.port, mount: opts.mount, tls: this.o.tls };
  }

  get state(): SourceClientState {
    return this.st;
  }

  stats(): SourceClientStats {
    return { state: this.st, ...this.s, failures: this.s.failures, queuedBytes: this.queuedBytes };
  }

  start(): void {
    if (this.st !== 'idle' && this.st !== 'stopped') return;
    this.attempt();
  }

  /** Closes the connection cleanly (the server frees the mount at once). */
  async stop(): Promise<void> {
    this.setState('stopped', null);
    this.clearTimers();
    const sock = this.sock;
    this.sock = null;
    this.live = false;
    this.s.liveSince = null;
    this.queue = [];
    this.queuedBytes = 0;
    if (!sock || sock.destroyed) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        sock.destroy();
        resolve();
      }, 1000);
      sock.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      sock.end();
    });
  }

  /** Takes one whole frame/page from the encoder. Never blocks: queues or drops old audio. */
  push(unit: EncodedUnit): void {
    if (this.st === 'stopped') return;
    if (unit.kind === 'header') {
      // A chain's header group starts with its BOS pages (one per logical stream, e.g.
      // Skeleton + Vorbis), then their other header pages.
      if (unit.bos && !this.lastWasBos) this.chainHeaders = [unit];
      else this.chainHeaders.push(unit);
    }
    this.lastWasBos = unit.bos;
    this.queue.push(unit);
    this.queuedBytes += unit.data.length;
    if (this.live && !this.blocked) this.flush();
    else this.trim(this.o.bytesPerSecond * (this.o.maxQueueMs / 1000));
  }

  // ---- connection -------------------------------------------------------------------------

  private attempt(): void {
    this.clearTimers();
    this.s.nextAttemptAt = null;
    this.setState('connecting', this.s.lastError);
    const { host, port } = this.o;
    let sock: Socket;
    try {
      sock = this.o.tls
        ? tlsConnect({ host, port, servername: isIP(host) ? undefined : host, ...this.tlsOptions })
        : netConnect({ host, port });
    } catch (err) {
      this.failed(classifySocketError(this.where, err as NodeJS.ErrnoException, false));
      return;
    }
    this.sock = sock;
    sock.setNoDelay(true);
    let phase: 'connect' | 'response' | 'rejected' | 'live' | 'done' = 'connect';
    let response = Buffer.alloc(0);
    let respTimer: NodeJS.Timeout | null = null;
    let rejectTimer: NodeJS.Timeout | null = null;
    let rejection = (): SourceError => new SourceError('http', 'rejected', false);
    let tcpUp = false;
    if (this.o.tls) sock.once('connect', () => (tcpUp = true));
    const connectTimer = setTimeout(() => {
      if (tcpUp) {
        // TCP connected but no TLS answer: a plain-HTTP port waits for a request line forever.
        finish(new SourceError('tls', `TLS with ${host}:${port} got no handshake answer within ${this.o.connectTimeoutMs / 1000} s: the port probably does not speak TLS; turn TLS off for this stream or use the server's TLS port.`, false));
        return;
      }
      const e = Object.assign(new Error('connect timeout'), { code: 'CONNECT_TIMEOUT' });
      sock.destroy(e);
    }, this.o.connectTimeoutMs);

    const finish = (err: SourceError): void => {
      if (phase === 'done') return;
      const wasLive = phase === 'live';
      phase = 'done';
      clearTimeout(connectTimer);
      if (respTimer) clearTimeout(respTimer);
      if (rejectTimer) clearTimeout(rejectTimer);
      sock.removeAllListeners('data');
      sock.destroy();
      if (this.sock === sock) this.sock = null;
      if (this.st === 'stopped') return;
      this.onConnectionLost(err, wasLive);
    };

    sock.once(this.o.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(connectTimer);
      if (phase !== 'connect') return;
      phase = 'response';
      sock.write(this.requestHead());
      respTimer = setTimeout(() => {
        finish(new SourceError('not_icecast', `No answer from ${host}:${port} within ${this.o.responseTimeoutMs / 1000} s after the source request: check that this is an Icecast server.`, true));
      }, this.o.responseTimeoutMs);
    });

    sock.on('data', (chunk: Buffer) => {
      if (phase === 'rejected') response = Buffer.concat([response, chunk]);
      if (phase !== 'response') return;
      response = Buffer.concat([response, chunk]);
      for (;;) {
        const end = response.indexOf('\r\n\r\n');
        if (end < 0) {
          if (response.length > 16_384) finish(new SourceError('not_icecast', `${host}:${port} sent an oversized answer: check that this is an Icecast server.`, false));
          return;
        }
        const head = response.subarray(0, end).toString('latin1');
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
        if (!m) {
          finish(new SourceError('not_icecast', `${host}:${port} did not answer in HTTP: check the port (is it Icecast's?) and the TLS setting.`, false));
          return;
        }
        const status = Number(m[1]);
        if (status === 100) {
          response = response.subarray(end + 4);
          continue;
        }
        if (respTimer) clearTimeout(respTimer);
        if (status >= 200 && status < 300) {
          phase = 'live';
          this.onLive(sock);
          return;
        }
        // Icecast sends a one-line reason ("Mountpoint in use") after the headers, then closes.
        const bodyStart = end + 4;
        phase = 'rejected';
        rejectTimer = setTimeout(() => finish(rejection()), 500);
        rejection = () => classifyHttp(this.where, status, response.subarray(bodyStart).toString('utf8'));
        return;
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (phase === 'rejected') return finish(rejection());
      if (err.code === 'STALLED') {
        return finish(new SourceError('stalled', `Icecast at ${host}:${port} took no data for ${this.o.stallTimeoutMs / 1000} s; reconnecting.`, true));
      }
      finish(classifySocketError(this.where, err, phase === 'live'));
    });
    sock.on('close', () => {
      if (phase === 'rejected') finish(rejection());
      else if (phase === 'live') finish(new SourceError('network', `Icecast at ${host}:${port} closed the connection (server stopped, or the source was kicked); reconnecting.`, true));
      else if (phase !== 'done') finish(new SourceError('network', `Icecast at ${host}:${port} closed the connection before answering; retrying.`, true));
    });
  }

  private requestHead(): Buffer {
    const auth = Buffer.from(`${this.o.username}:${this.o.password}`, 'utf8').toString('base64');
    const lines = [
      `PUT ${encodeURI(this.o.mount)} HTTP/1.1`,
      `Host: ${this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host}:${this.o.port}`,
      `Authorization: Basic ${auth}`,
      `User-Agent: ${this.o.userAgent}`,
      `Content-Type: ${this.o.contentType}`,
      `ice-public: ${this.ice.public ? 1 : 0}`,
    ];
    const add = (name: string, v: string | number | undefined): void => {
      if (v !== undefined && v !== '') lines.push(`${name}: ${headerText(String(v))}`);
    };
    add('ice-name', this.ice.name);
    add('ice-description', this.ice.description);
    add('ice-genre', this.ice.genre);
    add('ice-url', this.ice.url);
    add('ice-bitrate', this.ice.bitrateKbps);
    add('ice-audio-info', this.ice.audioInfo);
    // Icecast 2.4.4 reads header bytes as Latin-1 (UTF-8 "ä" shows as "Ã¤"), so send Latin-1.
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  }

  private onLive(sock: Socket): void {
    this.live = true;
    this.blocked = false;
    this.nextSeq.clear();
    if (this.everLive) this.s.reconnects++;
    this.everLive = true;
    this.outageSince = null;
    this.s.liveSince = this.o.now();
    this.s.deliveredAt = null;
    this.s.nextAttemptAt = null;
    this.s.backoffMs = null;
    this.s.failures = 0;
    this.s.lastError = null;
    this.watchAcks(sock);
    sock.on('drain', () => {
      if (this.sock !== sock) return;
      this.blocked = false;
      if (this.stallTimer) clearTimeout(this.stallTimer);
      this.stallTimer = null;
      this.flush();
    });
    this.prepareResume();
    this.setState('live', null);
    this.emit('live');
    this.flush();
  }

  /**
   * A new connection starts clean: the current Ogg chain's header pages, then only the
   * newest audio (a listener would otherwise sit behind the whole outage's backlog).
   */
  private prepareResume(): void {
    const limit = this.o.bytesPerSecond * (this.o.resumeBacklogMs / 1000);
    const serials = new Set(this.chainHeaders.map((u) => u.serial));
    const audio: EncodedUnit[] = [];
    let bytes = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const u = this.queue[i]!;
      if (u.kind !== 'audio') continue;
      if (this.o.ogg && !serials.has(u.serial)) break;
      if (bytes + u.data.length > limit && audio.length > 0) break;
      audio.push(u);
      bytes += u.data.length;
    }
    audio.reverse();
    const kept = new Set(audio);
    for (const u of this.queue) if (u.kind === 'audio' && !kept.has(u)) this.s.droppedBytes += u.data.length;
    this.queue = this.o.ogg ? [...this.chainHeaders, ...audio] : audio;
    this.queuedBytes = this.queue.reduce((n, u) => n + u.data.length, 0);
  }

  private flush(): void {
    const sock = this.sock;
    if (!sock || !this.live) return;
    let i = 0;
    while (i < this.queue.length && !this.blocked) {
      const u = this.queue[i++]!;
      this.queuedBytes -= u.data.length;
      if (this.o.ogg) this.sequence(u);
      this.s.bytesSent += u.data.length;
      if (!sock.write(u.data, this.delivered)) this.blocked = true;
    }
    this.queue = i === this.queue.length ? [] : this.queue.slice(i);
    if (this.blocked && !this.stallTimer) {
      this.stallTimer = setTimeout(() => {
        this.stallTimer = null;
        if (this.sock !== sock || !this.blocked) return;
        const err = Object.assign(new Error('stalled'), { code: 'STALLED' });
        sock.destroy(err);
      }, this.o.stallTimeoutMs);
    }
    if (this.blocked) this.trim(this.o.bytesPerSecond * (this.o.maxQueueMs / 1000));
  }

  /** Keeps page numbers gapless on this connection (pages dropped, or a resume after headers). */
  private sequence(u: EncodedUnit): void {
    const expected = this.nextSeq.get(u.serial);
    if (u.kind === 'header' || expected === undefined) {
      this.nextSeq.set(u.serial, u.pageSeq + 1);
      return;
    }
    if (u.pageSeq !== expected) {
      // Copy: the header pages are kept for later connections and must stay as they are.
      u.data = Buffer.from(u.data);
      setOggPageSeq(u.data, expected);
      u.pageSeq = expected;
    }
    this.nextSeq.set(u.serial, expected + 1);
  }

  /** Drops the oldest audio until the queue fits; header pages of the current chain stay. */
  private trim(limitBytes: number): void {
    if (this.queuedBytes <= limitBytes) return;
    // Header pages older than the newest chain's header group are no use to anyone.
    const newestBos = findLastIndex(this.queue, (u, i) => u.bos && (i === 0 || !this.queue[i - 1]!.bos));
    const keep: EncodedUnit[] = [];
    let excess = this.queuedBytes - limitBytes;
    for (let i = 0; i < this.queue.length; i++) {
      const u = this.queue[i]!;
      const droppable = u.kind === 'audio' || i < newestBos;
      if (excess > 0 && droppable) {
        excess -= u.data.length;
        this.queuedBytes -= u.data.length;
        if (u.kind === 'audio') this.s.droppedBytes += u.data.length;
        continue;
      }
      keep.push(u);
    }
    this.queue = keep;
  }

  private onConnectionLost(err: SourceError, wasLive: boolean): void {
    const liveFor = wasLive && this.s.liveSince !== null ? this.o.now() - this.s.liveSince : 0;
    this.live = false;
    this.blocked = false;
    this.s.liveSince = null;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.ackTimer) clearInterval(this.ackTimer);
    this.stallTimer = this.ackTimer = null;
    if (wasLive && liveFor >= HEALTHY_LIVE_MS) this.s.failures = 0;
    this.outageSince ??= this.o.now();
    this.failed(err);
  }

  private failed(err: SourceError): void {
    this.s.failures++;
    this.s.lastError = err;
    let delay = Math.min(this.o.maxMs, this.o.minMs * 2 ** (this.s.failures - 1));
    delay *= 0.8 + 0.4 * this.o.random();
    // A mount held after our own drop frees itself after the server's source-timeout (5-10 s).
    if (err.kind === 'mount_in_use') delay = Math.min(delay, 4000);
    delay = Math.round(Math.max(this.o.minMs, Math.min(this.o.maxMs, delay)));
    this.s.backoffMs = delay;
    this.s.nextAttemptAt = this.o.now() + delay;
    this.setState(err.transient ? 'retrying' : 'error', err);
    this.timer = setTimeout(() => this.attempt(), delay);
    // Only while the server is down: after a drop from a server that still runs (a kicked
    // source, a flaky link) the backoff alone paces the attempts.
    if (err.kind === 'unreachable') this.probe();
  }

  /**
   * While the server is down, a bare TCP connect every probeIntervalMs notices it coming
   * back, so the stream is on air again within a second instead of at the next backoff step.
   * After two minutes of outage the probe slows to every 1.5 s.
   */
  private probe(): void {
    const since = this.outageSince ?? this.o.now();
    const every = this.o.now() - since > 120_000 ? Math.max(this.o.probeIntervalMs, 1500) : this.o.probeIntervalMs;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      if (this.st !== 'retrying' && this.st !== 'error') return;
      const s = netConnect({ host: this.o.host, port: this.o.port });
      this.probeSock = s;
      const done = (up: boolean): void => {
        clearTimeout(t);
        s.removeAllListeners();
        s.on('error', () => {});
        s.destroy();
        if (this.probeSock !== s) return;
        this.probeSock = null;
        if (this.st !== 'retrying' && this.st !== 'error') return;
        if (up) this.attempt();
        else this.probe();
      };
      const t = setTimeout(() => done(false), Math.min(1000, this.o.connectTimeoutMs));
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
    }, every);
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.ackTimer) clearInterval(this.ackTimer);
    this.timer = this.probeTimer = this.stallTimer = this.ackTimer = null;
    if (this.probeSock) {
      const s = this.probeSock;
      this.probeSock = null;
      s.removeAllListeners();
      s.on('error', () => {});
      s.destroy();
    }
  }

  /** A write completed into the kernel: delivered, where the server's acknowledgements cannot be read. */
  private readonly delivered = (err?: Error | null): void => {
    if (!err && this.live && (this.ackTimer === null || this.acksOk)) this.s.deliveredAt = this.o.now();
  };

  /**
   * Reads the connection's unacknowledged bytes twice a second. Audio gets through when they
   * go down, or when new audio went out and they stay under a second of it (a link's round
   * trip holds far less); then writes count as delivered as they complete, until a look finds
   * over a second of audio unacknowledged and not going down: nothing arrives, however
   * readily the local kernel takes more. Left so for stallTimeoutMs, the connection is dropped
   * and remade, as when writes block. (Nothing sent and nothing unacknowledged is no delivery.)
   */
  private watchAcks(sock: Socket): void {
    const remotePort = this.o.port;
    if (sock.localPort === undefined || unackedBytes(sock.localPort, remotePort, this.o.now()) === null) return;
    const localPort = sock.localPort;
    this.lastUnacked = 0;
    this.lastSent = this.s.bytesSent;
    this.ackedAt = this.o.now();
    this.acksOk = true;
    this.ackTimer = setInterval(() => {
      if (this.sock !== sock || !this.live) return;
      const now = this.o.now();
      const unacked = unackedBytes(localPort, remotePort, now);
      if (unacked === null) return;
      const sentMore = this.s.bytesSent > this.lastSent;
      if (unacked < this.lastUnacked || (sentMore && unacked <= this.o.bytesPerSecond)) {
        this.ackedAt = now;
        this.s.deliveredAt = now;
        this.acksOk = true;
      } else if (unacked > this.o.bytesPerSecond) {
        this.acksOk = false;
        if (now - this.ackedAt > this.o.stallTimeoutMs) sock.destroy(Object.assign(new Error('stalled'), { code: 'STALLED' }));
      }
      this.lastUnacked = unacked;
      this.lastSent = this.s.bytesSent;
    }, 500);
    this.ackTimer.unref();
  }

  private setState(next: SourceClientState, err: SourceError | null): void {
    const changed = next !== this.st;
    this.st = next;
    if (changed || err) this.emit('state', next, err);
  }
}

function headerText(v: string): string {
  // No CR/LF (header injection); characters outside Latin-1 become "?".
  return v.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

function findLastIndex<T>(a: readonly T[], pred: (v: T, i: number) => boolean): number {
  for (let i = a.length - 1; i >= 0; i--) if (pred(a[i]!, i)) return i;
  return -1;
}
