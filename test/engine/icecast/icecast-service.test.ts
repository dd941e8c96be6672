import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands, DEFAULT_ICECAST_SETTINGS, IcecastStatsView, IcecastView, type IcecastSettings } from '../../../electron/contract';
import { ADMIN_PASSWORD_KEY, IcecastService, type StreamTarget } from '../../../electron/engine/icecast/icecast-service';
import { silentLogger } from '../../../electron/engine/log';
import { MemorySecretStore } from '../../../electron/engine/secrets';
import { freePort } from '../../../native/icecast/managed';
import type { IcecastStats } from '../../../native/icecast/stats';
import { feedIcecast, listen, startIcecast, type Feed, type IcecastHandle, type TestListener } from '../../helpers/icecast';
import { waitFor } from '../../helpers/wait';

const PERIOD_MS = 1000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-icecast-service-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function icecast(): Promise<IcecastHandle> {
  const ice = await startIcecast();
  cleanups.push(() => ice.stop());
  return ice;
}

async function feed(ice: IcecastHandle, mount: string): Promise<Feed> {
  const f = await feedIcecast(ice, mount, 'mp3');
  cleanups.push(() => f.stop());
  return f;
}

async function listener(ice: IcecastHandle, mount: string): Promise<TestListener> {
  const l = await listen(ice, mount);
  cleanups.push(() => l.close());
  return l;
}

interface Harness {
  service: IcecastService;
  dataDir: string;
  secrets: MemorySecretStore;
  settings: IcecastSettings;
  streams: StreamTarget[];
  /** What the streams would show: the count of host:port/mount by the last onStats for its server. */
  shown(host: string, port: number, mount: string): number | null | undefined;
  reports: Array<{ server: string; mounts: string[] }>;
}

function harness(streams: StreamTarget[], settings: Partial<IcecastSettings> = {}): Harness {
  const secrets = new MemorySecretStore();
  const dataDir = tempDir();
  const h: Harness = {
    dataDir,
    secrets,
    settings: { ...DEFAULT_ICECAST_SETTINGS, ...settings },
    streams,
    reports: [],
    shown: () => undefined,
    service: null as unknown as IcecastService,
  };
  const last = new Map<string, IcecastStats>();
  h.shown = (host, port, mount) => {
    const st = last.get(`${host}:${port}`);
    if (!st) return undefined;
    // As the engine's wiring does: a mount the server does not list has unknown counts.
    return st.mounts.find((m) => m.mount === mount)?.listeners ?? null;
  };
  h.service = new IcecastService({
    dataDir,
    secrets,
    settings: () => h.settings,
    log: silentLogger(),
    ourMounts: () => new Set(h.streams.map((s) => `${s.host}:${s.port}${s.mount}`)),
    streamTargets: () => h.streams,
    onStats: (st, server) => {
      last.set(`${server.host}:${server.port}`, st);
      h.reports.push({ server: `${server.host}:${server.port}`, mounts: st.mounts.map((m) => m.mount) });
    },
    pollIntervalMs: PERIOD_MS,
  });
  cleanups.push(() => h.service.stop());
  return h;
}

