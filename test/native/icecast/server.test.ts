import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { feedIcecast, listen, startIcecast, type Feed, type IcecastHandle, type TestListener } from '../../helpers/icecast';
import { fetchAdminStats, fetchPublicStatus, IcecastStatsPoller, type IcecastStats } from '../../../native/icecast/stats';
import { killClient, killSource, listClients, moveClients, testConnection, updateMetadata } from '../../../native/icecast/admin';
import { IcecastAuthError, IcecastError } from '../../../native/icecast/errors';
import { freePort } from '../../../native/icecast/managed';
import type { IcecastConnection } from '../../../native/icecast/http';
import { waitFor, within } from '../../helpers/wait';

let ice: IcecastHandle;
let conn: IcecastConnection;
const feeds: Feed[] = [];
const listeners: TestListener[] = [];
const pollers: IcecastStatsPoller[] = [];

beforeAll(async () => {
  ice = await startIcecast({ sources: 8 });
  conn = { url: ice.url, adminUser: ice.adminUser, adminPassword: ice.adminPassword };
});
afterAll(async () => {
  await ice?.stop();
});
afterEach(async () => {
  for (const p of pollers.splice(0)) p.stop();
  for (const l of listeners.splice(0)) l.close();
  await Promise.all(feeds.splice(0).map((f) => f.stop()));
  // Sources leave at once when ffmpeg exits; wait so the next test starts from an empty server.
  await waitFor('an empty server', async () => (await fetchAdminStats(conn)).mounts.length === 0, 15_000, onServer);
});

async function feed(mount: string, format: Parameters<typeof feedIcecast>[2] = 'mp3'): Promise<Feed> {
  const f = await feedIcecast(ice, mount, format);
  feeds.push(f);
  return f;
}

async function listener(mount: string, ua?: string): Promise<TestListener> {
  const l = await listen(ice, mount, ua);
  listeners.push(l);
  return l;
}

/** Waits on the server, with the end of its log in the error. */
const onServer = { stepMs: 50, detail: () => ice.logs().slice(-2000) };

/** The first `stats` event from a poll sent at or after `since`. */
function statsAfter(poller: IcecastStatsPoller, since: number): Promise<IcecastStats> {
  const next = new Promise<IcecastStats>((resolve) => {
    const on = (s: IcecastStats): void => {
      if (s.requestedAt < since) return;
      poller.off('stats', on);
      resolve(s);
    };
    poller.on('stats', on);
  });
  return within('a stats poll', next, 10_000);
}

/** The first poll at or after `since` that satisfies `ok` (each later poll checked in turn). */
async function pollUntil(poller: IcecastStatsPoller, since: number, what: string, ok: (s: IcecastStats) => boolean, timeoutMs = 8000): Promise<IcecastStats> {
  let from = since;
  let last: IcecastStats | null = null;
  const check = async (): Promise<IcecastStats | null> => {
    last = await statsAfter(poller, from);
    from = Date.now();
    return ok(last) ? last : null;
  };
  return waitFor(what, check, timeoutMs, { stepMs: 0, detail: () => `last poll: ${JSON.stringify(last)}` });
}

