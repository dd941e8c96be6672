import { spawn, type ChildProcess } from 'node:child_process';
import { request, type ClientRequest } from 'node:http';
import type { PcmBus, PcmListener } from '../../electron/engine/bus';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { sleep, waitFor } from './wait';

export const RATE = 22050;

/** A PcmBus fed by the test: real PCM, stamped with a running sample index. */
export class TestBus implements PcmBus {
  readonly sourceId: string;
  private readonly listeners = new Set<PcmListener>();
  /** Next bus sample index, i.e. samples delivered so far. */
  next = 0;
  constructor(sourceId: string) {
    this.sourceId = sourceId;
  }
  onPcm(listener: PcmListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
  push(block: Int16Array): void {
    const start = this.next;
    this.next += block.length;
    for (const l of this.listeners) l(block, start);
  }
}

/** What to play at sample index i (a pure function, so tests know what was sent). */
export type Signal = (i: number) => number;

export const silence: Signal = () => 0;
/** Quiet background (-43 dBFS RMS): keeps codecs at their normal bitrate, below loudSegment's threshold. */
export const hum: Signal = (i) => Math.round(300 * Math.sin((2 * Math.PI * 300 * i) / RATE));
export const tone =
  (hz: number, amp = 0.5): Signal =>
  (i) =>
    Math.round(amp * 32767 * Math.sin((2 * Math.PI * hz * i) / RATE));

/**
 * Pushes the signal into the bus in 20 ms blocks at the real-time rate (catching up after a
 * late timer, as a real source does). `setSignal` swaps what plays from the next block on.
 */
export class RealtimeFeeder {
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;
  private sent = 0;
  private signal: Signal;
  /**
   * Bus sample index at which each setSignal took effect, when it was called, and when the
   * block holding that sample went into the bus (performance.now ms).
   */
  readonly marks: { at: number; wallMs: number; pushedMs: number | null }[] = [];
  constructor(
    private readonly bus: TestBus,
    signal: Signal = silence,
  ) {
    this.signal = signal;
  }
  start(): this {
    this.t0 = performance.now();
    this.timer = setInterval(() => this.tick(), 10);
    return this;
  }
  setSignal(signal: Signal): number {
    this.tick();
    this.signal = signal;
    this.marks.push({ at: this.bus.next, wallMs: performance.now(), pushedMs: null });
    return this.bus.next;
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
  get samplesSent(): number {
    return this.sent;
  }
  private tick(): void {
    const due = Math.floor(((performance.now() - this.t0) * RATE) / 1000);
    while (due - this.sent >= 441) {
      const block = new Int16Array(441);
      const base = this.bus.next;
      for (let i = 0; i < block.length; i++) block[i] = this.signal(base + i);
      this.sent += block.length;
      this.bus.push(block);
      const now = performance.now();
      for (let m = this.marks.length - 1; m >= 0 && this.marks[m]!.pushedMs === null; m--) {
        if (this.marks[m]!.at < base + block.length) this.marks[m]!.pushedMs = now;
      }
    }
  }
}

export interface ListenResult {
  /** Decoded mono s16 at RATE. */
  pcm: Int16Array;
  bytes: number;
  /** Wall-clock ms (performance.now) of each HTTP chunk. */
  chunkTimes: number[];
  /** The raw stream (kept when keepRaw). */
  raw: Buffer | null;
  status: number;
  /** When decoded samples first and last arrived (wall clock), for latency estimates. */
  decodedAt: { sample: number; wallMs: number }[];
}

export interface Listener {
  /** Resolves when the first body byte arrived. */
  firstByte: Promise<void>;
  /** Ends the listener (or waits for the server to end it) and returns what it heard. */
  done(): Promise<ListenResult>;
  close(): void;
}

const DEMUX: Record<string, string> = { mp3: 'mp3', aac: 'aac', vorbis: 'ogg', opus: 'ogg' };

/** An HTTP listener on a mount whose audio is decoded by a real ffmpeg to mono s16 at 22050. */
export function listen(url: string, format: 'mp3' | 'aac' | 'vorbis' | 'opus', opts: { keepRaw?: boolean } = {}): Listener {
  const dec: ChildProcess = spawn(
    ffmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-fflags', '+nobuffer', '-probesize', '2048', '-analyzeduration', '0', '-f', DEMUX[format]!, '-i', 'pipe:0', '-ac', '1', '-ar', String(RATE), '-flush_packets', '1', '-f', 's16le', 'pipe:1'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const pcmChunks: Buffer[] = [];
  const raw: Buffer[] = [];
  const chunkTimes: number[] = [];
  const decodedAt: { sample: number; wallMs: number }[] = [];
  let decodedBytes = 0;
  let bytes = 0;
  let status = 0;
  dec.stdout!.on('data', (c: Buffer) => {
    pcmChunks.push(c);
    decodedBytes += c.length;
    decodedAt.push({ sample: Math.floor(decodedBytes / 2), wallMs: performance.now() });
  });
  dec.stderr!.on('data', () => {});
  dec.stdin!.on('error', () => {});
  const decoded = new Promise<void>((resolve) => dec.once('close', () => resolve()));
  let markFirst: () => void = () => {};
  let failFirst: (err: Error) => void = () => {};
  const firstByte = new Promise<void>((resolve, reject) => {
    markFirst = resolve;
    failFirst = reject;
  });
  // Callers that never await firstByte must not see an unhandled rejection.
  firstByte.catch(() => {});
  let req: ClientRequest | null = null;
  const ended = new Promise<void>((resolve) => {
    req = request(url, { headers: { 'User-Agent': 'eas-test-listener' } }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => {
        if (bytes === 0) markFirst();
        bytes += c.length;
        chunkTimes.push(performance.now());
        if (opts.keepRaw) raw.push(c);
        dec.stdin!.write(c);
      });
      const over = (): void => {
        if (bytes === 0) failFirst(new Error(`listener on ${url} ended with status ${status} before any audio`));
        resolve();
      };
      res.on('end', over);
      res.on('error', over);
      res.on('close', over);
    });
    req.on('error', (err) => {
      failFirst(err);
      resolve();
    });
    req.end();
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    req?.destroy();
    dec.stdin!.end();
    setTimeout(() => dec.kill('SIGKILL'), 3000).unref();
  };
  return {
    firstByte,
    close,
    async done() {
      await Promise.race([ended, sleep(15_000)]);
      close();
      await decoded;
      const all = Buffer.concat(pcmChunks);
      return {
        pcm: new Int16Array(all.buffer, all.byteOffset, Math.floor(all.length / 2)),
        bytes,
        chunkTimes,
        raw: opts.keepRaw ? Buffer.concat(raw) : null,
        status,
        decodedAt,
      };
    },
  };
}

/**
 * A listener that has audio flowing. Icecast answers a listener only once new data reaches
 * the mount, and 404s one that comes before the mount exists: so retry until bytes arrive.
 */
export async function connectListener(url: string, format: 'mp3' | 'aac' | 'vorbis' | 'opus', opts: { keepRaw?: boolean; timeoutMs?: number } = {}): Promise<Listener> {
  let current: Listener | null = null;
  let lastErr: unknown = null;
  const attempt = async (): Promise<Listener | null> => {
    const l = (current = listen(url, format, opts));
    if (await l.firstByte.then(() => true, (err: unknown) => ((lastErr = err), false))) return l;
    l.close();
    await l.done();
    return null;
  };
  try {
    return await waitFor(`audio from ${url}`, attempt, opts.timeoutMs ?? 15_000, { stepMs: 200, detail: () => `last error: ${String(lastErr)}` });
  } catch (err) {
    // The attempt the deadline cut short: its decoder must not outlive the test.
    const l = current as Listener | null;
    l?.close();
    await l?.done();
    throw err;
  }
}

export interface Segment {
  /** First and last (exclusive) sample of the loud part. */
  start: number;
  end: number;
  samples: number;
  /** Longest run of quiet windows inside the segment, seconds. */
  longestGapS: number;
}

/** Finds the loud part (RMS over 10 ms windows above threshold) of decoded audio. */
export function loudSegment(pcm: Int16Array, threshold = 0.1): Segment | null {
  const win = Math.round(RATE / 100);
  const loud: boolean[] = [];
  for (let w = 0; (w + 1) * win <= pcm.length; w++) {
    let sum = 0;
    for (let i = w * win; i < (w + 1) * win; i++) sum += (pcm[i]! / 32768) ** 2;
    loud.push(Math.sqrt(sum / win) > threshold);
  }
  const first = loud.indexOf(true);
  const last = loud.lastIndexOf(true);
  if (first < 0) return null;
  let gap = 0;
  let longest = 0;
  for (let w = first; w <= last; w++) {
    gap = loud[w] ? 0 : gap + 1;
    longest = Math.max(longest, gap);
  }
  // Refine the edges to the sample: first/last sample over the threshold's amplitude.
  const amp = threshold * 32768;
  let start = first * win;
  while (start < (first + 1) * win && Math.abs(pcm[start]!) < amp) start++;
  let end = (last + 1) * win;
  while (end > last * win && Math.abs(pcm[end - 1]!) < amp) end--;
  return { start, end, samples: end - start, longestGapS: (longest * win) / RATE };
}

/** /status-json.xsl's sources as an array (Icecast gives an object for one, nothing for none). */
export async function icecastSources(baseUrl: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${baseUrl}/status-json.xsl`);
  const text = await res.text();
  let doc: { icestats?: { source?: unknown } };
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const s = doc.icestats?.source;
  if (!s) return [];
  return (Array.isArray(s) ? s : [s]) as Record<string, unknown>[];
}

export async function mountInfo(baseUrl: string, mount: string): Promise<Record<string, unknown> | null> {
  const all = await icecastSources(baseUrl);
  return all.find((s) => String(s.listenurl ?? '').endsWith(mount)) ?? null;
}
