import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ClientMessage,
  ContractError,
  fromZodError,
  MAX_MESSAGE_BYTES,
  type EventName,
  type ServerMessage,
} from '../contract';
import { events as eventSchemas } from '../contract/events';
import type { Engine } from '../engine/engine';
import { alertAudioId, sendAlertAudio } from './alert-audio';
import { requestToken, TOKEN_COOKIE, tokenMatches } from './auth';
import { CSP, serveStatic } from './static-files';

export interface ServeOptions {
  engine: Engine;
  host: string;
  port: number;
  token: string;
  rendererDir: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
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

/**
 * Headless mode's front door: the built renderer over HTTP, the contract over a WebSocket,
 * /api/health for supervisors and /api/status for monitoring tools. Everything but
 * /api/health needs the token.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { engine, token } = opts;
  const authorized = (req: IncomingMessage): boolean => tokenMatches(requestToken(req), token);

  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/api/health') {
      sendJson(res, 200, { ok: true, uptimeS: Math.round(process.uptime()) });
      return;
    }
    if (!authorized(req)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
      res.end('Unauthorized. Open the URL that `eas-console serve` printed (it ends in ?token=...), or send Authorization: Bearer TOKEN.\n');
      return;
    }
    if (url.searchParams.has('token')) {
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    }
    if (url.pathname === '/api/status') {
      sendJson(res, 200, engine.snapshot());
      return;
    }
    const audioId = alertAudioId(url.pathname);
    if (audioId !== null) {
      sendAlertAudio(engine.alertRecordingFile(audioId), res, req.method === 'HEAD').catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500).end(err.message);
        else res.destroy();
      });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    serveStatic(opts.rendererDir, url.pathname, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500).end(err.message);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws' || !authorized(req)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, msg: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      void handleMessage(ws, data as Buffer, isBinary);
    });
    ws.on('error', () => ws.terminate());
  });

  async function handleMessage(ws: WebSocket, data: Buffer, isBinary: boolean): Promise<void> {
    let json: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      json = JSON.parse(data.toString('utf8'));
    } catch (err) {
      send(ws, { t: 'error', error: new ContractError('invalid_payload', `unparsable message: ${(err as Error).message}`).toJSON() });
      return;
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown } | null)?.id;
      const error = fromZodError(parsed.error).toJSON();
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) send(ws, { t: 'result', id, ok: false, error });
      else send(ws, { t: 'error', error });
      return;
    }
    const { id, cmd, args } = parsed.data;
    try {
      const value = await engine.call(cmd, args);
      send(ws, { t: 'result', id, ok: true, value });
    } catch (err) {
      const ce = err instanceof ContractError ? err : new ContractError('internal', (err as Error).message);
      send(ws, { t: 'result', id, ok: false, error: ce.toJSON() });
    }
  }

  // Forward every contract event to every client; serialise once per event.
  const unsubscribers: Array<() => void> = [];
  for (const name of Object.keys(eventSchemas) as EventName[]) {
    const listener = (payload: unknown): void => {
      if (wss.clients.size === 0) return;
      const text = JSON.stringify({ t: 'event', name, payload } satisfies ServerMessage);
      for (const ws of wss.clients) {
        if (ws.readyState !== ws.OPEN) continue;
        if (name === 'levels' && ws.bufferedAmount > MAX_BUFFERED) continue;
        ws.send(text);
      }
    };
    engine.on(name, listener as never);
    unsubscribers.push(() => engine.off(name, listener as never));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    port: addr.port,
    host: addr.address,
    url: `http://${hostForUrl}:${addr.port}/?token=${encodeURIComponent(token)}`,
    async close() {
      for (const u of unsubscribers) u();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
