import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { LISTEN_PATH, MAX_MESSAGE_BYTES, type ServerMessage } from '../contract';
import type { Engine } from '../engine/engine';
import { answerFrame, forwardEvents } from '../engine/transport/bridge';
import { serveClient } from '../engine/commands/command-table';
import { serveAlertExport } from './alert-export';
import { alertAudioId, sendAlertAudio } from './alert-audio';
import { serveArchive } from './archive-routes';
import { tokenCookieHeader, tokenMatches } from './auth';
import { DEFAULT_SERVER_LIMITS, limitConnections, serverTimeoutOptions, type ServerLimits } from './connection-limits';
import { makeHostPolicy, refuseHttp, refuseSocket, screenRequest, type HostPolicy } from './request-guard';
import { serveStatic } from './static-files';
import { keepAlive } from './heartbeat';
import { createListenSockets } from './listen-socket';
import { listenProxyStreamId, proxyListen } from './listen-proxy';
import { ListenHub } from '../engine/listen/listen-hub';
import { CSP } from '../contract/csp';

export interface ServeOptions {
  engine: Engine;
  host: string;
  port: number;
  token: string;
  rendererDir: string;
  /** Host names besides the bound address (serve --allow-host): NAME or NAME:PORT. */
  allowHosts?: readonly string[];
  /** Timeouts and socket caps; the defaults suit a station. */
  limits?: Partial<ServerLimits>;
  /** A route that threw (a bug): the client got a 500, this gets the error. */
  onError?: (err: Error, route: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  /** Sockets open now (HTTP and WebSocket). */
  openConnections(): number;
  close(): Promise<void>;
}

/** A slow client is skipped for level frames rather than buffered without bound. */
const MAX_BUFFERED = 1 << 20;

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const isPublic = (pathname: string): boolean => pathname === '/api/health';

const UNAUTHORIZED =
  'Unauthorized. Open the URL that `eas-console serve` printed (it ends in ?token=...), or send Authorization: Bearer TOKEN.';

/**
 * Headless mode's front door: the built renderer over HTTP, the contract over a WebSocket,
 * /api/health for supervisors and /api/status for monitoring tools. Everything but
 * /api/health needs the token, the server's own Host and no other page's Origin
 * (request-guard.ts); sockets are bounded in time and number (connection-limits.ts).
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { engine, token } = opts;
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...opts.limits };
  // Known once listening (port 0 picks one); no request can arrive before.
  let policy: HostPolicy | null = null;

  const server = createServer(serverTimeoutOptions(limits), (req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      // A route that throws must still answer and free the socket; what threw is a bug, but
      // the station keeps serving.
      if (!res.headersSent) refuseHttp(res, 500, 'Internal error.');
      else res.destroy();
      opts.onError?.(err as Error, (req.url ?? '').slice(0, 200));
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!policy) return refuseHttp(res, 503, 'Starting.');
    const screened = screenRequest(req, policy, 'http', isPublic);
    if (!screened.ok) return refuseHttp(res, screened.status, screened.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (screened.pathname === '/api/health') {
      sendJson(res, 200, { ok: true, uptimeS: Math.round(process.uptime()) });
      return;
    }
    if (!tokenMatches(screened.token, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
      res.end(`${UNAUTHORIZED}\n`);
      return;
    }
    if (screened.via === 'query') res.setHeader('set-cookie', tokenCookieHeader(token));
    if (screened.pathname === '/api/status') {
      sendJson(res, 200, engine.snapshot());
      return;
    }
    const audioId = alertAudioId(screened.pathname);
    if (audioId !== null) {
      sendAlertAudio(engine.alertRecordingFile(audioId), res, req.method === 'HEAD').catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500).end(err.message);
        else res.destroy();
      });
      return;
    }
    if (serveAlertExport(engine, screened.pathname, req, res)) return;
    if (serveArchive(engine, screened.pathname, screened.searchParams, req, res)) return;
    const listenStreamId = listenProxyStreamId(screened.pathname);
    if (listenStreamId !== null) {
      proxyListen(engine.snapshot().streams.find((st) => st.streamId === listenStreamId), req, res, (id) => engine.streams.relayOpened(id));
      return;
    }
    if (screened.pathname.startsWith('/api/')) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    serveStatic(opts.rendererDir, screened.pathname, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500).end(err.message);
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const stopPinging = keepAlive(wss, limits.pingIntervalMs);
  const listen = createListenSockets(new ListenHub({ lookup: (id) => engine.bus(id) }), limits.pingIntervalMs);
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (!policy) return refuseSocket(socket, 503, 'Starting.');
    const screened = screenRequest(req, policy, 'upgrade');
    if (!screened.ok) return refuseSocket(socket, screened.status, screened.reason);
    if (!tokenMatches(screened.token, token)) return refuseSocket(socket, 401, UNAUTHORIZED);
    if (screened.pathname === LISTEN_PATH) return listen.accept(req, socket, head, screened.searchParams);
    if (screened.pathname !== '/ws') return refuseSocket(socket, 401, UNAUTHORIZED);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const connections = limitConnections(server, limits);

  const send = (ws: WebSocket, msg: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  wss.on('connection', (ws, req: IncomingMessage) => {
    const caller = serveClient(req.socket.remoteAddress);
    ws.on('message', (data, isBinary) => {
      const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      void answerFrame(engine, frame, isBinary, caller).then((reply) => send(ws, reply));
    });
    ws.on('error', () => ws.terminate());
  });

  // Every contract event to every client, serialised once per event.
  const unsubscribe = forwardEvents(engine, (name, payload) => {
    if (wss.clients.size === 0) return;
    const text = JSON.stringify({ t: 'event', name, payload } satisfies ServerMessage);
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (name === 'levels' && ws.bufferedAmount > MAX_BUFFERED) continue;
      ws.send(text);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  policy = makeHostPolicy({ address: addr.address, port: addr.port, allowHosts: opts.allowHosts });
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    port: addr.port,
    host: addr.address,
    url: `http://${hostForUrl}:${addr.port}/?token=${encodeURIComponent(token)}`,
    openConnections: () => connections.open(),
    async close() {
      unsubscribe();
      stopPinging();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      listen.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
