import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { isLoopbackHost, main as serveMain } from '../../electron/cli/serve';
import { ContractError } from '../../electron/contract';
import { startTestEngine } from '../helpers/engine';
import { waitFor } from '../helpers/wait';
import { startTestStation, type TestStation } from '../helpers/station';

const TOKEN = 'terminal-test-token-0123456789';

interface Client {
  ws: WebSocket;
  events: Array<{ name: string; payload: Record<string, unknown> }>;
  call(cmd: string, args: unknown): Promise<Record<string, unknown>>;
}

/** A WebSocket contract client that keeps every event it sees. */
async function connect(port: number): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const events: Client['events'] = [];
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as Record<string, unknown>;
    if (msg.t === 'event') events.push(msg as unknown as Client['events'][number]);
    else if (msg.t === 'result') pending.get(msg.id as number)?.(msg);
  });
  let seq = 0;
  return {
    ws,
    events,
    call: (cmd, args) =>
      new Promise((resolve) => {
        const id = ++seq;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ t: 'call', id, cmd, args }));
      }),
  };
}

/** An engine (no sources: nothing but the terminal matters here) behind a real server. */
function station(terminal: boolean): Promise<TestStation> {
  return startTestStation(TOKEN, { sources: [] }, { terminal });
}

describe('serve without --terminal', () => {
  let s: TestStation;
  let client: Client;
  beforeAll(async () => {
    s = await station(false);
    client = await connect(s.server.port);
  });
  afterAll(async () => {
    client?.ws.close();
    await s?.cleanup();
  });

  it('refuses terminal.open with "unavailable", saying why and how to enable it', async () => {
    const r = await client.call('terminal.open', { cols: 80, rows: 24 });
    expect(r.ok).toBe(false);
    const error = r.error as { code: string; message: string };
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/remote shell/);
    expect(error.message).toMatch(/serve --terminal/);
    expect(error.message).toMatch(/loopback/);
  });
});

describe('serve --terminal on 127.0.0.1', () => {
  let s: TestStation;
  let client: Client;
  beforeAll(async () => {
    s = await station(true);
    client = await connect(s.server.port);
  });
  afterAll(async () => {
    client?.ws.close();
    await s?.cleanup();
  });

  it('runs a shell over the WebSocket: open, input, batched output, exit', async () => {
    const opened = await client.call('terminal.open', { cols: 100, rows: 30 });
    expect(opened.ok).toBe(true);
    const id = (opened.value as { id: string }).id;
    const output = (): string =>
      client.events
        .filter((e) => e.name === 'terminal.output' && e.payload.id === id)
        .map((e) => e.payload.data as string)
        .join('');
    expect((await client.call('terminal.resize', { id, cols: 120, rows: 40 })).ok).toBe(true);
    expect((await client.call('terminal.input', { id, data: 'echo ws-$((5*5)); exit 7\r' })).ok).toBe(true);
    await waitFor('ws-25 in terminal.output', () => output().includes('ws-25'));
    const exit = await waitFor('terminal.exit', () => client.events.find((e) => e.name === 'terminal.exit'));
    expect(exit.payload).toEqual({ id, code: 7 });
    const gone = await client.call('terminal.input', { id, data: 'x' });
    expect(gone).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('validates sizes and input length before anything reaches the shell', async () => {
    const { engine } = s.te;
    const reject = (cmd: string, args: unknown) => expect(engine.call(cmd, args)).rejects.toBeInstanceOf(ContractError);
    await reject('terminal.open', { cols: 9, rows: 24 });
    await reject('terminal.open', { cols: 80, rows: 301 });
    await reject('terminal.open', { cols: 501, rows: 24 });
    await reject('terminal.input', { id: 't1', data: 'x'.repeat(64 * 1024 + 1) });
    await reject('terminal.resize', { id: 't1', cols: 80.5, rows: 24 });
  });

  it('is always on in Electron, and the engine kills open shells when it stops', async () => {
    const te = await startTestEngine({ sources: [] }, { mode: 'electron' });
    const exits: unknown[] = [];
    te.engine.on('terminal.exit', (e) => exits.push(e));
    const { id } = await te.engine.call('terminal.open', { cols: 80, rows: 24 });
    await te.cleanup();
    expect(exits).toEqual([{ id, code: expect.any(Number) }]);
  });
});

describe('serve --terminal needs a loopback --host', () => {
  afterEach(() => vi.restoreAllMocks());

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'station.local', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses to start with --terminal on 0.0.0.0 and says what to do', async () => {
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    expect(await serveMain(['--terminal', '--host', '0.0.0.0', '--port', '0'])).toBe(2);
    expect(err).toMatch(/--terminal needs a loopback --host/);
    expect(err).toMatch(/SSH tunnel/);
  });
});
