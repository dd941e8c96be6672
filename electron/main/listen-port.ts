// The Electron direct listening path, main side: one source's bus PCM to the page over a
// MessagePort, only while the page listens. Plain Node (no electron import) so it is tested
// with worker_threads' MessageChannel against the real listen hub; index.ts adapts
// MessagePortMain to PortLike in a few lines.
import {
  BUS_RATE,
  fromZodError,
  LISTEN_CLOSE,
  LISTEN_HEADER_BYTES,
  ListenPortRequest,
  type ListenPortNotice,
} from '../contract';
import type { ListenHub, Listening } from '../engine/listen/listen-hub';

/**
 * What the bridge needs of a port: worker_threads' MessagePort as is; Electron's
 * MessagePortMain through `eventData` (its 'message' listener gets an event, not the value)
 * and `transfer: false` (it transfers ports only; its frames are copied to the renderer anyway).
 */
export interface PortLike {
  // unknown[]: worker_threads takes ArrayBuffers there, MessagePortMain only its own ports.
  postMessage(value: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', listener: (e: unknown) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start?(): void;
  close(): void;
}

export interface ListenPortOptions {
  /** The value of one 'message' event (identity for worker_threads). */
  eventData?: (e: unknown) => unknown;
  /** List each frame's buffer as transferred (default true). */
  transfer?: boolean;
  /** Told about refused messages, for the log. */
  onRefused?: (message: string) => void;
}

/**
 * A page that stops taking frames (hung, or throttled in the background) loses blocks rather
 * than having them queue without bound: about 3 s of bus audio unacknowledged, as serve's socket.
 */
export const MAX_UNACKED_SAMPLES = 3 * BUS_RATE;

/**
 * A bus block as one frame in a buffer of its own (never a slice of a pooled Buffer, so it
 * can be transferred): the same bytes as serve's WebSocket frame (encodeListenFrame).
 */
export function listenFrameBuffer(block: Int16Array, startSample: number): ArrayBuffer {
  const buf = new ArrayBuffer(LISTEN_HEADER_BYTES + block.byteLength);
  new DataView(buf).setFloat64(0, startSample, true);
  new Int16Array(buf, LISTEN_HEADER_BYTES, block.length).set(block);
  return buf;
}

export interface ListenPortBridge {
  /** Stops listening and closes the port. */
  close(): void;
  /** Whether a listen is running (for tests and the log). */
  listening(): boolean;
}

/** Bridges one port to the hub: start/stop/ack from the page, hello/frames/ended to it. */
export function bridgeListenPort(port: PortLike, hub: ListenHub, opts: ListenPortOptions = {}, onClosed?: () => void): ListenPortBridge {
  const eventData = opts.eventData ?? ((e: unknown) => e);
  const transfer = opts.transfer ?? true;
  let current: { id: number; listening: Listening } | null = null;
  let unacked = 0;
  let closed = false;

  const post = (value: ListenPortNotice | ArrayBuffer, buffers?: ArrayBuffer[]): void => {
    if (closed) return;
    try {
      port.postMessage(value, transfer && buffers ? buffers : undefined);
    } catch {
      // A port whose other end is gone throws on some platforms: that listener has left.
      close();
    }
  };

  const stopCurrent = (): void => {
    current?.listening.stop();
    current = null;
  };

  const start = (id: number, sourceId: string): void => {
    stopCurrent();
    unacked = 0;
    const listening = hub.listen(
      sourceId,
      (block, startSample) => {
        if (current?.id !== id) return;
        if (unacked > MAX_UNACKED_SAMPLES) return;
        unacked += block.length;
        const frame = listenFrameBuffer(block, startSample);
        post(frame, [frame]);
      },
      () => {
        if (current?.id !== id) return;
        current = null;
        post({ t: 'ended', id, code: LISTEN_CLOSE.ended, reason: 'source stopped' });
      },
    );
    if (!listening) {
      post({ t: 'ended', id, code: LISTEN_CLOSE.unknownSource, reason: 'no such running source' });
      return;
    }
    current = { id, listening };
    post({ t: 'hello', id, sourceId, rate: BUS_RATE });
  };

  const receive = (data: unknown): void => {
    const parsed = ListenPortRequest.safeParse(data);
    if (!parsed.success) {
      const err = fromZodError(parsed.error);
      opts.onRefused?.(`listen port: refused a message from the page: ${err.message}`);
      post({ t: 'refused', error: err.toJSON() });
      return;
    }
    const msg = parsed.data;
    if (msg.t === 'start') start(msg.id, msg.sourceId);
    else if (msg.t === 'stop') {
      if (current?.id === msg.id) stopCurrent();
    } else if (current?.id === msg.id) unacked = Math.max(0, unacked - msg.samples);
  };

  function close(): void {
    if (closed) return;
    stopCurrent();
    closed = true;
    try {
      port.close();
    } catch {
      // Already closed from the other side.
    }
    onClosed?.();
  }

  port.on('message', (e) => receive(eventData(e)));
  port.on('close', close);
  port.start?.();
  return { close, listening: () => current !== null };
}

/** What owns a port: a webContents (only its id and 'destroyed' are used). */
export interface PortOwner {
  readonly id: number;
  once(event: 'destroyed', listener: () => void): unknown;
}

/**
 * One port per page: a page that asks again (a reload) gets a fresh port and the old one is
 * closed; a destroyed webContents closes its port, so nothing listens for a page that is gone.
 */
export class ListenPorts {
  private readonly byOwner = new Map<number, ListenPortBridge>();
  private readonly watched = new Set<number>();

  constructor(
    private readonly hub: ListenHub,
    private readonly opts: ListenPortOptions = {},
  ) {}

  open(owner: PortOwner, port: PortLike): ListenPortBridge {
    this.byOwner.get(owner.id)?.close();
    const bridge = bridgeListenPort(port, this.hub, this.opts, () => {
      if (this.byOwner.get(owner.id) === bridge) this.byOwner.delete(owner.id);
    });
    this.byOwner.set(owner.id, bridge);
    if (!this.watched.has(owner.id)) {
      this.watched.add(owner.id);
      owner.once('destroyed', () => {
        this.watched.delete(owner.id);
        this.byOwner.get(owner.id)?.close();
      });
    }
    return bridge;
  }

  /** Pages with a port open now. */
  size(): number {
    return this.byOwner.size;
  }

  closeAll(): void {
    for (const b of [...this.byOwner.values()]) b.close();
  }
}
