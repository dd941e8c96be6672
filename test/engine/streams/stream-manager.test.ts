import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamConfig, StreamStatus } from '../../../electron/contract/dto';
import { StreamStatus as StreamStatusSchema } from '../../../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../../../electron/engine/secrets';
import { StreamManager } from '../../../electron/engine/streams/stream-manager';
import { startIcecast, type IcecastHandle } from '../../helpers/icecast';
import { hum, RealtimeFeeder, TestBus } from '../../helpers/stream-audio';
import { sleep, waitFor } from '../../helpers/wait';

let ice: IcecastHandle;
const feeders: RealtimeFeeder[] = [];
const managers: StreamManager[] = [];

beforeAll(async () => {
  ice = await startIcecast();
});
afterAll(async () => {
  for (const f of feeders) f.stop();
  await Promise.all(managers.map((m) => m.close()));
  await ice?.stop();
});

function setup(streams: StreamConfig[], passwords: Record<string, string> = {}): { manager: StreamManager; secrets: MemorySecretStore } {
  const secrets = new MemorySecretStore();
  for (const [id, pw] of Object.entries(passwords)) secrets.set(streamPasswordKey(id), pw);
  // Short backoff so a test sees several attempts; the product default is 1-30 s.
  const manager = new StreamManager({ secrets, client: { backoff: { minMs: 300, maxMs: 2000 } } });
  managers.push(manager);
  manager.configure(streams);
  return { manager, secrets };
}

function source(id: string): TestBus {
  const bus = new TestBus(id);
  feeders.push(new RealtimeFeeder(bus, hum).start());
  return bus;
}

const cfg = (id: string, sourceId: string, mount: string, extra: Partial<StreamConfig> = {}): StreamConfig => ({
  id, sourceId, enabled: true, format: 'mp3', bitrateKbps: 64, host: ice.host, port: ice.port, mount, ...extra,
});

describe('errors reach the stream status, classified, with the backoff shown', () => {
  it('wrong password: state error, the 401 advice, retried with growing backoff, no crash', async () => {
    const { manager } = setup([cfg('bad', 'a', '/bad.mp3')], { bad: 'wrong-password-123' });
    manager.attachSource(source('a'));
    await waitFor('three attempts', () => (manager.details('bad')?.client?.failures ?? 0) >= 3);
    const s = manager.status('bad')!;
    expect(StreamStatusSchema.safeParse(s).success).toBe(true);
    expect(s.state).toBe('error');
    expect(s.lastError).toMatch(/401/);
    expect(s.message).toMatch(/password/);
    expect(s.message).toMatch(/Next attempt in \d+ s \(failure \d+, backoff [\d.]+ s\)/);
    expect(s.message).not.toContain('wrong-password-123');
    expect(s.lastError).not.toContain('wrong-password-123');
    const d = manager.details('bad')!;
    expect(d.client!.backoffMs).toBeGreaterThan(300);
    // The encoder keeps running (PCM is consumed) while the connection is refused.
    expect(d.encoder!.running).toBe(true);
    expect(d.busGaps).toBe(0);
  });

  it('mount already in use: the 403 classification, retrying (not error)', async () => {
    const { manager } = setup([cfg('first', 'b', '/taken.mp3'), cfg('second', 'c', '/taken.mp3')], { first: ice.sourcePassword, second: ice.sourcePassword });
    manager.attachSource(source('b'));
    await waitFor('first live', () => manager.status('first')?.state === 'live');
    manager.attachSource(source('c'));
    await waitFor('refusal', () => (manager.details('second')?.client?.failures ?? 0) >= 1 && manager.status('second')?.state === 'retrying');
    const s = manager.status('second')!;
    expect(s.lastError).toMatch(/in use \(403\)/);
    expect(s.message).toMatch(/Next attempt in/);
    expect(manager.status('first')!.state).toBe('live');
  });
});

