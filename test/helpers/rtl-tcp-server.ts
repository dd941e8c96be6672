import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A real TCP server speaking the rtl_tcp protocol on 127.0.0.1 (port 0): it sends the 12-byte
 * "RTL0" header, decodes the 5-byte commands the client sends into tuner state, and streams
 * whatever IQ the test produces, honouring TCP backpressure. Tests decide per connection what
 * to stream (usually a signal placed relative to the frequency the client commanded).
 */

export interface ReceivedCommand {
  cmd: number;
  /** Raw big-endian u32. */
  param: number;
}

export interface TunerState {
  freqHz: number | null;
  rateHz: number | null;
  /** 0 auto, 1 manual. */
  gainMode: number | null;
  /** Tenths of a dB. */
  gainTenthsDb: number | null;
  ppm: number | null;
  agc: number | null;
  biasTee: number | null;
}

export interface RtlTcpServerConnection {
  readonly index: number;
  readonly commands: ReceivedCommand[];
  readonly state: TunerState;
  /** Resolves when the tuner state satisfies `ready` (checked after every command). */
  waitForState(ready: (s: TunerState) => boolean, timeoutMs?: number): Promise<TunerState>;
  /**
   * Streams IQ from `fill` (writes into the buffer, returns bytes written, 0 = end) until it ends,
   * `maxBytes` have gone, or the client leaves. Resolves with the bytes sent.
   */
  streamIq(fill: (out: Uint8Array) => number, opts?: { chunkBytes?: number; maxBytes?: number }): Promise<number>;
  write(data: Uint8Array): Promise<void>;
  /** Drops the connection as a crashing server or a network cut would. */
  destroy(): void;
  readonly closed: Promise<void>;
}

export interface RtlTcpTestServer {
  readonly port: number;
  readonly connections: RtlTcpServerConnection[];
  close(): Promise<void>;
}

export interface RtlTcpTestServerOptions {
  /** R820T by default. */
  tunerType?: number;
  gainCount?: number;
  /** Bytes sent instead of the real header (for "not an rtl_tcp server" tests); null sends nothing. */
  header?: Uint8Array | null;
  onConnection: (conn: RtlTcpServerConnection) => void | Promise<void>;
}

export function rtlTcpHeader(tunerType = 5, gainCount = 29): Buffer {
  const h = Buffer.alloc(12);
  h.write('RTL0', 0, 'latin1');
  h.writeUInt32BE(tunerType, 4);
  h.writeUInt32BE(gainCount, 8);
  return h;
}

function applyCommand(state: TunerState, cmd: number, param: number): void {
  switch (cmd) {
    case 0x01:
      state.freqHz = param;
      break;
    case 0x02:
      state.rateHz = param;
      break;
    case 0x03:
      state.gainMode = param;
      break;
    case 0x04:
      state.gainTenthsDb = param | 0;
      break;
    case 0x05:
      state.ppm = param | 0;
      break;
    case 0x08:
      state.agc = param;
      break;
    case 0x0e:
      state.biasTee = param;
      break;
  }
}

function connection(socket: Socket, index: number): RtlTcpServerConnection {
  const commands: ReceivedCommand[] = [];
  const state: TunerState = { freqHz: null, rateHz: null, gainMode: null, gainTenthsDb: null, ppm: null, agc: null, biasTee: null };
  const waiters: { ready: (s: TunerState) => boolean; resolve: (s: TunerState) => void }[] = [];
  let pending = Buffer.alloc(0);
  let gone = false;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('close', () => (gone = true));
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const cmd = pending[0]!;
      const param = pending.readUInt32BE(1);
      pending = pending.subarray(5);
      commands.push({ cmd, param });
      applyCommand(state, cmd, param);
    }
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.ready(state)) waiters.splice(i, 1)[0]!.resolve({ ...state });
    }
  });
  const write = (data: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      if (gone) return reject(new Error('client gone'));
      if (socket.write(data)) return resolve();
      const onDrain = () => {
        socket.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        socket.off('drain', onDrain);
        reject(new Error('client gone'));
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });
  return {
    index,
    commands,
    state,
    closed,
    write,
    waitForState(ready, timeoutMs = 5000) {
      if (ready(state)) return Promise.resolve({ ...state });
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`rtl_tcp test server: tuner state not reached within ${timeoutMs} ms: ${JSON.stringify(state)}`)), timeoutMs);
        waiters.push({
          ready,
          resolve: (s) => {
            clearTimeout(t);
            resolve(s);
          },
        });
      });
    },
    async streamIq(fill, opts = {}) {
      const chunkBytes = opts.chunkBytes ?? 65536;
      const max = opts.maxBytes ?? Infinity;
      let sent = 0;
      while (!gone && sent < max) {
        // A fresh buffer per chunk: socket.write keeps a reference until it is flushed.
        const buf = new Uint8Array(Math.min(chunkBytes, max - sent));
        const n = fill(buf);
        if (n <= 0) break;
        try {
          await write(buf.subarray(0, n));
        } catch {
          break;
        }
        sent += n;
      }
      return sent;
    },
    destroy() {
      socket.destroy();
    },
  };
}

export async function startRtlTcpServer(opts: RtlTcpTestServerOptions): Promise<RtlTcpTestServer> {
  const connections: RtlTcpServerConnection[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const conn = connection(socket, connections.length);
    connections.push(conn);
    const header = opts.header === undefined ? rtlTcpHeader(opts.tunerType, opts.gainCount) : opts.header;
    if (header) socket.write(header);
    void Promise.resolve(opts.onConnection(conn)).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released), for "connection refused". */
export async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Streams IQ to `conn` in real time, 50 ms chunks at `rateHz`, each written by `fill`, until the
 * client goes (a refused write counts as gone). The pace is the wall clock's on purpose: the
 * client under test is a live tuner's reader.
 */
export async function paceIq(conn: RtlTcpServerConnection, rateHz: number, fill: (chunk: Uint8Array) => void): Promise<void> {
  const chunk = new Uint8Array((rateHz / 20) * 2);
  const start = performance.now();
  let sent = 0;
  let open = true;
  void conn.closed.then(() => (open = false));
  while (open) {
    const due = ((performance.now() - start) / 1000) * rateHz;
    while (sent < due && open) {
      fill(chunk);
      try {
        await conn.write(chunk);
      } catch {
        return;
      }
      sent += chunk.length / 2;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