describe('IcecastService listener counts (real icecast2)', () => {
  it('with no admin password: a listener counts within two polls; icecast2 killed makes it unknown; restarted, it returns', async () => {
    const ice = await icecast();
    const mount = '/count.mp3';
    await feed(ice, mount);
    const h = harness([{ host: '127.0.0.1', port: ice.port, mount, bitrateKbps: 32 }]);
    const count = (): number | null | undefined => h.shown('127.0.0.1', ice.port, mount);
    await h.service.start();
    await waitFor(`a first poll of ${ice.url} saying 0 listeners`, () => count() === 0, 3 * PERIOD_MS, { detail: () => JSON.stringify(h.service.view().servers) });
    expect(h.service.view()).toMatchObject({ pollError: null, adminError: null, servers: [{ server: `127.0.0.1:${ice.port}`, watched: false, reachable: true, via: 'public', error: null }] });

    await listener(ice, mount);
    // "Within two polls" counted in polls, not wall time: a loaded machine may stretch a period.
    const pollsBefore = h.reports.length;
    await waitFor('the listener counted', () => count() === 1, 10 * PERIOD_MS, { detail: () => `shown: ${count()}` });
    expect(h.reports.length - pollsBefore, 'polls of the server until the listener was counted').toBeLessThanOrEqual(2);
    expect(h.service.currentListeners('127.0.0.1', ice.port, mount)).toBe(1);
    // With no server in settings, the Icecast page shows the one our stream goes to.
    const view = h.service.stats()!;
    expect(view.via).toBe('public');
    expect(view.mounts).toMatchObject([{ mount, listeners: 1, ours: true, playlistUrls: { m3u: `http://127.0.0.1:${ice.port}${mount}.m3u`, pls: null } }]);

    ice.kill('SIGKILL');
    await waitFor('the count to become unknown after icecast2 was killed', () => count() === null, 2 * PERIOD_MS, { detail: () => `shown: ${count()}` });
    expect(h.service.currentListeners('127.0.0.1', ice.port, mount)).toBeNull();
    expect(h.service.stats()).toBeNull();
    const down = h.service.view().servers[0];
    expect(down).toMatchObject({ reachable: false, via: null });
    expect(down.error).toMatch(/unreachable.*connection refused/);

    await ice.restart();
    await feed(ice, mount);
    await listener(ice, mount);
    // Failures back off to at most three periods: the count is back within that and one poll.
    await waitFor('the count back after icecast2 restarted', () => count() === 1, 5 * PERIOD_MS, { detail: () => JSON.stringify(h.service.view().servers) });
    expect(h.service.view().servers[0]).toMatchObject({ reachable: true, error: null });

    // What leaves the engine is what the contract says.
    const cmd = commands['icecast.listenerHistory'];
    const history = cmd.result.parse(h.service.listenerHistory(cmd.args.parse({ mount }).mount));
    expect(IcecastView.parse(h.service.view()).servers).toHaveLength(1);
    await waitFor('stats of the restarted server', () => h.service.stats(), 3 * PERIOD_MS);
    IcecastStatsView.parse(h.service.stats());
    const [series] = history.series;
    expect(series).toMatchObject({ server: `127.0.0.1:${ice.port}`, mount, current: 1, peak: 1 });
    expect(series.samples.length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('polls each distinct server once, whatever the streams call it; admin stats with the password, public ones with a wrong password', async () => {
    const ice = await icecast();
    await feed(ice, '/a.mp3');
    await feed(ice, '/b.mp3');
    const other = await freePort();
    const h = harness([
      { host: 'localhost', port: ice.port, mount: '/a.mp3' },
      { host: '127.0.0.1', port: ice.port, mount: '/b.mp3' },
      // A second server, down: its streams' counts are unknown, the first server's are not.
      { host: '127.0.0.1', port: other, mount: '/c.mp3' },
    ], { url: `http://127.0.0.1:${ice.port}` });
    h.secrets.set(ADMIN_PASSWORD_KEY, 'not-the-password');
    await h.service.start();
    await waitFor('both servers polled', () => h.service.view().servers.every((s) => s.reachable !== null), 3 * PERIOD_MS);
    const servers = h.service.view().servers;
    expect(servers.map((s) => [s.server, s.watched, s.reachable]).sort()).toEqual(
      [
        [`127.0.0.1:${ice.port}`, true, true],
        [`127.0.0.1:${other}`, false, false],
      ].sort(),
    );
    // The wrong admin password costs the detail, not the counts.
    const view = h.service.view();
    expect(view.pollError).toBeNull();
    expect(view.adminError).toMatch(/401.*public status page/);
    expect(servers.find((s) => s.watched)!.via).toBe('public');
    expect(h.shown('localhost', ice.port, '/a.mp3')).toBe(0);
    expect(h.shown('127.0.0.1', ice.port, '/b.mp3')).toBe(0);
    expect(h.shown('127.0.0.1', other, '/c.mp3')).toBeNull();

    // One poll per period to the shared server, not one per name.
    const log = (): number => (readFileSync(join(ice.dir, 'access.log'), 'utf8').match(/status-json\.xsl/g) ?? []).length;
    const before = log();
    const t0 = Date.now();
    await waitFor('three poll periods', () => Date.now() - t0 >= 3 * PERIOD_MS, 5 * PERIOD_MS, { stepMs: 50 });
    expect(log() - before).toBeLessThanOrEqual(4);

    h.secrets.set(ADMIN_PASSWORD_KEY, ice.adminPassword);
    await h.service.apply();
    await waitFor('admin stats from the watched server', () => h.service.stats()?.via === 'admin', 3 * PERIOD_MS);
    expect(h.service.view().adminError).toBeNull();
    expect(h.service.stats()!.mounts.map((m) => [m.mount, m.ours, m.bytesRead !== null]).sort()).toEqual([
      ['/a.mp3', true, true],
      ['/b.mp3', true, true],
    ]);
  }, 60_000);

  it('the managed server gets a burst per mount of ours, serves its .pls, and is watched with its admin password', async () => {
    const port = await freePort();
    const h = harness([{ host: 'localhost', port, mount: '/m.mp3', bitrateKbps: 64, name: 'Managed' }], { managed: { enabled: true, port } });
    // Reachable by the icecast2 user when we are root, so the server's files stay in the data dir.
    chmodSync(h.dataDir, 0o755);
    await h.service.start();
    expect(h.service.view().managed, h.service.logTail()).toMatchObject({ state: 'running', lastError: null });
    const cfg = readFileSync(join(h.dataDir, 'icecast', 'icecast.xml'), 'utf8');
    expect(cfg).toContain('<mount-name>/m.mp3</mount-name>\n    <burst-size>4000</burst-size>');
    const links = h.service.linksFor({ host: 'localhost', port, mount: '/m.mp3' });
    expect(links).toEqual({ listenUrl: `http://localhost:${port}/m.mp3`, playlistUrls: { m3u: `http://localhost:${port}/m.mp3.m3u`, pls: `http://localhost:${port}/m.mp3.pls` } });
    const pls = await fetch(links.playlistUrls.pls!);
    expect(pls.status).toBe(200);
    expect(await pls.text()).toContain(`File1=http://127.0.0.1:${port}/m.mp3\nTitle1=Managed\n`);
    // Another server serves no .pls: no link to a 404.
    expect(h.service.linksFor({ host: 'radio.example.org', port: 8000, mount: '/m.mp3' }).playlistUrls.pls).toBeNull();
    await waitFor('admin stats from the managed server', () => h.service.stats()?.via === 'admin', 3 * PERIOD_MS, { detail: () => JSON.stringify(h.service.view()) });
    expect(h.service.view().servers).toMatchObject([{ server: `127.0.0.1:${port}`, watched: true, reachable: true, via: 'admin' }]);

    // A stream added later reaches the running server's config (re-read, same process).
    const pid = h.service.view().managed.pid;
    h.streams.push({ host: '127.0.0.1', port, mount: '/n.opus', bitrateKbps: 48 });
    h.service.refresh();
    expect(readFileSync(join(h.dataDir, 'icecast', 'icecast.xml'), 'utf8')).toContain('<mount-name>/n.opus</mount-name>\n    <burst-size>3000</burst-size>');
    expect(h.service.view().managed.pid).toBe(pid);
  }, 60_000);
});
