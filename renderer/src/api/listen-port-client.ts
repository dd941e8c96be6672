// DOM-free, so it runs under Node in the tests against the main process's bridge; hence the
// contract by its path rather than the '@contract' alias only the renderer's build knows.
import { LISTEN_ACK_SAMPLES, LISTEN_HEADER_BYTES, LISTEN_PORT_CLOSE, ListenPortNoticeSchema, type ListenPortRequest } from '../../../electron/contract';

/**
 * How the direct player gets a source's PCM, whichever way it travels: a WebSocket in serve
 * mode, a MessagePort from the main process in Electron. Both deliver the same frames (an
 * ArrayBuffer: LISTEN_HEADER_BYTES float64 bus index, then s16le samples), so the worklet path
 * is one.
 */
export interface ListenSink {
  /** The listen began; `rate` is the engine's bus rate. Comes before any frame. */
  hello(rate: number): void;
  /** One frame as the engine sent it, the receiver's to transfer on. */
  frame(frame: ArrayBuffer): void;
  /** The listen is over: a LISTEN_CLOSE code, or any other for a lost connection. */
  closed(code: number, reason: string): void;
}

export interface ListenTransport {
  close(): void;
}

export type OpenListen = (sourceId: string, sink: ListenSink) => ListenTransport;

/** What the client needs of a port: the page's MessagePort, or worker_threads' in tests. */
export interface ListenPortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  /** 'close' where the platform has it (Chromium's MessagePort, Node's): the main side went away. */
  addEventListener(type: 'close', listener: () => void): void;
  start?(): void;
}

export const LISTEN_PORT_LOST = LISTEN_PORT_CLOSE.lost;
export const LISTEN_PORT_REFUSED = LISTEN_PORT_CLOSE.refused;
/** The main process answers a start at once; no hello this long means the port leads nowhere. */
export const HELLO_TIMEOUT_MS = 5000;

export interface PortListenClientOptions {
  onProblem?: (message: string) => void;
  /** The port is of no more use (closed, or a start went unanswered): the owner should ask for a new one. */
  onDead?: () => void;
  helloTimeoutMs?: number;
}

/**
 * The page's end of the Electron listening port: one listen at a time, each with its own id,
 * so frames and notices of a listen that was replaced are dropped rather than played.
 */
export class PortListenClient {
  private nextId = 1;
  private current: { id: number; sink: ListenSink; begun: boolean; unacked: number; timer: ReturnType<typeof setTimeout> | null } | null = null;
  private dead = false;
  private readonly onProblem: (message: string) => void;

  constructor(
    private readonly port: ListenPortLike,
    private readonly opts: PortListenClientOptions = {},
  ) {
    this.onProblem = opts.onProblem ?? ((m) => console.warn(m));
    port.addEventListener('message', (e) => this.receive(e.data));
    port.addEventListener('close', () => this.die('the listening channel to the engine closed'));
    port.start?.();
  }

  /** Whether the port still leads somewhere, as far as this client knows. */
  alive(): boolean {
    return !this.dead;
  }

  open(sourceId: string, sink: ListenSink): ListenTransport {
    const cur = { id: this.nextId++, sink, begun: false, unacked: 0, timer: null as ReturnType<typeof setTimeout> | null };
    this.end(this.current);
    this.current = cur;
    if (this.dead) {
      // Told after open() returned, as any close is.
      queueMicrotask(() => this.finish(cur, LISTEN_PORT_LOST, 'the listening channel to the engine closed'));
    } else {
      cur.timer = setTimeout(() => this.die(`the engine did not answer the listen within ${(this.opts.helloTimeoutMs ?? HELLO_TIMEOUT_MS) / 1000} s`), this.opts.helloTimeoutMs ?? HELLO_TIMEOUT_MS);
      this.send({ t: 'start', id: cur.id, sourceId });
    }
    return {
      close: () => {
        if (this.current !== cur) return;
        this.end(cur);
        this.current = null;
        this.send({ t: 'stop', id: cur.id });
      },
    };
  }

  private end(cur: PortListenClient['current']): void {
    if (cur?.timer) clearTimeout(cur.timer);
    if (cur) cur.timer = null;
  }

  /** Ends the current listen, telling its sink. */
  private finish(cur: NonNullable<PortListenClient['current']>, code: number, reason: string): void {
    this.end(cur);
    if (this.current !== cur) return;
    this.current = null;
    cur.sink.closed(code, reason);
  }

  /** The port is no use: the listen on it ends with a code the player retries on, and the owner forgets the port. */
  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    const cur = this.current;
    if (cur) {
      this.send({ t: 'stop', id: cur.id });
      this.finish(cur, LISTEN_PORT_LOST, reason);
    }
    this.opts.onDead?.();
  }

  private send(msg: ListenPortRequest): void {
    if (this.dead && msg.t !== 'stop') return;
    try {
      this.port.postMessage(msg);
    } catch {
      // A port whose other end is gone may throw: the same as closed.
      this.die('the listening channel to the engine closed');
    }
  }

  private receive(data: unknown): void {
    const cur = this.current;
    if (data instanceof ArrayBuffer) {
      if (!cur?.begun) return;
      // Acknowledged as taken off the port, so the engine drops blocks for a page that stops reading.
      cur.unacked += (data.byteLength - LISTEN_HEADER_BYTES) >> 1;
      if (cur.unacked >= LISTEN_ACK_SAMPLES) {
        this.send({ t: 'ack', id: cur.id, samples: cur.unacked });
        cur.unacked = 0;
      }
      cur.sink.frame(data);
      return;
    }
    const parsed = ListenPortNoticeSchema.safeParse(data);
    if (!parsed.success) {
      this.onProblem('the listening port carried a message this console does not understand');
      return;
    }
    const n = parsed.data;
    if (n.t === 'refused') {
      this.onProblem(`the engine refused a listening message: ${n.error.message}`);
      // The bridge answers in order and a start is the only message before its hello: this refusal is of that start.
      if (cur && !cur.begun) this.finish(cur, LISTEN_PORT_REFUSED, `the engine refused the listen: ${n.error.message}`);
      return;
    }
    if (!cur || n.id !== cur.id) return;
    if (n.t === 'hello') {
      this.end(cur);
      cur.begun = true;
      cur.sink.hello(n.rate);
    } else {
      this.finish(cur, n.code, n.reason);
    }
  }
}

