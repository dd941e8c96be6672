import { afterEach, describe, expect, it } from 'vitest';
import { get as httpGet } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { feedIcecast, type Feed, type IcecastHandle } from '../../helpers/icecast';
import { ManagedIcecast } from '../../../native/icecast/managed';
import { burstBytesFor, randomPassword } from '../../../native/icecast/config';
import { waitFor, within } from '../../helpers/wait';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function managed(opts: Partial<ConstructorParameters<typeof ManagedIcecast>[0]> = {}): Promise<{ m: ManagedIcecast; handle: IcecastHandle }> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-managed-mounts-'));
  const m = new ManagedIcecast({ dir, sourcePassword: randomPassword(), adminPassword: randomPassword(), supervise: false, killAfterMs: 3000, ...opts });
  cleanups.push(async () => {
    await m.stop();
    rmSync(dir, { recursive: true, force: true });
    if (m.dir !== dir) rmSync(m.dir, { recursive: true, force: true });
  });
  await m.start();
  // The shape the feed helper needs, for this server.
  const handle = {
    port: m.port!, host: '127.0.0.1', url: m.url!, sourcePassword: (m as unknown as { opts: { sourcePassword: string } }).opts.sourcePassword,
    adminUser: 'admin', adminPassword: '', dir: m.dir, managed: m, logs: () => m.logTail(65_536),
    stop: async () => undefined, restart: async () => undefined, kill: () => undefined,
  } satisfies IcecastHandle;
  return { m, handle };
}

async function feed(handle: IcecastHandle, mount: string, kbps: number): Promise<Feed> {
  const f = await feedIcecast(handle, mount, 'mp3', ['-b:a', `${kbps}k`]);
  cleanups.push(() => f.stop());
  return f;
}

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    }).on('error', reject);
  });
}

/**
 * What a new listener gets beyond real time: bytes received `forMs` after the response began,
 * less what the stream delivers in that time. The burst arrives at once, so this is its size
 * (plus up to one source block), whatever the machine's load.
 */
async function burstOf(url: string, kbps: number, forMs = 1000): Promise<number> {
  return within(
    `a listener on ${url}`,
    new Promise<number>((resolve, reject) => {
      const req = httpGet(url, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`${url}: HTTP ${res.statusCode}`));
        const t0 = performance.now();
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        setTimeout(() => {
          const live = ((performance.now() - t0) / 1000) * ((kbps * 1000) / 8);
          req.destroy();
          resolve(bytes - live);
        }, forMs);
      });
      req.on('error', reject);
    }),
    10_000,
  );
}

describe('managed Icecast: per-mount burst and playlists (real icecast2)', () => {
  it('writes a <mount> block per mount with 0.5 s of its bitrate as burst, and icecast2 serves those mounts', async () => {
    const mounts = [
      { mount: '/voice.mp3', bitrateKbps: 64, name: 'Voice' },
      { mount: '/music.mp3', bitrateKbps: 128 },
    ];
    const { m, handle } = await managed({ mounts });
    const cfg = new XMLParser({ parseTagValue: false, isArray: (n) => n === 'mount' }).parse(readFileSync(m.configPath, 'utf8')).icecast;
    expect(cfg.mount).toEqual([
      { 'mount-name': '/voice.mp3', 'burst-size': '4000' },
      { 'mount-name': '/music.mp3', 'burst-size': '8000' },
    ]);
    await feed(handle, '/voice.mp3', 64);
    await feed(handle, '/music.mp3', 128);
    const status = JSON.parse((await get(`${m.url}/status-json.xsl`)).body);
    expect(status.icestats.source.map((s: { listenurl: string }) => new URL(s.listenurl).pathname).sort()).toEqual(['/music.mp3', '/voice.mp3']);

    // Playlists: Icecast makes the .m3u; the .pls is the file the console wrote into its webroot.
    const m3u = await get(`${m.url}/voice.mp3.m3u`);
    expect(m3u).toMatchObject({ status: 200, body: `${m.url}/voice.mp3\r\n` });
    const pls = await get(`${m.url}/voice.mp3.pls`);
    expect(pls.status).toBe(200);
    expect(pls.body).toBe(`[playlist]\nNumberOfEntries=1\nFile1=${m.url}/voice.mp3\nTitle1=Voice\nLength1=-1\nVersion=2\n`);
    expect((await get(`${m.url}/music.mp3.pls`)).body).toContain(`File1=${m.url}/music.mp3\n`);
    // The stock pages still come from the linked webroot.
    expect((await get(`${m.url}/status.xsl`)).status).toBe(200);
  }, 60_000);

  it('a mount added while running gets its burst after a config reload, with no one dropped', async () => {
    const kbps = 128;
    // Debian's default burst for the mounts without a block of their own.
    const { m, handle } = await managed({ limits: { burstSize: 65_536 } });
    const pid = m.pid;
    const tuned = await feed(handle, '/tuned.mp3', kbps);
    const plain = await feed(handle, '/plain.mp3', kbps);
    // Enough queued on both mounts for the larger burst: 64 KiB is 4.1 s of 128k.
    const queued = Date.now();
    await waitFor('5 s of audio queued on the mounts', () => Date.now() - queued > 5000, 10_000, { stepMs: 100 });

    expect(m.setMounts([{ mount: '/tuned.mp3', bitrateKbps: kbps }])).toBe(true);
    expect(m.setMounts([{ mount: '/tuned.mp3', bitrateKbps: kbps }])).toBe(false);
    await waitFor('icecast2 to catch the reload', () => /config reload request/i.test(m.logTail()), 10_000, { stepMs: 50, detail: () => m.logTail().slice(-1500) });
    // It logs the request before it re-reads: the new burst shows on a listener shortly after.
    let tunedBurst = Infinity;
    await waitFor(
      'a burst of about 0.5 s on /tuned.mp3',
      async () => (tunedBurst = await burstOf(`${m.url}/tuned.mp3`, kbps)) < burstBytesFor(kbps) + 12_000,
      15_000,
      { detail: () => `last burst ${Math.round(tunedBurst)} bytes` },
    );
    expect(m.pid).toBe(pid);
    expect(tuned.child.exitCode).toBeNull();
    expect(plain.child.exitCode).toBeNull();
    // The mount with no block of its own keeps the server-wide burst.
    const plainBurst = await burstOf(`${m.url}/plain.mp3`, kbps);
    expect(plainBurst).toBeGreaterThan(60_000);
    expect((await get(`${m.url}/tuned.mp3.pls`)).status).toBe(200);
    expect((await get(`${m.url}/plain.mp3.pls`)).status).toBe(404);
  }, 60_000);
});
