// DOM-free, so it runs under Node in the tests against the main process's bridge; hence the
// contract by its path rather than the '@contract' alias only the renderer's build knows.
import { LISTEN_ACK_SAMPLES, LISTEN_HEADER_BYTES, ListenPortNoticeSchema, type ListenPortRequest } from '../../../electron/contract';

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
  start?(): void;
}

/**
 * The page's end of the Electron listening port: one listen at a time, each with its own id,
 * so frames and notices of a listen that was replaced are dropped rather than played.
 */
export class PortListenClient {
  private nextId = 1;
  private current: { id: number; sink: ListenSink; begun: boolean; unacked: number } | null = null;

  constructor(
    private readonly port: ListenPortLike,
    private readonly onProblem: (message: string) => void = (m) => console.warn(m),
  ) {
    port.addEventListener('message', (e) => this.receive(e.data));
    port.start?.();
  }

  open(sourceId: string, sink: ListenSink): ListenTransport {
    const cur = { id: this.nextId++, sink, begun: false, unacked: 0 };
    this.current = cur;
    this.send({ t: 'start', id: cur.id, sourceId });
    return {
      close: () => {
        if (this.current !== cur) return;
        this.current = null;
        this.send({ t: 'stop', id: cur.id });
      },
    };
  }

  private send(msg: ListenPortRequest): void {
    this.port.postMessage(msg);
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
      return;
    }
    if (!cur || n.id !== cur.id) return;
    if (n.t === 'hello') {
      cur.begun = true;
      cur.sink.hello(n.rate);
    } else {
      this.current = null;
      cur.sink.closed(n.code, n.reason);
    }
  }
}

