import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../electron/serve/server';
import type { TestEngine } from '../helpers/engine';
import { sleep, waitFor } from '../helpers/wait';
import { startTestStation, type TestStation } from '../helpers/station';

const TOKEN = 'test-token-0123456789';
let station: TestStation;
let te: TestEngine;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  station = await startTestStation(TOKEN);
  ({ te, server, base } = station);
});

afterAll(async () => {
  await station?.cleanup();
});

function openWs(query = `?token=${TOKEN}`, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** Sends a raw frame and returns the next non-event message. */
function exchange(ws: WebSocket, frame: string | Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (msg.t === 'event') return;
      ws.off('message', onMsg);
      resolve(msg);
    };
    ws.on('message', onMsg);
    ws.send(frame);
  });
}

describe('serve HTTP', () => {
  it('answers /api/health without a token', async () => {
    const r = await fetch(`${base}/api/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true });
  });

  it('refuses a missing or wrong token with 401', async () => {
    expect((await fetch(`${base}/api/status`)).status).toBe(401);
    expect((await fetch(`${base}/api/status?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(`${base}/?token=${TOKEN}x`)).status).toBe(401);
  });

  it('accepts the token as Bearer, query, and the cookie set on first visit', async () => {
    const bearer = await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    const first = await fetch(`${base}/?token=${TOKEN}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("default-src 'self'");
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    const again = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('console');
  });

  it('/api/status is one snapshot with the demo source', async () => {
    const snap = (await (await fetch(`${base}/api/status?token=${TOKEN}`)).json()) as {
      app: { version: string };
      sources: Array<{ id: string; kind: string; state: string }>;
      streams: unknown[];
      recentEvents: unknown[];
      activeAlerts: unknown[];
    };
    expect(snap.app.version).toBe('test');
    expect(snap.sources.map((s) => s.kind)).toContain('demo');
    expect(Array.isArray(snap.recentEvents)).toBe(true);
    expect(Array.isArray(snap.activeAlerts)).toBe(true);
  });

  it('does not serve files outside the UI folder', async () => {
    const r = await fetch(`${base}/..%2f..%2fetc%2fpasswd?token=${TOKEN}`);
    expect(await r.text()).not.toContain('root:');
  });
});

describe('serve WebSocket', () => {
  it('rejects an upgrade without the right token', async () => {
    await expect(openWs('')).rejects.toThrow(/401/);
    await expect(openWs('?token=bad')).rejects.toThrow(/401/);
    const ok = await openWs('', { authorization: `Bearer ${TOKEN}` });
    ok.close();
  });

  it('answers malformed and unknown messages with typed errors and stays up', async () => {
    const ws = await openWs();
    const notJson = await exchange(ws, 'this is not json');
    expect(notJson).toMatchObject({ t: 'error', error: { code: 'invalid_payload' } });
    const noId = await exchange(ws, JSON.stringify({ t: 'call', cmd: 'app.info' }));
    expect(noId).toMatchObject({ t: 'error', error: { code: 'invalid_payload' } });
    const unknown = await exchange(ws, JSON.stringify({ t: 'call', id: 1, cmd: 'sources.delete_everything', args: {} }));
    expect(unknown).toMatchObject({ t: 'result', id: 1, ok: false, error: { code: 'unknown_command' } });
    const badArgs = await exchange(ws, JSON.stringify({ t: 'call', id: 2, cmd: 'streams.toggle', args: { sourceId: 'demo', enabled: 'on' } }));
    expect(badArgs).toMatchObject({ t: 'result', id: 2, ok: false, error: { code: 'invalid_payload', field: 'enabled' } });
    const binary = await exchange(ws, Buffer.from([1, 2, 3]));
    expect(binary).toMatchObject({ t: 'error', error: { code: 'invalid_payload' } });
    const proto = await exchange(ws, JSON.stringify({ t: 'call', id: 3, cmd: '__proto__', args: {} }));
    expect(proto).toMatchObject({ t: 'result', id: 3, ok: false, error: { code: 'unknown_command' } });
    const good = await exchange(ws, JSON.stringify({ t: 'call', id: 4, cmd: 'app.info', args: {} }));
    expect(good).toMatchObject({ t: 'result', id: 4, ok: true, value: { mode: 'serve' } });
    ws.close();
  });

  it('closes a client that sends an oversized frame, and keeps serving others', async () => {
    const ws = await openWs();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(200_000));
    expect(await closed).toBe(1009);
    const ws2 = await openWs();
    const r = await exchange(ws2, JSON.stringify({ t: 'call', id: 1, cmd: 'sources.list', args: {} }));
    expect(r).toMatchObject({ ok: true });
    ws2.close();
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });

  it('pushes level events at the batched rate, not per sample', async () => {
    const ws = await openWs();
    await waitFor('demo running', () => te.engine.sourceStatuses().find((s) => s.id === 'demo' && s.state === 'running'));
    const batches: number[] = [];
    let frames = 0;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { t: string; name?: string; payload?: { frames: Array<{ sourceId: string; peaks: number[] }> } };
      if (msg.t !== 'event' || msg.name !== 'levels') return;
      batches.push(Date.now());
      frames += msg.payload!.frames.filter((f) => f.sourceId === 'demo').length;
    });
    const t0 = Date.now();
    // A loaded machine may be slow to deliver: wait for the batches instead of counting a fixed window.
    await waitFor('more than 10 level batches carrying demo frames', () => batches.length > 10 && frames > 10, 15_000);
    await sleep(Math.max(0, 2000 - (Date.now() - t0)));
    ws.close();
    const seconds = (Date.now() - t0) / 1000;
    // 33 ms batches: ~30 a second. A late timer only makes fewer; per sample would be thousands.
    // Loose bound: the point is "batched", not "precise".
    expect(batches.length).toBeLessThan(65 * seconds);
  });
});
