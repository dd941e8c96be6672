import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegEncoder } from '../../../native/encoder/ffmpeg-encoder';
import { createFramer, type EncodedUnit } from '../../../native/encoder/framer';
import { freePort } from '../../../native/icecast/managed';
import { IcecastSourceClient, type SourceClientOptions, type SourceClientState } from '../../../native/icecast/source-client';
import { startIcecast, type IcecastHandle } from '../../helpers/icecast';
import { mountInfo } from '../../helpers/stream-audio';
import { sleep, waitFor } from '../../helpers/wait';

// Real MP3 frames (3 s of a tone through the real encoder), replayed by the tests.
let frames: EncodedUnit[] = [];
beforeAll(async () => {
  const enc = new FfmpegEncoder({ format: 'mp3', bitrateKbps: 128 });
  const framer = createFramer('mp3');
  enc.on('data', (c) => frames.push(...framer.push(c)));
  enc.start();
  const pcm = new Int16Array(22050 * 3);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 22050));
  enc.write(pcm);
  await enc.stop();
  expect(frames.length).toBeGreaterThan(100);
  frames = frames.map((f) => ({ ...f, data: Buffer.from(f.data) }));
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function icecast(opts: Parameters<typeof startIcecast>[0] = {}): Promise<IcecastHandle> {
  const ice = await startIcecast(opts);
  cleanups.push(() => ice.stop());
  return ice;
}

function client(o: Partial<SourceClientOptions> & Pick<SourceClientOptions, 'host' | 'port' | 'password'>): IcecastSourceClient {
  const c = new IcecastSourceClient({ mount: '/t.mp3', contentType: 'audio/mpeg', bytesPerSecond: 16000, ...o });
  cleanups.push(() => c.stop());
  return c;
}

/** Replays the frames in real time (one 26 ms MP3 frame per tick) while the test runs. */
function feed(c: IcecastSourceClient): void {
  let i = 0;
  const t = setInterval(() => {
    const f = frames[i++ % frames.length]!;
    c.push({ ...f, data: Buffer.from(f.data) });
  }, 26);
  cleanups.push(() => clearInterval(t));
}

function stateLog(c: IcecastSourceClient): SourceClientState[] {
  const log: SourceClientState[] = [];
  c.on('state', (s) => log.push(s));
  return log;
}

