import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureContext } from '../../../electron/engine/sources/adapter';
import { CaptureError } from '../../../native/capture/capture-error';
import { createHttpAdapter, type HttpAdapterOptions } from '../../../electron/engine/sources/http';
import { encodeSame, SameReceiver, type SameEvent } from '../../../electron/core/same';
import { encodeHls, encodeMp3, selfSignedCert, startServer, withIcy } from '../../helpers/stream-server';

const RATE = 22050;
const METAINT = 4000;

function tone(hz: number, seconds: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / RATE);
  return out;
}

/** Amplitude of `hz` in `x` by correlation (one DFT bin). */
function toneAmplitude(x: Float32Array, hz: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / RATE);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / RATE);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

interface Run {
  audio: Float32Array;
  titles: Array<string | null>;
  logs: string[];
  error: unknown;
}

/** One adapter.run() as the pipeline does it; stops after `stopAfter` samples or when it throws. */
async function runOnce(url: string, stopAfter = Infinity, options: HttpAdapterOptions = {}): Promise<Run> {
  const ac = new AbortController();
  const blocks: Float32Array[] = [];
  let total = 0;
  const titles: Array<string | null> = [];
  const logs: string[] = [];
  const ctx: CaptureContext = {
    emit(block) {
      blocks.push(block.slice());
      total += block.length;
      if (total >= stopAfter) ac.abort();
    },
    setNowPlaying: (t) => titles.push(t),
    setSignalDb() {},
    log: (_l, m) => logs.push(m),
    signal: ac.signal,
  };
  const guard = setTimeout(() => ac.abort(), 20_000);
  let error: unknown = null;
  try {
    await createHttpAdapter({ kind: 'http', url }, options).run(ctx);
  } catch (err) {
    error = err;
  } finally {
    clearTimeout(guard);
  }
  const audio = new Float32Array(total);
  let o = 0;
  for (const b of blocks) {
    audio.set(b, o);
    o += b.length;
  }
  return { audio, titles, logs, error };
}

function ffmpegChildren(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid,ppid,comm'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === String(process.pid) && f[2] === 'ffmpeg')
    .map((f) => Number(f[0]));
}

