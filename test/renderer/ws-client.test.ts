// The serve-mode client (renderer/src/api/ws-client.ts) against a real WebSocket server: an
// engine whose host vanished keeps the TCP connection open and simply goes quiet, which the page
// must show as a lost connection instead of "connected" over the last state it received.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionState } from '../../renderer/src/api/connection';
import { WsConsoleApi } from '../../renderer/src/api/ws-client';
import { waitFor } from '../helpers/wait';

interface Engine {
  url: string;
  /** app.info calls received, answered or not. */
  probes: number;
  answer: boolean;
  close(): Promise<void>;
}

async function fakeEngine(): Promise<Engine> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const engine: Engine = {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`,
    probes: 0,
    answer: true,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { id: number; cmd: string };
      if (msg.cmd !== 'app.info') return;
      engine.probes++;
      if (engine.answer) ws.send(JSON.stringify({ t: 'result', id: msg.id, ok: true, value: {} }));
    });
  });
  return engine;
}

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

const reasons: Array<string | null> = [];

function client(engine: Engine): { api: WsConsoleApi; seen: ConnectionState['kind'][] } {
  const api = new WsConsoleApi(engine.url, {
    idleProbeMs: 100,
    callTimeoutMs: 300,
    WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
    onProtocolError: () => {},
  });
  opened.push(api);
  const seen: ConnectionState['kind'][] = [];
  reasons.length = 0;
  api.onConnection((s) => {
    seen.push(s.kind);
    reasons.push(s.kind === 'reconnecting' ? s.reason : null);
  });
  return { api, seen };
}

describe('the serve-mode client', () => {
  it('drops a connection whose engine stopped answering and says so', async () => {
    const engine = await fakeEngine();
    opened.push(engine);
    engine.answer = false;
    const { seen } = client(engine);
    await waitFor('the client to connect', () => seen.includes('connected'), 10_000);
    // From the listener, not a poll of connection(): the reconnect may end the state before a poll.
    const lost = await waitFor('the silent engine to be reported as lost', () => reasons.find((r) => r !== null), 10_000, {
      detail: () => `states ${seen.join(', ')}, ${engine.probes} probes`,
    });
    expect(lost).toMatch(/stopped answering/);
    expect(engine.probes).toBeGreaterThan(0);
  });

  it('keeps a connection whose engine answers the probes', async () => {
    const engine = await fakeEngine();
    opened.push(engine);
    const { api, seen } = client(engine);
    await waitFor('the client to connect', () => seen.includes('connected'), 10_000);
    // Counted in probes, not time: three answered probes and the page never saw a drop.
    await waitFor('three probes of a quiet engine', () => engine.probes >= 3, 10_000);
    expect(api.connection().kind).toBe('connected');
    expect(seen).not.toContain('reconnecting');
  });
});