describe('classified failures, with backoff', () => {
  it('wrong password: 401 "auth", state error, backoff grows, password never in messages', async () => {
    const ice = await icecast();
    const secret = 'not-the-Pa55word';
    const c = client({ host: ice.host, port: ice.port, password: secret, backoff: { minMs: 200, maxMs: 1000 } });
    const backoffs: number[] = [];
    c.on('state', () => {
      const b = c.stats().backoffMs;
      if (b !== null && c.stats().nextAttemptAt !== null && backoffs[backoffs.length - 1] !== b) backoffs.push(b);
    });
    c.start();
    await waitFor('three failed attempts', () => c.stats().failures >= 3);
    const s = c.stats();
    expect(s.state).toBe('error');
    expect(s.lastError?.kind).toBe('auth');
    expect(s.lastError?.status).toBe(401);
    expect(s.lastError?.transient).toBe(false);
    expect(s.lastError?.message).toMatch(/password/);
    expect(s.lastError?.message).not.toContain(secret);
    expect(s.nextAttemptAt).not.toBeNull();
    // Exponential: 200, 400, 800 ms, each within ±20 % jitter.
    expect(backoffs.length).toBeGreaterThanOrEqual(2);
    expect(backoffs[1]!).toBeGreaterThan(backoffs[0]!);
    expect(backoffs[0]!).toBeGreaterThanOrEqual(200);
    expect(backoffs[0]!).toBeLessThanOrEqual(240);
  });

  it('mount in use: 403 "mount_in_use" is retried, and the stream goes live once the mount is free', async () => {
    const ice = await icecast();
    const a = client({ host: ice.host, port: ice.port, password: ice.sourcePassword });
    feed(a);
    a.start();
    await waitFor('first source live', () => a.state === 'live');
    const b = client({ host: ice.host, port: ice.port, password: ice.sourcePassword, backoff: { minMs: 300, maxMs: 1000 } });
    const log = stateLog(b);
    feed(b);
    b.start();
    await waitFor('the refusal', () => b.stats().failures >= 1 && b.state !== 'connecting');
    expect(b.state).toBe('retrying');
    expect(b.stats().lastError?.kind).toBe('mount_in_use');
    expect(b.stats().lastError?.status).toBe(403);
    expect(b.stats().lastError?.transient).toBe(true);
    await a.stop();
    await waitFor('second source live after the first left', () => b.state === 'live', 10_000);
    expect(log).toContain('retrying');
    expect(b.stats().reconnects).toBe(0);
  });

  it('too many sources: 403 "too_many_sources", state error', async () => {
    const ice = await icecast({ sources: 1 });
    const a = client({ host: ice.host, port: ice.port, password: ice.sourcePassword, mount: '/one.mp3' });
    feed(a);
    a.start();
    await waitFor('first source live', () => a.state === 'live', 15_000, { detail: () => `client: ${a.state}, ${a.stats().lastError?.message ?? 'no error'}` });
    const b = client({ host: ice.host, port: ice.port, password: ice.sourcePassword, mount: '/two.mp3' });
    b.start();
    await waitFor('the refusal', () => b.stats().failures >= 1 && b.state !== 'connecting');
    expect(b.state).toBe('error');
    expect(b.stats().lastError?.kind).toBe('too_many_sources');
    expect(b.stats().lastError?.message).toMatch(/<limits><sources>/);
  });

  it('nothing listening: "unreachable", retrying', async () => {
    const port = await freePort();
    const c = client({ host: '127.0.0.1', port, password: 'x' });
    c.start();
    await waitFor('the failure', () => c.stats().failures >= 1 && c.state !== 'connecting');
    expect(c.state).toBe('retrying');
    expect(c.stats().lastError?.kind).toBe('unreachable');
    expect(c.stats().lastError?.message).toMatch(/connection refused/);
  });

  it('a host that does not resolve: "dns"', async () => {
    const c = client({ host: 'no-such-host.invalid', port: 8000, password: 'x', connectTimeoutMs: 8000 });
    c.start();
    await waitFor('the failure', () => c.stats().failures >= 1 && c.state !== 'connecting', 20_000);
    expect(c.stats().lastError?.kind).toBe('dns');
    expect(c.stats().lastError?.message).toMatch(/no-such-host\.invalid/);
  });

  it('TLS to a plain-HTTP Icecast port: "tls", state error', async () => {
    const ice = await icecast();
    const c = client({ host: ice.host, port: ice.port, password: ice.sourcePassword, tls: true, connectTimeoutMs: 2000 });
    c.start();
    await waitFor('the failure', () => c.stats().failures >= 1 && c.state !== 'connecting');
    expect(c.stats().lastError?.kind).toBe('tls');
    expect(c.state).toBe('error');
    expect(c.stats().lastError?.message).toMatch(/turn TLS off/);
  });
});

