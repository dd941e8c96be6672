import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { StreamConfig, StreamStatus } from '../../electron/contract/dto';
import { ADMIN_PASSWORD_KEY, type IcecastService } from '../../electron/engine/icecast/icecast-service';
import { silentLogger } from '../../electron/engine/log';
import { MemorySecretStore, streamPasswordKey } from '../../electron/engine/secrets';
import { SettingsStore } from '../../electron/engine/settings-store';
import { StreamManager } from '../../electron/engine/streams/stream-manager';
import { createStreaming } from '../../electron/engine/streams/streaming';
import { listen, startIcecast, type IcecastHandle, type TestListener } from '../helpers/icecast';
import { hum, RealtimeFeeder, TestBus } from '../helpers/stream-audio';
import { sleep, waitFor } from '../helpers/wait';

// Streams against a real icecast2 that is SIGKILLed and started again on its port (through the
// engine's streaming wiring: the stream manager and the stats poller that gives it its
// listener counts), or frozen with SIGSTOP.
let ice: IcecastHandle | null = null;
let streams: StreamManager | null = null;
let icecast: IcecastService | null = null;
let feeder: RealtimeFeeder | null = null;
const listeners: TestListener[] = [];
let dir: string | null = null;

afterEach(async () => {
  for (const l of listeners.splice(0)) l.close();
  feeder?.stop();
  await streams?.close();
  await icecast?.stop();
  await ice?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  ice = streams = icecast = feeder = dir = null;
});

it('icecast2 killed and restarted on its port: retrying with no listener counts while down, live after, one reconnect, the error cleared', async () => {
  ice = await startIcecast();
  dir = mkdtempSync(join(tmpdir(), 'eas-reliability-'));
  const settings = new SettingsStore(join(dir, 'settings.json'));
  settings.update({ icecast: { ...settings.get().icecast, url: ice.url, adminUser: ice.adminUser, pollSeconds: 0.5 } });
  const secrets = new MemorySecretStore();
  secrets.set(ADMIN_PASSWORD_KEY, ice.adminPassword);
  const config: StreamConfig = { id: 'st', sourceId: 'src', enabled: true, format: 'mp3', bitrateKbps: 64, host: ice.host, port: ice.port, mount: '/restart.mp3' };
  secrets.set(streamPasswordKey(config.id), ice.sourcePassword);
  const wired = createStreaming({ dataDir: dir, settings, secrets, log: silentLogger(), events: { emit: () => true } });
  streams = wired.streams;
  icecast = wired.icecast;
  await icecast.start();
  streams.configure([config]);
  const bus = new TestBus('src');
  feeder = new RealtimeFeeder(bus, hum).start();
  streams.attachSource(bus);
  const m = streams;
  const st = (): StreamStatus => m.status('st')!;
  const detail = (): string => JSON.stringify(st());

  await waitFor('live', () => st().state === 'live', 15_000, { detail });
  listeners.push(await listen(ice, config.mount));
  await waitFor('the listener counted', () => st().listeners === 1, 10_000, { detail });

  ice.kill('SIGKILL');
  await waitFor('the outage noticed', () => st().state !== 'live', 10_000, { detail });
  // Down for a while: every look at the status says so, and shows no audience from before.
  const seen: StreamStatus[] = [];
  for (let i = 0; i < 20; i++) {
    seen.push(st());
    await sleep(100);
  }
  for (const s of seen) {
    expect(s.state, JSON.stringify(s)).toBe('retrying');
    expect(s.listeners, JSON.stringify(s)).toBeNull();
    expect(s.lastError, JSON.stringify(s)).toMatch(/unreachable|lost|closed/);
  }

  await ice.restart();
  await waitFor('live after the restart', () => st().state === 'live', 15_000, { detail });
  const back = st();
  expect(back.reconnects).toBe(1);
  // The outage is over, so is its error: no red "last error" on a stream that plays.
  expect(back.lastError).toBeNull();
  expect(back.message).toBeNull();
  // Audio flows again, and the counts come from the restarted server.
  const l2 = await listen(ice, config.mount);
  listeners.push(l2);
  await waitFor('the new listener counted', () => st().listeners === 1, 10_000, { detail });
  const bytes = l2.bytes();
  await waitFor('audio to the new listener', () => l2.bytes() > bytes + 8000, 10_000, { detail });
  expect(st().state).toBe('live');
}, 90_000);

it('icecast2 frozen (SIGSTOP): not "live" once its TCP stops acknowledging, live again once it thaws', async () => {
  ice = await startIcecast();
  const secrets = new MemorySecretStore();
  // A high bitrate fills the frozen server's receive buffer (which its kernel still
  // acknowledges into) sooner: the detection time is that buffer over the bitrate, plus 3 s.
  const config: StreamConfig = { id: 'frozen', sourceId: 'src', enabled: true, format: 'mp3', bitrateKbps: 320, host: ice.host, port: ice.port, mount: '/frozen.mp3' };
  secrets.set(streamPasswordKey(config.id), ice.sourcePassword);
  const m = (streams = new StreamManager({ secrets }));
  m.configure([config]);
  const bus = new TestBus('src');
  feeder = new RealtimeFeeder(bus, hum).start();
  m.attachSource(bus);
  const st = (): StreamStatus => m.status('frozen')!;
  const detail = (): string => JSON.stringify({ status: st(), client: m.details('frozen')?.client });
  await waitFor('live', () => st().state === 'live', 15_000, { detail });
  const pid = ice.managed.pid!;
  process.kill(pid, 'SIGSTOP');
  try {
    const stalled = await waitFor('the frozen server noticed', () => (st().state !== 'live' ? st() : null), 45_000, { stepMs: 100, detail });
    expect(stalled.state).toBe('retrying');
    expect(stalled.message).toMatch(/No audio has reached Icecast for \d+ s: the server takes no data/);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await waitFor('live after the thaw', () => st().state === 'live', 30_000, { detail });
  expect(st().lastError).toBeNull();
}, 120_000);
