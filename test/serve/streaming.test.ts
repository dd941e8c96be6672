import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StatusSnapshot } from '../../electron/contract';
import { startServe, type ServeProcess } from '../e2e/serve-process';
import { listen, startIcecast, type IcecastHandle } from '../helpers/icecast';
import { waitFor, within } from '../helpers/wait';

// The whole streaming path through the real CLI: `serve --source demo: --stream icecast://...`
// into a real icecast2, listener counts read back, the alert title, and an admin action.
const TOKEN = 'stream-test-token';
let ice: IcecastHandle;
let serve: ServeProcess;
let dataDir: string;
let ws: WebSocket;
let nextId = 1;

function call(cmd: string, args: unknown = {}): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as { t: string; id?: number };
      if (msg.t !== 'result' || msg.id !== id) return;
      ws.off('message', onMsg);
      resolve(msg as never);
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'call', id, cmd, args }));
  });
}

async function status(): Promise<StatusSnapshot> {
  const r = await fetch(`http://127.0.0.1:${serve.port}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await r.json()) as StatusSnapshot;
}

async function mountTitle(mount: string): Promise<string | null> {
  const r = await fetch(`http://127.0.0.1:${ice.port}/status-json.xsl`);
  const j = JSON.parse(await r.text()) as { icestats: { source?: unknown } };
  const list = ([] as Array<{ listenurl?: string; title?: string }>).concat((j.icestats.source as never) ?? []);
  return list.find((s) => s.listenurl?.endsWith(mount))?.title ?? null;
}

beforeAll(async () => {
  ice = await startIcecast();
  dataDir = mkdtempSync(join(tmpdir(), 'eas-serve-stream-'));
  const streamUrl = `icecast://source:${ice.sourcePassword}@127.0.0.1:${ice.port}/demo.mp3?format=mp3&bitrate=64`;
  serve = await startServe(['--port', '0', '--token', TOKEN, '--data-dir', dataDir, '--source', 'demo:?first=3&every=0', '--stream', streamUrl]);
  ws = new WebSocket(`ws://127.0.0.1:${serve.port}/ws?token=${TOKEN}`);
  await within('the console WebSocket to open', new Promise((r) => ws.once('open', r)), 15_000);
}, 60_000);

afterAll(async () => {
  ws?.close();
  await serve?.stop();
  await ice?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('serve --stream into a real Icecast', () => {
  it('goes live, shows listener counts, titles the stream during the alert, and can kick a listener', async () => {
    await waitFor('stream live', async () => (await status()).streams.find((s) => s.state === 'live'), 20_000);
    const st = (await status()).streams.find((s) => s.sourceId === 'src1')!;
    expect(st.mount).toBe('/demo.mp3');
    expect(st.format).toBe('mp3');

    // Admin view: the console's own Icecast connection (admin password write-only).
    const conf = await call('icecast.configure', { url: `http://127.0.0.1:${ice.port}`, adminUser: ice.adminUser, adminPassword: ice.adminPassword, pollSeconds: 1 });
    expect(conf.ok).toBe(true);
    expect(JSON.stringify(conf.value)).not.toContain(ice.adminPassword);
    expect((conf.value as { hasAdminPassword: boolean }).hasAdminPassword).toBe(true);
    const test = await call('icecast.test');
    expect(test.value).toMatchObject({ ok: true, reachable: true, authenticated: true });

    const a = await listen(ice, '/demo.mp3', 'listener-a');
    const b = await listen(ice, '/demo.mp3', 'listener-b');
    await waitFor('2 listeners reported', async () => (await status()).streams.find((s) => s.sourceId === 'src1')?.listeners === 2, 10_000);
    const stats = await call('icecast.stats');
    const mount = (stats.value as { mounts: Array<{ mount: string; listeners: number; ours: boolean }> }).mounts.find((m) => m.mount === '/demo.mp3');
    expect(mount).toMatchObject({ listeners: 2, ours: true });

    // The demo's RWT (3 s in) titles the stream; the EOM restores the now-playing title.
    await waitFor('alert title', async () => (await mountTitle('/demo.mp3'))?.startsWith('EAS: Required Weekly Test') ?? false, 20_000);
    await waitFor('title restored after EOM', async () => (await mountTitle('/demo.mp3')) === 'Demo station: talk and music', 30_000);

    // Kick one listener from the admin viewer's action.
    const clients = await call('icecast.listeners', { mount: '/demo.mp3' });
    const victim = (clients.value as Array<{ id: string; userAgent: string }>).find((c) => c.userAgent === 'listener-a')!;
    const kicked = await call('icecast.action', { action: 'kick', mount: '/demo.mp3', clientId: victim.id });
    expect(kicked).toMatchObject({ ok: true, value: { ok: true } });
    await a.closed;
    await waitFor('1 listener left', async () => (await status()).streams.find((s) => s.sourceId === 'src1')?.listeners === 1, 10_000);
    b.close();

    // Passwords never reach the output, the status or the settings the UI sees.
    const everything = serve.output() + JSON.stringify(await status()) + JSON.stringify((await call('settings.get')).value);
    expect(everything).not.toContain(ice.sourcePassword);
    expect(everything).not.toContain(ice.adminPassword);
  }, 120_000);

  it('refuses a bad --stream with the part named and no password shown', async () => {
    const bad = startServe(['--port', '0', '--data-dir', dataDir, '--source', 'demo:', '--stream', 'icecast://source:hunter2@127.0.0.1:1/x.mp3?format=flac']);
    const err = await bad.then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(err).toMatch(/format/);
    expect(err).not.toContain('hunter2');
  });
});