describe('auto-stream and toggles', () => {
  it('an enabled stream starts and stops with its source; the toggle stops and starts it', async () => {
    const { manager } = setup([cfg('auto', 'd', '/auto.mp3')], { auto: ice.sourcePassword });
    const seen: StreamStatus[][] = [];
    manager.on('changed', (all) => seen.push(all));
    expect(manager.status('auto')!.state).toBe('off');
    expect(manager.status('auto')!.message).toMatch(/waiting for the source/);
    const bus = source('d');
    manager.attachSource(bus);
    await waitFor('live with its source', () => manager.status('auto')?.state === 'live');
    expect(bus.listenerCount).toBe(1);
    expect(seen.length).toBeGreaterThan(0);

    manager.detachSource('d');
    await waitFor('off without its source', () => manager.status('auto')?.state === 'off');
    expect(bus.listenerCount).toBe(0);

    manager.attachSource(bus);
    await waitFor('live again', () => manager.status('auto')?.state === 'live');
    manager.stop('auto');
    await waitFor('off by the toggle', () => manager.status('auto')?.state === 'off');
    expect(manager.status('auto')!.enabled).toBe(false);
    // An idle stream does not tap its source's PCM.
    await waitFor('untapped', () => bus.listenerCount === 0);
    manager.start('auto');
    await waitFor('live by the toggle', () => manager.status('auto')?.state === 'live');
    expect(manager.configs().find((c) => c.id === 'auto')!.enabled).toBe(true);
  });

  it('several renditions of one source, each on its own mount; listener counts per mount', async () => {
    const { manager } = setup([cfg('r1', 'e', '/e-128.mp3', { bitrateKbps: 128 }), cfg('r2', 'e', '/e-48.opus', { format: 'opus', bitrateKbps: 48 })], { r1: ice.sourcePassword, r2: ice.sourcePassword });
    const bus = source('e');
    manager.attachSource(bus);
    await waitFor('both live', () => manager.status('r1')?.state === 'live' && manager.status('r2')?.state === 'live');
    expect(bus.listenerCount).toBe(1);
    manager.setMountListeners('/e-48.opus', 3, null, { host: ice.host, port: ice.port });
    expect(manager.status('r2')!.listeners).toBe(3);
    expect(manager.status('r2')!.peakListeners).toBe(3);
    manager.setMountListeners('/e-48.opus', 1);
    expect(manager.status('r2')!.listeners).toBe(1);
    expect(manager.status('r2')!.peakListeners).toBe(3);
    expect(manager.status('r1')!.listeners).toBeNull();
  });

  it('listener counts nobody has confirmed for a while become unknown; clearListeners() drops them at once', async () => {
    const secrets = new MemorySecretStore();
    secrets.set(streamPasswordKey('aged'), ice.sourcePassword);
    // The manager's clock runs ahead on demand: the counts age without waiting for it.
    let ahead = 0;
    const manager = new StreamManager({ secrets, now: () => Date.now() + ahead, listenerMaxAgeMs: () => 10_000 });
    managers.push(manager);
    manager.configure([cfg('aged', 'h', '/aged.mp3')]);
    manager.attachSource(source('h'));
    await waitFor('live', () => manager.status('aged')?.state === 'live');
    manager.setMountListeners('/aged.mp3', 2);
    expect(manager.status('aged')!.listeners).toBe(2);
    ahead = 11_000;
    // Audio keeps arriving on the new clock, so the stream is live again at once; its counts are stale.
    await waitFor('live on the moved clock', () => manager.status('aged')?.state === 'live');
    expect(manager.status('aged')!.listeners).toBeNull();
    expect(manager.status('aged')!.peakListeners).toBeNull();
    manager.setMountListeners('/aged.mp3', 1);
    expect(manager.status('aged')!.listeners).toBe(1);
    manager.clearListeners();
    expect(manager.status('aged')!.listeners).toBeNull();
  });

  it('no stored password: state error saying what to do; a one-run stream keeps its password in memory', async () => {
    const { manager, secrets } = setup([cfg('nopw', 'f', '/nopw.mp3')]);
    manager.attachSource(source('f'));
    await sleep(50);
    expect(manager.status('nopw')!.state).toBe('error');
    expect(manager.status('nopw')!.message).toMatch(/password/);
    manager.addStream(cfg('cli', 'f', '/cli.mp3'), ice.sourcePassword);
    await waitFor('one-run stream live', () => manager.status('cli')?.state === 'live');
    expect(secrets.get(streamPasswordKey('cli'))).toBeNull();
    // Settings reloads keep one-run streams.
    manager.configure([cfg('nopw', 'f', '/nopw.mp3')]);
    expect(manager.status('cli')).not.toBeNull();
  });

  it('a config change restarts the stream with the new settings', async () => {
    const { manager } = setup([cfg('chg', 'g', '/chg-a.mp3')], { chg: ice.sourcePassword });
    manager.attachSource(source('g'));
    await waitFor('live', () => manager.status('chg')?.state === 'live');
    manager.configure([cfg('chg', 'g', '/chg-b.mp3')]);
    await waitFor('live on the new mount', () => manager.status('chg')?.state === 'live' && manager.status('chg')?.mount === '/chg-b.mp3');
  });
});
