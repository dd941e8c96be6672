// Parts the listening bench starts, all on 127.0.0.1 and all stopped with a bounded wait:
// an icecast2 on Debian's stock icecast.xml (the baseline), a paced WAV-over-HTTP marker
// source for the engine, the built `serve` engine, and a direct-path listener that plays the
// engine's /ws/listen frames through the renderer's real jitter buffer at an audio clock.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { SourceConfig } from '../electron/contract';
import { defaultSettings } from '../electron/engine/settings-store';
import type { StreamFormat } from '../native/encoder/formats';
import { ffmpegPath } from '../native/ffmpeg-path';
import { wav16Header } from '../native/wav';
import { randomPassword } from '../native/icecast/config';
import { defaultRunAs, freePort } from '../native/icecast/managed';
import { JitterBuffer, type JitterStats } from '../renderer/src/audio/jitter-buffer';
import { waitFor } from '../test/helpers/wait';
import { fillMarkers, MARKER_PERIOD_S } from './listen-markers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Ends a child: SIGTERM, SIGKILL after `graceMs`, and waits (bounded) for it to be reaped. */
export async function reap(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  let bound: NodeJS.Timeout | undefined;
  const reaped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (bound = setTimeout(() => r(false), graceMs + 5000)))]);
  clearTimeout(t);
  clearTimeout(bound);
  if (!reaped) throw new Error(`${child.spawnfile} (pid ${child.pid}) did not exit ${graceMs + 5000} ms after SIGTERM and SIGKILL`);
}

/** CPU seconds (user + system, all threads) a process has used, from /proc. */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface Heard {
  /** Wall time (performance.now ms) of the first body byte. */
  t0: number | null;
  /** Wall time of the last body chunk. */
  lastMs: number | null;
  raw: Buffer;
  status: number;
}

/** A listener that takes `listenMs` of a mount from its first byte on, as raw bytes. */
export function fetchMount(url: string, listenMs: number, timeoutMs = 10_000): Promise<Heard> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const heard: Heard = { t0: null, lastMs: null, raw: Buffer.alloc(0), status: 0 };
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(bound);
      req.destroy();
      heard.raw = Buffer.concat(chunks);
      resolve(heard);
    };
    const bound = setTimeout(finish, timeoutMs + listenMs);
    const req = httpGet(url, { headers: { 'user-agent': 'eas-bench-listener' } }, (res) => {
      heard.status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => {
        const now = performance.now();
        if (heard.t0 === null) {
          heard.t0 = now;
          setTimeout(finish, listenMs);
        }
        heard.lastMs = now;
        chunks.push(c);
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', finish);
  });
}

/**
 * Where an ADTS stream can be decoded from: Icecast starts a burst on a block the source sent,
 * not on a frame, and this ffmpeg's ADTS demuxer does not resync as players do. The first
 * sync word whose frame length lands on another sync word.
 */
export function adtsStart(raw: Buffer): number {
  for (let i = 0; i + 7 <= raw.length; i++) {
    if (raw[i] !== 0xff || (raw[i + 1]! & 0xf6) !== 0xf0) continue;
    const len = ((raw[i + 3]! & 0x03) << 11) | (raw[i + 4]! << 3) | (raw[i + 5]! >> 5);
    if (len >= 7 && i + len + 1 < raw.length && raw[i + len] === 0xff && (raw[i + len + 1]! & 0xf6) === 0xf0) return i;
  }
  return raw.length;
}

const DEMUX: Record<StreamFormat, string> = { mp3: 'mp3', aac: 'aac', vorbis: 'ogg', opus: 'ogg' };