describe('TLS', () => {
  it('a self-signed certificate is a "tls" error; trusting it (ca) goes live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const heads: string[] = [];
    // A TLS endpoint that answers a source like Icecast does (as a TLS proxy in front would).
    const server = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (s) => {
      s.on('error', () => {});
      s.once('data', (d: Buffer) => {
        heads.push(d.toString('latin1'));
        s.write('HTTP/1.0 200 OK\r\n\r\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;

    const bad = client({ host: 'localhost', port, password: 'pw', tls: true });
    bad.start();
    await waitFor('the failure', () => bad.stats().failures >= 1 && bad.state !== 'connecting');
    expect(bad.stats().lastError?.kind).toBe('tls');
    expect(bad.stats().lastError?.message).toMatch(/SELF_SIGNED|certificate/i);
    await bad.stop();

    const good = client({ host: 'localhost', port, password: 'pw', tls: true, tlsOptions: { ca: cert } });
    good.start();
    await waitFor('live over TLS', () => good.state === 'live');
    expect(heads.some((h) => h.startsWith('PUT /t.mp3 HTTP/1.1') && /Authorization: Basic /.test(h))).toBe(true);
  });
});

describe('the PUT', () => {
  it('sends ice-* headers Icecast shows: name (Latin-1), genre, bitrate, audio info, public 0', async () => {
    const ice = await icecast();
    const c = client({
      host: ice.host, port: ice.port, password: ice.sourcePassword, mount: '/h.mp3',
      ice: { name: 'Météo Jackson', description: 'NWR relay', genre: 'Weather', bitrateKbps: 128, audioInfo: 'bitrate=128;samplerate=22050;channels=1' },
    });
    feed(c);
    c.start();
    await waitFor('live', () => c.state === 'live');
    await sleep(300);
    const info = await mountInfo(ice.url, '/h.mp3');
    expect(info?.server_name).toBe('Météo Jackson');
    expect(info?.server_description).toBe('NWR relay');
    expect(info?.genre).toBe('Weather');
    expect(Number(info?.bitrate)).toBe(128);
    expect(String(info?.audio_info)).toContain('samplerate=22050');
    // Not listed in directories unless asked.
    expect(Number(info?.public ?? 0)).toBe(0);
  });
});

describe('backpressure', () => {
  it('a stalled server never blocks push(): old frames are dropped whole and counted', async () => {
    // A real TCP peer that answers like Icecast, then stops reading for a while.
    const received: Buffer[] = [];
    let peer: Socket | null = null;
    const server: Server = createServer((s) => {
      peer = s;
      let head = '';
      const onHead = (d: Buffer): void => {
        head += d.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        s.off('data', onHead);
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length) received.push(rest);
        s.write('HTTP/1.0 200 OK\r\n\r\n');
        s.pause();
        s.on('data', (more: Buffer) => received.push(more));
      };
      s.on('data', onHead);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    cleanups.push(() => void peer?.destroy());
    const port = (server.address() as { port: number }).port;
    const c = client({ host: '127.0.0.1', port, password: 'x', maxQueueMs: 1000, stallTimeoutMs: 30_000 });
    c.start();
    await waitFor('live', () => c.state === 'live');
    // 10 MB of frames at once: far beyond the socket buffers; push() must return at once each time.
    let pushed = 0;
    while (pushed < 10_000_000) {
      for (const f of frames) {
        c.push({ ...f, data: Buffer.from(f.data) });
        pushed += f.data.length;
      }
      await sleep(0);
    }
    const s = c.stats();
    expect(s.droppedBytes).toBeGreaterThan(0);
    // The queue stays bounded at ~1 s of audio (16000 B/s here).
    expect(s.queuedBytes).toBeLessThanOrEqual(16_000 + 1000);
    // Audio queued behind a server that reads nothing is not delivered: deliveredAt stands still.
    await sleep(200);
    const frozen = c.stats().deliveredAt;
    expect(frozen).not.toBeNull();
    for (const f of frames.slice(0, 20)) c.push({ ...f, data: Buffer.from(f.data) });
    await sleep(300);
    expect(c.stats().deliveredAt).toBe(frozen);
    // The peer reads again: everything it got is whole MP3 frames.
    peer!.resume();
    await waitFor('delivery once the peer reads again', () => c.stats().deliveredAt! > frozen!, 5000);
    await sleep(500);
    await c.stop();
    await sleep(100);
    const all = Buffer.concat(received);
    const framer = createFramer('mp3');
    const units = framer.push(all);
    expect(framer.skippedBytes).toBe(0);
    expect(units.reduce((n, u) => n + u.data.length, 0)).toBe(all.length);
    expect(all.length + s.droppedBytes + s.queuedBytes).toBeGreaterThan(pushed * 0.99);
  });
});