describe('Icecast stats from a real server', () => {
  it('0, 1 and 2 mounts through /admin/stats and /status-json.xsl (absent, object, array)', async () => {
    const none = await fetchAdminStats(conn);
    expect(none.mounts).toEqual([]);
    expect(none.server).toMatchObject({ serverId: expect.stringMatching(/^Icecast 2\./), host: '127.0.0.1' });
    expect(none.server.totals).toMatchObject({ listeners: 0, sources: 0 });
    const nonePublic = await fetchPublicStatus(conn);
    expect(nonePublic.mounts).toEqual([]);
    expect(nonePublic.server.version).toBe(none.server.version);

    await feed('/one.mp3', 'mp3');
    const raw = JSON.parse(await (await fetch(`${ice.url}/status-json.xsl`)).text()).icestats;
    expect(Array.isArray(raw.source)).toBe(false); // the one-mount object shape, really served
    const one = await fetchPublicStatus(conn);
    expect(one.mounts).toMatchObject([{ mount: '/one.mp3', listeners: 0, contentType: 'audio/mpeg' }]);
    expect((await fetchAdminStats(conn)).mounts).toMatchObject([{ mount: '/one.mp3', contentType: 'audio/mpeg', sourceIp: '127.0.0.1' }]);

    await feed('/two.opus', 'opus');
    const rawTwo = JSON.parse(await (await fetch(`${ice.url}/status-json.xsl`)).text()).icestats;
    expect(Array.isArray(rawTwo.source)).toBe(true);
    // The Ogg codec (subtype) shows once Icecast has read the stream's first pages.
    await waitFor('the Opus subtype in the stats', async () => (await fetchAdminStats(conn)).mounts.some((m) => m.subtype === 'Opus'), 15_000, onServer);
    const two = await fetchAdminStats(conn);
    expect(two.mounts.map((m) => m.mount).sort()).toEqual(['/one.mp3', '/two.opus']);
    expect(two.mounts.find((m) => m.mount === '/two.opus')).toMatchObject({ contentType: 'application/ogg', subtype: 'Opus' });
    expect(two.server.totals.sources).toBe(2);
    expect((await fetchPublicStatus(conn)).mounts).toHaveLength(2);
  });

  it('listener counts: N connect and the next poll says N; they leave and it says 0', async () => {
    const mount = '/count.mp3';
    await feed(mount);
    const poller = new IcecastStatsPoller(conn, { intervalMs: 500 });
    pollers.push(poller);
    poller.start();
    await statsAfter(poller, 0);
    expect(poller.mountListeners(mount)).toBe(0);

    const N = 3;
    const ls = await Promise.all(Array.from({ length: N }, () => listener(mount)));
    const connectedAt = Date.now();
    // The mount count is right on the first poll after the listeners connected; the server-wide
    // total is a separate counter icecast updates a moment later, so take the following polls.
    const withListeners = await statsAfter(poller, connectedAt);
    expect(withListeners.mounts.find((m) => m.mount === mount)?.listeners).toBe(N);
    expect(poller.mountListeners(mount)).toBe(N);
    const totals = await pollUntil(poller, connectedAt, `a server total of ${N} listeners`, (s) => s.server.totals.listeners === N);
    expect(totals.server.totals.listeners).toBe(N);
    // <clients> also counts the source and our own poll: never what we show.
    expect(totals.server.totals.clients).toBeGreaterThan(N);

    for (const l of ls) l.close();
    await Promise.all(ls.map((l) => l.closed));
    // Icecast notices a gone listener only at its next write to it, which on a loaded machine
    // can take a few of its write cycles: take the polls that follow, bounded.
    const after = await pollUntil(poller, Date.now() + 500, `0 listeners on ${mount}`, (s) => s.mounts.find((m) => m.mount === mount)?.listeners === 0);
    expect(after.mounts.find((m) => m.mount === mount)?.listeners).toBe(0);
    expect(after.mounts.find((m) => m.mount === mount)?.peakListeners).toBe(N);
  });

  it('wrong admin password: named 401 error, and the poller backs off', async () => {
    const bad = { ...conn, adminPassword: 'not-the-password' };
    const err = await fetchAdminStats(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IcecastAuthError);
    expect((err as IcecastError).code).toBe('unauthorized');
    expect((err as Error).message).toMatch(/401.*admin user or password is wrong/);
    expect((err as Error).message).not.toContain('not-the-password');

    const poller = new IcecastStatsPoller(bad, { intervalMs: 50, maxBackoffMs: 200 });
    pollers.push(poller);
    const delays: number[] = [];
    await new Promise<void>((resolve) => {
      poller.on('error', (e, info) => {
        expect(e).toBeInstanceOf(IcecastAuthError);
        delays.push(info.retryInMs);
        if (delays.length === 4) resolve();
      });
      poller.start();
    });
    poller.stop();
    expect(delays).toEqual([100, 200, 200, 200]);
    expect(poller.failures).toBe(4);
    // Fixed credentials: the next poll works and resets the backoff.
    poller.setConnection(conn);
    const ok = await poller.pollNow();
    expect(ok.via).toBe('admin');
    expect(poller.failures).toBe(0);
  });

  it('unreachable and not-Icecast servers are named errors', async () => {
    const port = await freePort();
    const down = await fetchAdminStats({ ...conn, url: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect((down as IcecastError).code).toBe('unreachable');
    expect((down as Error).message).toMatch(/connection refused/);

    const other: Server = createServer((_req, res) => {
      res.writeHead(404, { server: 'nginx', 'content-type': 'text/html' });
      res.end('<html>not here</html>');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const addr = other.address() as { port: number };
      const wrong = await fetchAdminStats({ ...conn, url: `http://127.0.0.1:${addr.port}` }).catch((e: unknown) => e);
      expect((wrong as IcecastError).code).toBe('not_icecast');
      const probe = await testConnection({ ...conn, url: `http://127.0.0.1:${addr.port}` });
      expect(probe).toMatchObject({ ok: false, reachable: true, isIcecast: false, error: { code: 'not_icecast' } });
    } finally {
      other.closeAllConnections();
      await new Promise<void>((r) => other.close(() => r()));
    }
    const probeDown = await testConnection({ ...conn, url: `http://127.0.0.1:${port}` });
    expect(probeDown).toMatchObject({ ok: false, reachable: false, error: { code: 'unreachable' } });
  });

  it('Test connection reports reachability, auth and version', async () => {
    const good = await testConnection(conn);
    expect(good).toMatchObject({ ok: true, reachable: true, isIcecast: true, authenticated: true, version: expect.stringMatching(/^2\.4\./), mounts: 0 });
    const badAuth = await testConnection({ ...conn, adminPassword: 'wrong-one' });
    expect(badAuth).toMatchObject({ ok: false, reachable: true, isIcecast: true, authenticated: false, error: { code: 'unauthorized' } });
    expect(badAuth.version).toBe(good.version);
    expect(JSON.stringify(badAuth)).not.toContain('wrong-one');
    const anonymous = await testConnection({ url: ice.url });
    expect(anonymous).toMatchObject({ ok: true, authenticated: null, isIcecast: true });
  });
});

describe('Icecast admin actions on a real server', () => {
  it('lists a listener and kicks it: its socket closes and the count drops', async () => {
    const mount = '/kick.mp3';
    await feed(mount);
    const victim = await listener(mount, 'kick-me/1.0');
    await waitFor('audio at the listener', () => victim.bytes() > 0, 15_000, onServer);
    const clients = await listClients(conn, mount);
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({ ip: '127.0.0.1', userAgent: 'kick-me/1.0', id: expect.stringMatching(/^\d+$/) });
    expect(clients[0].connectedSeconds).toBeGreaterThanOrEqual(0);

    await killClient(conn, mount, clients[0].id);
    await victim.closed;
    expect(await listClients(conn, mount)).toEqual([]);
    await waitFor('0 listeners in the stats', async () => (await fetchAdminStats(conn)).mounts.find((m) => m.mount === mount)?.listeners === 0, 15_000, onServer);
    const again = await killClient(conn, mount, clients[0].id).catch((e: unknown) => e);
    expect((again as IcecastError).code).toBe('not_found');
    const gone = await listClients(conn, '/no-such-mount').catch((e: unknown) => e);
    expect((gone as IcecastError).code).toBe('not_found');
  });

  it('updates titles: MP3 and AAC (Latin-1 + char refs), Vorbis (UTF-8), visible in /status-json.xsl; Opus refuses', async () => {
    await Promise.all([feed('/meta.mp3', 'mp3'), feed('/meta.aac', 'aac'), feed('/meta.ogg', 'vorbis'), feed('/meta.opus', 'opus')]);
    const title = 'EAS: Tornado Warning - Jackson County, MO until 14:49 (é ✓)';
    const titleOf = async (mount: string): Promise<string | null | undefined> => (await fetchPublicStatus(conn)).mounts.find((m) => m.mount === mount)?.title;
    for (const mount of ['/meta.mp3', '/meta.aac', '/meta.ogg']) await updateMetadata(conn, mount, title);
    // Applied when the next block of audio arrives from each source.
    for (const mount of ['/meta.mp3', '/meta.aac', '/meta.ogg']) await waitFor(`the title on ${mount}`, async () => (await titleOf(mount)) === title, 15_000, onServer);
    const raw = JSON.parse(await (await fetch(`${ice.url}/status-json.xsl`)).text()).icestats.source as { listenurl: string; title?: string }[];
    const rawTitle = (mount: string): string | undefined => raw.find((s) => s.listenurl.endsWith(mount))?.title;
    // What Icecast itself serves: ICY titles keep Latin-1 and turn the rest into a character
    // reference (decoded by our parser); Vorbis comments are UTF-8 throughout.
    expect(rawTitle('/meta.mp3')).toBe('EAS: Tornado Warning - Jackson County, MO until 14:49 (é &#10003;)');
    expect(rawTitle('/meta.ogg')).toBe(title);

    // The alert ends: the title reverts.
    await updateMetadata(conn, '/meta.mp3', 'Back to normal');
    await waitFor('the title reverted', async () => (await fetchAdminStats(conn)).mounts.find((m) => m.mount === '/meta.mp3')?.title === 'Back to normal', 15_000, onServer);

    const opus = await updateMetadata(conn, '/meta.opus', title).catch((e: unknown) => e);
    expect((opus as IcecastError).code).toBe('metadata_unsupported');
    const missing = await updateMetadata(conn, '/nope.mp3', title).catch((e: unknown) => e);
    expect((missing as IcecastError).code).toBe('not_found');
  });

  it('moves listeners between mounts of one format; refuses (and detects) a move across formats', async () => {
    await feed('/from.mp3', 'mp3');
    await feed('/to.mp3', 'mp3');
    await feed('/other.opus', 'opus');
    const l = await listener('/from.mp3', 'mover/1.0');
    await waitFor('audio at the listener', () => l.bytes() > 0, 15_000, onServer);
    const [id] = (await listClients(conn, '/from.mp3')).map((c) => c.id);

    const refused = await moveClients(conn, '/from.mp3', '/other.opus').catch((e: unknown) => e);
    expect((refused as IcecastError).code).toBe('move_failed');
    expect((refused as Error).message).toMatch(/same format/);
    // Forced through, Icecast answers success and moves nobody: detected after the fact.
    const silent = await moveClients(conn, '/from.mp3', '/other.opus', { force: true }).catch((e: unknown) => e);
    expect((silent as IcecastError).code).toBe('move_failed');
    expect((silent as Error).message).toMatch(/no listener moved/);
    expect((await listClients(conn, '/from.mp3')).map((c) => c.id)).toEqual([id]);

    const moved = await moveClients(conn, '/from.mp3', '/to.mp3');
    expect(moved.moved).toEqual([id]);
    expect((await listClients(conn, '/to.mp3')).map((c) => c.id)).toEqual([id]);
    const before = l.bytes();
    await waitFor('audio from /to.mp3 after the move', () => l.bytes() > before, 15_000, onServer); // still receiving audio, now from /to.mp3
  });

  it('kills a source: the mount goes away and its encoder is disconnected', async () => {
    const f = await feed('/victim.mp3', 'mp3');
    await killSource(conn, '/victim.mp3');
    await waitFor('/victim.mp3 gone from the stats', async () => !(await fetchAdminStats(conn)).mounts.some((m) => m.mount === '/victim.mp3'), 15_000, onServer);
    await waitFor('the killed source\'s ffmpeg to exit', () => f.child.exitCode !== null || f.child.signalCode !== null, 15_000, onServer);
  });
});
