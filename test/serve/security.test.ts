import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { ROOT } from '../e2e/serve-process';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { waitFor, within } from '../helpers/wait';
import { startTestStation, type TestStation } from '../helpers/station';

// The serve server as an attacker meets it: a real engine, real sockets on 127.0.0.1.
const TOKEN = 'security-test-token-0123456789';
const SOAK = process.env.EAS_SOAK === '1';
let station: TestStation;
let port: number;
let host: string;

beforeAll(async () => {
  station = await startTestStation(TOKEN, { sources: [] });
  port = station.server.port;
  host = `127.0.0.1:${port}`;
});
afterAll(async () => {
  await station?.cleanup();
});

interface RawAnswer {
  status: number | null;
  text: string;
  /** The server closed the socket (rather than the wait running out). */
  closed: boolean;
}

/** Writes `request` on a fresh socket and collects what comes back until the server closes it. */
function raw(p: number, request: string, timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(p, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ status: statusOf(text), text, closed: false });
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') resolve({ status: statusOf(text), text, closed: true });
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status: statusOf(text), text, closed: true });
    });
    socket.write(request);
  });
}

function statusOf(text: string): number | null {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
}

function get(path: string, headers: Record<string, string>): string {
  const lines = Object.entries({ host, ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Opens a WebSocket; resolves with the socket or the HTTP status and body that refused it. */
function tryWs(url: string, opts: WebSocket.ClientOptions): Promise<{ ws: WebSocket } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve({ ws }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
}

const cookie = `eas_token=${TOKEN}`;

describe('another page on this machine cannot drive the console', () => {
  it('a WebSocket from another 127.0.0.1 port with the cookie is refused, 403', async () => {
    const r = await tryWs(`ws://${host}/ws`, { origin: `http://127.0.0.1:${port + 1}`, headers: { cookie } });
    expect(r).toMatchObject({ status: 403, body: expect.stringContaining('may not use this console') });
    // Knowing the token does not make another page the console.
    const q = await tryWs(`ws://${host}/ws?token=${TOKEN}`, { origin: `http://127.0.0.1:${port + 1}` });
    expect(q).toMatchObject({ status: 403 });
  });

  it('the console own page gets its WebSocket with the cookie', async () => {
    const r = await tryWs(`ws://${host}/ws`, { origin: `http://${host}`, headers: { cookie } });
    expect('ws' in r).toBe(true);
    if ('ws' in r) r.ws.close();
    const viaLocalhost = await tryWs(`ws://localhost:${port}/ws`, { origin: `http://localhost:${port}`, headers: { cookie } });
    expect('ws' in viaLocalhost).toBe(true);
    if ('ws' in viaLocalhost) viaLocalhost.ws.close();
  });

  it('a cookie WebSocket with no Origin is refused; a program with the Bearer token is not', async () => {
    expect(await tryWs(`ws://${host}/ws`, { headers: { cookie } })).toMatchObject({ status: 403, body: expect.stringContaining('Origin') });
    const bearer = await tryWs(`ws://${host}/ws`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect('ws' in bearer).toBe(true);
    if ('ws' in bearer) bearer.ws.close();
  });

  it('Host: evil.example (DNS rebinding) is refused with the cookie, the token, on every route', async () => {
    for (const path of ['/', '/api/status', `/api/status?token=${TOKEN}`, '/api/alerts/1/audio']) {
      const r = await raw(port, get(path, { host: 'evil.example', cookie }));
      expect(r.status, path).toBe(403);
      expect(r.text).toContain('not to Host "evil.example"');
      expect(r.closed).toBe(true);
    }
    const ws = await tryWs(`ws://${host}/ws`, { headers: { host: 'evil.example', cookie, origin: 'http://evil.example' } });
    expect(ws).toMatchObject({ status: 403 });
  });

  it('a request another page started with the cookie (Sec-Fetch-Site) is refused; a direct visit is served', async () => {
    expect((await raw(port, get('/api/status', { cookie, 'sec-fetch-site': 'same-site', connection: 'close' }))).status).toBe(403);
    expect((await raw(port, get('/', { cookie, 'sec-fetch-site': 'cross-site', connection: 'close' }))).status).toBe(403);
    expect((await raw(port, get('/', { cookie, 'sec-fetch-site': 'none', connection: 'close' }))).status).toBe(200);
    expect((await raw(port, get('/api/status', { cookie, origin: `http://127.0.0.1:${port + 1}`, connection: 'close' }))).status).toBe(403);
  });

  it('/api/health still answers any Host, for supervisors', async () => {
    const r = await raw(port, get('/api/health', { host: 'station-monitor.lan', connection: 'close' }));
    expect(r.status).toBe(200);
  });
});

describe('malformed requests', () => {
  it.each([
    ['GET //', 'GET // HTTP/1.1\r\nHost: HOST\r\n\r\n'],
    ['GET //@', 'GET //@ HTTP/1.1\r\nHost: HOST\r\n\r\n'],
    ['a broken cookie', `GET / HTTP/1.1\r\nHost: HOST\r\nCookie: eas_token=%E0%A4%A\r\n\r\n`],
    ['a broken path escape', 'GET /%E0%A4%A HTTP/1.1\r\nHost: HOST\r\n\r\n'],
    ['an upgrade to //', 'GET // HTTP/1.1\r\nHost: HOST\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'],
    ['a header with a control character', 'GET / HTTP/1.1\r\nHost: HOST\r\nX-A: a\u0001b\r\n\r\n'],
    ['no Host', 'GET / HTTP/1.0\r\n\r\n'],
  ])('%s: 400 and a closed socket, no stack trace', async (_what, request) => {
    const r = await raw(port, request.replace('HOST', host));
    expect(r.status).toBe(400);
    expect(r.closed).toBe(true);
    expect(r.text).not.toMatch(/\n\s+at |TypeError|URIError/);
  });

  it(`/api/health keeps answering through ${SOAK ? '20,000' : '2,000'} malformed requests`, async () => {
    const total = SOAK ? 20_000 : 2_000;
    const concurrency = 32;
    const bad = ['GET // HTTP/1.1\r\n\r\n', 'GET //@ HTTP/1.1\r\nHost: x\r\n\r\n', `GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: eas_token=%E0%A4%A\r\n\r\n`];
    let sent = 0;
    let answered400 = 0;
    let healthChecks = 0;
    const started = Date.now();
    const worker = async (): Promise<void> => {
      while (sent < total) {
        const n = sent++;
        const r = await raw(port, bad[n % bad.length]!);
        if (r.status === 400 && r.closed) answered400++;
        if (n % 250 === 0) {
          const h = await fetch(`http://${host}/api/health`, { signal: AbortSignal.timeout(2_000) });
          expect(h.status).toBe(200);
          healthChecks++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    expect(answered400).toBe(total);
    expect(healthChecks).toBeGreaterThan(0);
    expect((await fetch(`http://${host}/api/health`)).status).toBe(200);
    await waitFor('the flood sockets to be released', () => station.server.openConnections() <= 1);
    console.log(`${total} malformed requests in ${Date.now() - started} ms, every one 400 and closed`);
  }, 120_000);
});

describe('held sockets cannot exhaust descriptors', () => {
  let te: TestEngine;
  let server: RunningServer;
  const uiDir = mkdtempSync(join(tmpdir(), 'eas-sec-ui-'));
  beforeAll(async () => {
    writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>console</title>');
    te = await startTestEngine({ sources: [] });
    server = await startServer({
      engine: te.engine,
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      rendererDir: uiDir,
      limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, checkIntervalMs: 100, maxPerClient: 4, maxTotal: 100, pingIntervalMs: 100 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await te?.cleanup();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('a socket that sends nothing, or half its headers, is closed by the headers timeout', async () => {
    const silent = await raw(server.port, '', 5_000);
    expect(silent.closed).toBe(true);
    const half = await raw(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`, 5_000);
    expect(half.closed).toBe(true);
  });

  it('a client holding its share of sockets gets 503 for one more, and is served again once it lets go', async () => {
    const held: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = connect(server.port, '127.0.0.1');
      await within(`held socket ${i} to connect`, once(s, 'connect'), 10_000);
      held.push(s);
    }
    await waitFor('the server to count four sockets', () => server.openConnections() === 4);
    const extra = await raw(server.port, `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    expect(extra.status).toBe(503);
    expect(extra.closed).toBe(true);
    for (const s of held) s.destroy();
    await waitFor('the held sockets to be released', () => server.openConnections() === 0);
    expect((await fetch(`http://127.0.0.1:${server.port}/api/health`)).status).toBe(200);
  });
});

describe('half-open WebSocket clients', () => {
  let te: TestEngine;
  let server: RunningServer;
  const uiDir = mkdtempSync(join(tmpdir(), 'eas-sec-ping-'));
  beforeAll(async () => {
    writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>console</title>');
    te = await startTestEngine({ sources: [] });
    server = await startServer({ engine: te.engine, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: uiDir, limits: { pingIntervalMs: 100 } });
  });
  afterAll(async () => {
    await server?.close();
    await te?.cleanup();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('a client that stops answering pings is dropped; one that answers stays', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    const url = `ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`;
    // autoPong: false is a peer that is gone (asleep, unplugged) while its socket looks open.
    const gone = await tryWs(url, { origin, autoPong: false });
    const alive = await tryWs(url, { origin });
    if (!('ws' in gone) || !('ws' in alive)) throw new Error(`the WebSockets were refused: ${JSON.stringify([gone, alive])}`);
    let pings = 0;
    alive.ws.on('ping', () => pings++);
    const closed = new Promise<number>((resolve) => gone.ws.once('close', (code) => resolve(code)));
    await waitFor('the server to drop the client that does not answer pings', () => gone.ws.readyState === WebSocket.CLOSED, 10_000);
    expect(await closed).toBe(1006);
    // Several rounds later the answering client is still there.
    await waitFor('four pings to the answering client', () => pings >= 4, 10_000);
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    alive.ws.close();
  });
});

describe('serve takes its token from a file or the environment, not the arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eas-sec-cli-'));
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = once(c, 'exit');
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** The CLI from its sources, as `eas-console serve`; resolves with the port it printed. */
  async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; out: () => string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', 'serve', '--port', '0', '--data-dir', join(dir, `data${children.length}`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const p = await waitFor(`serve to print its URL (output so far: ${out})`, () => /serving at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1], 30_000);
    return { child, port: Number(p), out: () => out };
  }

  it('--token-file: the token works and is not in the process arguments', async () => {
    const file = join(dir, 'token');
    const token = 'file-token-abcdefghijklmnop';
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const s = await serve(['--token-file', file], {});
    const cmdline = readFileSync(`/proc/${s.child.pid}/cmdline`, 'utf8');
    expect(cmdline).not.toContain(token);
    const ok = await fetch(`http://127.0.0.1:${s.port}/api/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status, s.out()).toBe(200);
    expect((await fetch(`http://127.0.0.1:${s.port}/api/status`, { headers: { authorization: 'Bearer other' } })).status).toBe(401);
    expect(s.out()).not.toMatch(/warning: --token/);
  }, 60_000);

  it('EAS_TOKEN works and is not passed on to the terminal shell', async () => {
    const token = 'env-token-abcdefghijklmnop';
    const s = await serve(['--terminal'], { EAS_TOKEN: token });
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, { headers: { authorization: `Bearer ${token}` } });
    await within('the EAS_TOKEN WebSocket to open', once(ws, 'open'), 10_000);
    let output = '';
    const results = new Map<number, Record<string, unknown>>();
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { t: string; id?: number; name?: string; payload?: { data?: string } };
      if (m.t === 'result') results.set(m.id!, m);
      if (m.t === 'event' && m.name === 'terminal.output') output += m.payload?.data ?? '';
    });
    ws.send(JSON.stringify({ t: 'call', id: 1, cmd: 'terminal.open', args: { cols: 80, rows: 24 } }));
    const opened = await waitFor('terminal.open to answer', () => results.get(1));
    const id = (opened.value as { id: string }).id;
    ws.send(JSON.stringify({ t: 'call', id: 2, cmd: 'terminal.input', args: { id, data: 'echo "[${EAS_TOKEN:-unset}]"\r' } }));
    await waitFor(`the shell to echo (output: ${output})`, () => /\[(unset|[^\]$]+)\]/.exec(output.replace(/echo "\[\$\{EAS_TOKEN:-unset\}\]"/g, '')));
    expect(output).toContain('[unset]');
    expect(output).not.toContain(token);
    ws.close();
  }, 60_000);
});