/** Decodes what a listener received (after the fact: only sample positions matter) to mono s16 at `rate`. */
export function decodeHeard(raw: Buffer, format: StreamFormat, rate: number, timeoutMs = 20_000): Promise<Int16Array> {
  const input = format === 'aac' ? raw.subarray(adtsStart(raw)) : raw;
  return new Promise((resolve) => {
    const dec = spawn(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', DEMUX[format], '-i', 'pipe:0', '-ac', '1', '-ar', String(rate), '-f', 's16le', 'pipe:1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    dec.stdout!.on('data', (c: Buffer) => out.push(c));
    dec.stdin!.on('error', () => {});
    dec.stdin!.end(input);
    const t = setTimeout(() => dec.kill('SIGKILL'), timeoutMs);
    dec.once('close', () => {
      clearTimeout(t);
      const all = Buffer.concat(out);
      const pcm = new Int16Array(Math.floor(all.length / 2));
      for (let i = 0; i < pcm.length; i++) pcm[i] = all.readInt16LE(2 * i);
      resolve(pcm);
    });
  });
}

export interface DefaultIcecast {
  url: string;
  host: '127.0.0.1';
  port: number;
  sourcePassword: string;
  stop(): Promise<void>;
}

/**
 * icecast2 on a copy of Debian's /etc/icecast2/icecast.xml with only the port, the bind address
 * (127.0.0.1, which the stock file has commented out), the log dir and the passwords changed:
 * its 64 KB burst and 2 sources are the baseline. As root it runs as the icecast2 user, as
 * ManagedIcecast does, since icecast2 refuses to run as root.
 */
export async function startDefaultIcecast(): Promise<DefaultIcecast> {
  const stock = readFileSync('/etc/icecast2/icecast.xml', 'utf8');
  const port = await freePort();
  const sourcePassword = randomPassword();
  const dir = mkdtempSync(join(tmpdir(), 'eas-bench-ice-default-'));
  const xml = stock
    .replace('<port>8000</port>', `<port>${port}</port>`)
    .replace('<!-- <bind-address>127.0.0.1</bind-address> -->', '<bind-address>127.0.0.1</bind-address>')
    .replace('<source-password>hackme</source-password>', `<source-password>${sourcePassword}</source-password>`)
    .replace('<relay-password>hackme</relay-password>', `<relay-password>${randomPassword()}</relay-password>`)
    .replace('<admin-password>hackme</admin-password>', `<admin-password>${randomPassword()}</admin-password>`)
    .replace('<logdir>/var/log/icecast2</logdir>', `<logdir>${dir}</logdir>`);
  if (!xml.includes(`<port>${port}</port>`) || !xml.includes(`<logdir>${dir}</logdir>`)) throw new Error('/etc/icecast2/icecast.xml is not the stock Debian file this bench expects');
  const config = join(dir, 'icecast.xml');
  writeFileSync(config, xml, { mode: 0o600 });
  const ra = defaultRunAs();
  if (ra) {
    chownSync(dir, ra.uid, ra.gid);
    chownSync(config, ra.uid, ra.gid);
  }
  const child = spawn('icecast2', ['-c', config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], uid: ra?.uid, gid: ra?.gid });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4096)));
  child.on('error', (e) => (err += String(e)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await reap(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the stock-config icecast2 answering', async () => {
      if (child.exitCode !== null) throw new Error(`icecast2 (stock config) exited: ${err}`);
      return (await fetch(`${url}/status-json.xsl`).then((r) => r.ok).catch(() => false)) as boolean;
    }, 10_000, { stepMs: 100, detail: () => err });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, host: '127.0.0.1', port, sourcePassword, stop };
}

export interface WavMarkerServer {
  /** http://127.0.0.1:PORT/markers.wav */
  url: string;
  /** Wall time (performance.now ms) at which marker n's first sample was written to the socket, for the newest connection. */
  entries: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A live input whose audio the bench controls to the sample: 22050 Hz mono s16 WAV (an
 * endless data chunk) sent at real time in 10 ms steps, marker tones in it. The console takes it
 * as an http: source; "entering the console" is the write that carried the marker.
 */
export function startWavMarkerServer(rate: number): Promise<WavMarkerServer> {
  const entries = new Map<number, number>();
  const period = MARKER_PERIOD_S * rate;
  const server: Server = createServer((req, res) => {
    entries.clear();
    res.writeHead(200, { 'content-type': 'audio/wav', 'cache-control': 'no-cache' });
    res.write(wav16Header(rate, null));
    const t0 = performance.now();
    let sent = 0;
    let nextMarker = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) * rate) / 1000);
      if (due <= sent) return;
      const block = new Int16Array(due - sent);
      fillMarkers(block, sent, rate);
      res.write(Buffer.from(block.buffer));
      const now = performance.now();
      while (nextMarker * period < due) entries.set(nextMarker++, now);
      sent = due;
    }, 10);
    const end = (): void => clearInterval(timer);
    req.on('close', end);
    res.on('error', end);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/markers.wav`,
        entries,
        close: async () => {
          server.closeAllConnections();
          await new Promise((r) => server.close(r));
        },
      }),
    );
  });
}

export interface ServeEngine {
  port: number;
  pid: number;
  token: string;
  stop(): Promise<void>;
}

/** The built `eas-console serve` in its own process (as it ships), on a free loopback port. */
export async function startServe(sources: SourceConfig[]): Promise<ServeEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-bench-listen-'));
  const settings = join(dataDir, 'settings.json');
  writeFileSync(settings, JSON.stringify({ ...defaultSettings(), sources }));
  const token = 'bench-listen';
  const child = spawn(process.execPath, ['bin/eas-console.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--token', token, '--data-dir', dataDir, '--settings', settings], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, EAS_LOG_LEVEL: 'warn' },
  });
  const stop = async (): Promise<void> => {
    await reap(child, 5000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`serve printed no URL within 30 s: ${out}`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`serve exited with ${code}: ${out}`));
      });
    });
    return { port, pid: child.pid!, token, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Running sources of the engine, from /api/status. */
export async function runningSources(engine: ServeEngine): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${engine.port}/api/status`, { headers: { authorization: `Bearer ${engine.token}` } });
  const snap = (await res.json()) as { sources: { id: string; state: string }[] };
  return snap.sources.filter((s) => s.state === 'running').map((s) => s.id);
}

