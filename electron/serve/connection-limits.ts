import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bounds on what clients can hold open. Every socket is a file descriptor shared with the
 * engine's recordings, database and encoders, so a client that opens sockets and never
 * finishes a request must lose them in seconds, and no one client may hold many.
 */
export interface ServerLimits {
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Headers must arrive within this; also bounds a socket that sends nothing at all. */
  headersTimeoutMs: number;
  /** An idle keep-alive socket is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often Node sweeps for expired headers/request timers (their resolution). */
  checkIntervalMs: number;
  /** A response socket idle this long (a stalled reader) is closed; upgraded sockets are not affected. */
  idleTimeoutMs: number;
  /** Open sockets per client address, WebSockets included. */
  maxPerClient: number;
  /** Open sockets in all. */
  maxTotal: number;
  /** WebSocket clients are pinged this often; one that missed the previous ping is dropped (serve/heartbeat.ts). */
  pingIntervalMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  idleTimeoutMs: 120_000,
  maxPerClient: 64,
  maxTotal: 512,
  pingIntervalMs: 15_000,
};

/** Open-socket counts per address and in total; admit() says whether one more may open. */
export class ConnectionCounter {
  private readonly perClient = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: Pick<ServerLimits, 'maxPerClient' | 'maxTotal'>) {}

  admit(address: string): boolean {
    const n = this.perClient.get(address) ?? 0;
    if (n >= this.limits.maxPerClient || this.total >= this.limits.maxTotal) return false;
    this.perClient.set(address, n + 1);
    this.total++;
    return true;
  }

  release(address: string): void {
    const n = this.perClient.get(address);
    if (n === undefined) return;
    if (n <= 1) this.perClient.delete(address);
    else this.perClient.set(address, n - 1);
    this.total--;
  }

  open(address?: string): number {
    return address === undefined ? this.total : (this.perClient.get(address) ?? 0);
  }
}

/** The http.createServer options that carry the timeouts. */
export function serverTimeoutOptions(limits: ServerLimits): {
  requestTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

const BUSY_BODY = 'Too many open connections from this address; try again.\n';
const BUSY =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(BUSY_BODY)}\r\n\r\n${BUSY_BODY}`;

/**
 * Applies the socket caps and the idle timeout to `server`. A refused socket gets a 503 and
 * is closed at once rather than queued, so a flood costs one descriptor for a moment each.
 */
export function limitConnections(server: Server, limits: ServerLimits): ConnectionCounter {
  const counter = new ConnectionCounter(limits);
  server.timeout = limits.idleTimeoutMs;
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (!counter.admit(address)) {
      socket.on('error', () => socket.destroy());
      socket.end(BUSY, () => socket.destroy());
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    socket.once('close', () => counter.release(address));
  });
  return counter;
}