describe('internet stream adapter (local HTTP server, real ffmpeg)', () => {
  let mp3: Buffer;
  let server: Awaited<ReturnType<typeof startServer>>;
  let icyCount = 0;
  let alertMp3: Buffer;
  const HEADER = 'ZCZC-CIV-EVI-029095+0100-1051800-KWNS/NWS-';

  beforeAll(async () => {
    mp3 = encodeMp3(tone(1000, 3, 0.5), RATE);
    alertMp3 = encodeMp3(encodeSame({ header: HEADER, sampleRate: RATE, attention: { kind: 'two-tone', seconds: 2 }, leadSilenceS: 0.5, tailSilenceS: 1 }), RATE);
    server = await startServer({
      '/alert.mp3': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'icy-metaint': String(METAINT) });
        res.end(withIcy(alertMp3, METAINT, () => 'EAS Test Station'));
      },
      // A live mount: ICY metadata when asked; sends the whole file and then drops the connection.
      '/live.mp3': (req, res) => {
        const icy = req.headers['icy-metadata'] === '1';
        if (icy) icyCount++;
        res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'icy-name': 'Test FM', ...(icy ? { 'icy-metaint': String(METAINT) } : {}) });
        const body = icy ? withIcy(mp3, METAINT, (i) => (i < 2 ? null : `Test Artist - Song O'Brien #${Math.min(i, 3)}`)) : mp3;
        res.write(body, () => res.socket?.destroy());
      },
      // A server that answers and then sends nothing.
      '/silent.mp3': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'audio/mpeg' });
        res.flushHeaders();
      },
      '/list.m3u': (_req, res) => res.writeHead(200, { 'Content-Type': 'audio/x-mpegurl' }).end('#EXTM3U\n#EXTINF:-1,Dead\n/gone.mp3\n#EXTINF:-1,Test FM\nlive.mp3\n'),
      '/list.pls': (_req, res, base) => res.writeHead(200, { 'Content-Type': 'audio/x-scpls' }).end(`[playlist]\nNumberOfEntries=1\nFile1=${base}/redirect\nTitle1=Test FM\n`),
      '/redirect': (_req, res) => res.writeHead(302, { Location: '/live.mp3' }).end(),
      '/nested.txt': (_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('[playlist]\nFile1=/list.m3u\n'),
      '/loop.m3u': (_req, res) => res.writeHead(200, { 'Content-Type': 'audio/x-mpegurl' }).end('/loop2.m3u\n'),
      '/loop2.m3u': (_req, res) => res.writeHead(200, { 'Content-Type': 'audio/x-mpegurl' }).end('/loop.m3u\n'),
      '/page': (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><p>Listen live!</p>'),
      '/forbidden': (_req, res) => res.writeHead(403).end(),
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    expect(ffmpegChildren()).toEqual([]);
  });

  it('reads the ICY title, strips the metadata, decodes the audio; a drop is an error and the next run reconnects', async () => {
    const first = await runOnce(`${server.base}/live.mp3`);
    expect(first.error).toBeInstanceOf(CaptureError);
    expect(first.error).toMatchObject({ code: 'stream_dropped', retryable: true });
    expect(first.titles).toEqual(["Test Artist - Song O'Brien #2", "Test Artist - Song O'Brien #3"]);
    // All 3 s of audio arrived and the tone is at its level: any ICY byte left in the MP3
    // would have cost frames (and samples).
    expect(first.audio.length).toBeGreaterThan(2.9 * RATE);
    expect(toneAmplitude(first.audio.subarray(RATE / 2, 2 * RATE), 1000)).toBeGreaterThan(0.45);
    expect(first.logs.join('\n')).toMatch(/ICY metadata every 4000 bytes, "Test FM"/);

    const second = await runOnce(`${server.base}/live.mp3`, RATE);
    expect(second.error).toBeNull();
    expect(second.audio.length).toBeGreaterThanOrEqual(RATE);
    expect(icyCount).toBe(2);
  });

  it('a SAME alert in an MP3 stream with ICY metadata is decoded end to end', async () => {
    const run = await runOnce(`${server.base}/alert.mp3`);
    expect(run.error).toMatchObject({ code: 'stream_dropped' });
    expect(run.titles).toEqual(['EAS Test Station']);
    const events: SameEvent[] = [];
    const rx = new SameReceiver({ sampleRate: RATE, onEvent: (e) => events.push(e) });
    rx.push(run.audio);
    rx.flush();
    expect(events.filter((e) => e.type === 'header').map((e) => (e as { raw: string }).raw)).toEqual([HEADER]);
    expect(events.some((e) => e.type === 'eom')).toBe(true);
  });

  it('resolves an M3U playlist (skipping a dead entry) and a PLS playlist through a redirect', async () => {
    const m3u = await runOnce(`${server.base}/list.m3u`, RATE);
    expect(m3u.error).toBeNull();
    expect(toneAmplitude(m3u.audio.subarray(RATE / 4, RATE), 1000)).toBeGreaterThan(0.45);
    expect(m3u.logs.join('\n')).toMatch(/gone\.mp3 failed: .*404/);
    const pls = await runOnce(`${server.base}/list.pls`, RATE);
    expect(pls.error).toBeNull();
    expect(pls.audio.length).toBeGreaterThanOrEqual(RATE);
    const nested = await runOnce(`${server.base}/nested.txt`, RATE);
    expect(nested.error).toBeNull();
  });

  it('names 404, 403, not-audio, looping playlists, refused connections and stalls', async () => {
    const missing = (await runOnce(`${server.base}/nothing-here.mp3`)).error as CaptureError;
    expect(missing).toBeInstanceOf(CaptureError);
    expect(missing).toMatchObject({ code: 'http_not_found', retryable: true });
    expect(missing.message).toMatch(/answered HTTP 404/);
    expect(missing.hint).toMatch(/mount/);
    expect((await runOnce(`${server.base}/forbidden`)).error).toMatchObject({ code: 'http_forbidden' });
    expect((await runOnce(`${server.base}/page`)).error).toMatchObject({ code: 'not_audio', retryable: false, message: expect.stringContaining('text/html') });
    expect((await runOnce(`${server.base}/loop.m3u`)).error).toMatchObject({ code: 'playlist_empty' });
    const stalled = await runOnce(`${server.base}/silent.mp3`, Infinity, { idleTimeoutMs: 300 });
    expect(stalled.error).toMatchObject({ code: 'stream_stalled', retryable: true });

    const closed = await startServer({});
    const port = new URL(closed.base).port;
    await closed.close();
    expect((await runOnce(`http://127.0.0.1:${port}/live.mp3`)).error).toMatchObject({ code: 'connection_refused', hint: expect.stringContaining('port') });
  });

  it('hands HLS to ffmpeg and decodes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-hls-'));
    encodeHls(tone(1000, 3, 0.5), RATE, dir);
    const routes: Record<string, (req: unknown, res: import('node:http').ServerResponse) => void> = {};
    for (const f of readdirSync(dir)) {
      const type = f.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t';
      routes[`/hls/${f}`] = (_req, res) => res.writeHead(200, { 'Content-Type': type }).end(readFileSync(join(dir, f)));
    }
    routes['/hls.m3u'] = (_req, res) => res.writeHead(200, { 'Content-Type': 'audio/x-mpegurl' }).end('/hls/index.m3u8\n');
    const hls = await startServer(routes);
    try {
      const run = await runOnce(`${hls.base}/hls.m3u`);
      // A finished (VOD) playlist ends like a dropped live stream: retried by the pipeline.
      expect(run.error).toMatchObject({ code: 'stream_dropped' });
      expect(run.audio.length).toBeGreaterThan(2.5 * RATE);
      expect(toneAmplitude(run.audio.subarray(RATE / 2, 2 * RATE), 1000)).toBeGreaterThan(0.45);
      expect(run.logs.join('\n')).toMatch(/HLS stream/);
      expect((await runOnce(`${hls.base}/hls/missing.m3u8`)).error).toMatchObject({ code: 'http_not_found' });
    } finally {
      await hls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a TLS failure (self-signed certificate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-tls-'));
    const { key, cert } = selfSignedCert(dir);
    const tls = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.writeHead(200, { 'Content-Type': 'audio/mpeg' }).end(mp3));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    try {
      const { error } = await runOnce(`https://localhost:${(tls.address() as AddressInfo).port}/live.mp3`);
      expect(error).toMatchObject({ code: 'tls_failed', retryable: true });
      expect((error as CaptureError).hint).toMatch(/certificate/);
    } finally {
      tls.closeAllConnections();
      await new Promise((r) => tls.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