export interface DirectListenerStats {
  frames: number;
  /** Bus samples missing between consecutive frames (the server drops for a slow socket). */
  gapSamples: number;
  /** Largest |x[i] - x[i-1]| of what the engine sent (full scale 1), the programme's own. */
  maxStepIn: number;
  /** The same for what the jitter buffer played, from its first sound on. */
  maxStepOut: number;
  jitter: JitterStats;
}

/**
 * A Node stand-in for the browser's direct player: /ws/listen frames pushed into the real
 * JitterBuffer, pulled 128 frames at a time as an AudioWorklet is, at the wall clock's audio
 * rate (catching up after a late timer, as a device callback would ask for more).
 */
export class DirectListener {
  private readonly ws: WebSocket;
  private readonly jb: JitterBuffer;
  private readonly quantum = new Float32Array(128);
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;
  private pulled = 0;
  private expectNext: number | null = null;
  private lastIn: number | null = null;
  private lastOut: number | null = null;
  private quietIn = Infinity;
  private quietOut = Infinity;
  private sounding = false;
  private stats = { frames: 0, gapSamples: 0, maxStepIn: 0, maxStepOut: 0 };
  /** Wall times of marker onsets arriving in frames and leaving the jitter buffer. */
  readonly arrivals: number[] = [];
  readonly heard: number[] = [];
  readonly opened: Promise<void>;

  constructor(
    engine: ServeEngine,
    sourceId: string,
    private readonly rate: number,
    targetMs = 150,
  ) {
    // The worklet's setting (renderer/src/audio/listen-worklet.ts).
    this.jb = new JitterBuffer({ sampleRate: rate, targetMs });
    this.ws = new WebSocket(`ws://127.0.0.1:${engine.port}/ws/listen?source=${encodeURIComponent(sourceId)}`, { headers: { authorization: `Bearer ${engine.token}` } });
    this.ws.binaryType = 'nodebuffer';
    this.opened = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no hello on /ws/listen?source=${sourceId} within 10 s`)), 10_000);
      this.ws.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
      this.ws.once('close', (code, why) => {
        clearTimeout(t);
        reject(new Error(`/ws/listen closed ${code} ${why.toString()}`));
      });
      this.ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) {
          clearTimeout(t);
          this.start();
          resolve();
          return;
        }
        this.onFrame(data);
      });
    });
    this.opened.catch(() => {});
  }

  snapshot(): DirectListenerStats {
    return { ...this.stats, jitter: this.jb.snapshot() };
  }

  /** Counters from now on (the bench skips the start-up). */
  resetCounters(): void {
    this.stats = { frames: 0, gapSamples: 0, maxStepIn: 0, maxStepOut: 0 };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close();
    const t = setTimeout(() => this.ws.terminate(), 2000);
    await Promise.race([closed, new Promise<void>((r) => setTimeout(r, 5000))]);
    clearTimeout(t);
  }

  private start(): void {
    this.t0 = performance.now();
    this.timer = setInterval(() => this.tick(), 2);
  }

  private onFrame(buf: Buffer): void {
    const now = performance.now();
    const startSample = buf.readDoubleLE(0);
    const n = (buf.length - 8) >> 1;
    this.stats.frames++;
    if (this.expectNext !== null && startSample > this.expectNext) this.stats.gapSamples += startSample - this.expectNext;
    this.expectNext = startSample + n;
    const block = new Int16Array(n);
    for (let i = 0; i < n; i++) block[i] = buf.readInt16LE(8 + 2 * i);
    for (let i = 0; i < n; i++) {
      const x = block[i]! / 32768;
      if (this.lastIn !== null) this.stats.maxStepIn = Math.max(this.stats.maxStepIn, Math.abs(x - this.lastIn));
      this.lastIn = x;
      if (Math.abs(x) > 0.1) {
        if (this.quietIn > 0.5 * this.rate) this.arrivals.push(now);
        this.quietIn = 0;
      } else this.quietIn++;
    }
    this.jb.push(block);
  }

  private tick(): void {
    const now = performance.now();
    const due = Math.floor(((now - this.t0) * this.rate) / 1000);
    const q = this.quantum;
    while (due - this.pulled >= q.length) {
      this.jb.pull(q);
      if (!this.sounding) this.sounding = q.some((x) => x !== 0);
      for (let i = 0; i < q.length; i++) {
        const x = q[i]!;
        if (this.sounding) {
          if (this.lastOut !== null) this.stats.maxStepOut = Math.max(this.stats.maxStepOut, Math.abs(x - this.lastOut));
          this.lastOut = x;
        }
        if (Math.abs(x) > 0.1) {
          // Played at its place on the audio clock, and never before the pull that produced it.
          if (this.quietOut > 0.5 * this.rate) this.heard.push(Math.max(now, this.t0 + ((this.pulled + i) * 1000) / this.rate));
          this.quietOut = 0;
        } else this.quietOut++;
      }
      this.pulled += q.length;
    }
  }
}
