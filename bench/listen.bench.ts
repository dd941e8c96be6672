// Listening, in one run:
// 1. First audio through Icecast for a player that starts at its first byte, per format: the
//    console's streams into a managed icecast2 with our generated config (burst ~0.5 s per
//    mount) next to plain ffmpeg into an icecast2 on Debian's stock icecast.xml (64 KB burst).
// 2. The direct path mouth-to-ear on loopback: a WAV-over-HTTP marker source into the built
//    `serve` engine, /ws/listen frames through the renderer's jitter buffer at an audio clock.
// 3. Underruns and discontinuity over N minutes with the demo source, and the engine's CPU with
//    and without that listener over the same length.
// `npm run bench -- listen [--minutes N] [--listeners N] [--background noise|hum]`
// (EAS_BENCH_MINUTES, EAS_BENCH_LISTENERS, EAS_BENCH_BACKGROUND).
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StreamConfig } from '../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../electron/engine/secrets';
import { StreamManager } from '../electron/engine/streams/stream-manager';
import { randomPassword } from '../native/icecast/config';
import { ManagedIcecast } from '../native/icecast/managed';
import type { StreamFormat } from '../native/encoder/formats';
import { RATE, RealtimeFeeder, TestBus } from '../test/helpers/stream-audio';
import { sleep, waitFor } from '../test/helpers/wait';
import { decodeHeard, DirectListener, fetchMount, procCpuSeconds, runningSources, startDefaultIcecast, startServe, startWavMarkerServer, type DefaultIcecast, type DirectListenerStats } from './listen-fixtures';
import { findMarkers, MARKER_PERIOD_S, type Background, markerSample, matchMarker, max, median } from './listen-markers';
import { plainFfmpeg } from './plain-ffmpeg';
import { isMain, printTable } from './table';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FORMATS = (process.env.EAS_BENCH_FORMATS ?? 'mp3,aac,opus,vorbis').split(',') as StreamFormat[];
const KBPS: Record<StreamFormat, number> = { mp3: 128, aac: 96, opus: 48, vorbis: 64 };

function flag(name: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env[env] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} wants a positive number`);
  return v;
}

async function mountLive(baseUrl: string, mount: string): Promise<boolean> {
  const body = await fetch(`${baseUrl}/status-json.xsl`).then((r) => r.text()).catch(() => '');
  return body.includes(`${mount}"`);
}

interface FirstAudio {
  /** Seconds from the marker entering the console to a first-byte player hearing it. */
  ours: number[];
  stock: number[];
  /** Seconds of audio a new listener got at once (decoded length minus wall time listened). */
  burstOurs: number[];
  burstStock: number[];
}

/** One listener at a random moment: what it heard first and how late. */
async function firstAudio(url: string, format: StreamFormat, entries: ReadonlyMap<number, number>, listenMs: number): Promise<{ latency: number; burst: number; miss?: string }> {
  const heard = await fetchMount(url, listenMs);
  if (heard.t0 === null || heard.lastMs === null) return { latency: NaN, burst: NaN, miss: `${url}: no audio (HTTP ${heard.status})` };
  const t0 = heard.t0;
  const pcm = await decodeHeard(heard.raw, format, RATE);
  const burst = pcm.length / RATE - (heard.lastMs - t0) / 1000;
  const first = findMarkers(pcm, RATE)[0];
  if (!first && process.env.EAS_BENCH_KEEP_MISSES) writeFileSync(`/tmp/listen-miss-${format}-${Date.now()}.raw`, heard.raw);
  if (!first) return { latency: NaN, burst, miss: `${url}: no marker in ${(pcm.length / RATE).toFixed(1)} s decoded from ${heard.raw.length} bytes` };
  const heardAt = t0 + (first.sample / RATE) * 1000;
  const m = matchMarker(first.id, heardAt, entries);
  if (!m) return { latency: NaN, burst, miss: `${url}: marker id ${first.id} at ${(first.sample / RATE).toFixed(2)} s matches no marker sent` };
  return { latency: (heardAt - m.entryMs) / 1000, burst };
}

async function measureFirstAudio(listeners: number, background: Background): Promise<Map<StreamFormat, FirstAudio>> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-bench-ice-ours-'));
  const mounts = FORMATS.map((f) => ({ mount: `/ours-${f}`, bitrateKbps: KBPS[f] }));
  const sourcePassword = randomPassword();
  const ours = new ManagedIcecast({ dir, sourcePassword, adminPassword: randomPassword(), supervise: false, killAfterMs: 3000, mounts });
  const stock: DefaultIcecast[] = [];
  const plain: ChildProcess[] = [];
  const secrets = new MemorySecretStore();
  const manager = new StreamManager({ secrets });
  const bus = new TestBus('bench');
  const feeder = new RealtimeFeeder(bus, (i) => markerSample(i, RATE, background));
  const entries = new Map<number, number>();
  const period = MARKER_PERIOD_S * RATE;
  let nextMarker = 0;
  bus.onPcm((block, start) => {
    const now = performance.now();
    while (nextMarker * period < start + block.length) entries.set(nextMarker++, now);
  });
  try {
    await ours.start();
    // Debian's file allows 2 sources: one stock server per format.
    for (const _ of FORMATS) stock.push(await startDefaultIcecast());
    const cfgs: StreamConfig[] = FORMATS.map((f) => ({ id: `ours-${f}`, sourceId: 'bench', enabled: true, format: f, bitrateKbps: KBPS[f], host: '127.0.0.1', port: ours.port!, mount: `/ours-${f}` }));
    for (const c of cfgs) secrets.set(streamPasswordKey(c.id), sourcePassword);
    manager.configure(cfgs);
    FORMATS.forEach((f, i) => plain.push(plainFfmpeg(f, KBPS[f], RATE, stock[i]!, `/stock-${f}`)));
    bus.onPcm((block) => {
      const buf = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
      for (const p of plain) p.stdin!.write(buf);
    });
    feeder.start();
    manager.attachSource(bus);
    for (const c of cfgs) await waitFor(`${c.format} stream live on our icecast2`, () => manager.status(c.id)?.state === 'live', 20_000);
    for (const [i, f] of FORMATS.entries()) await waitFor(`plain ffmpeg ${f} on the stock icecast2`, () => mountLive(stock[i]!.url, `/stock-${f}`), 20_000, { stepMs: 200 });
    // Fill the stock 64 KB burst even for the lowest bitrate (48k Opus: 11 s) before anyone listens.
    await sleep(Number(process.env.EAS_BENCH_WARMUP_S ?? 25) * 1000);
    const out = new Map<StreamFormat, FirstAudio>(FORMATS.map((f) => [f, { ours: [], stock: [], burstOurs: [], burstStock: [] }]));
    for (let r = 0; r < listeners; r++) {
      await sleep(Math.random() * MARKER_PERIOD_S * 1000);
      const results = await Promise.all(
        FORMATS.flatMap((f, i) => [
          firstAudio(`${ours.url}/ours-${f}`, f, entries, 3000).then((x) => ({ f, which: 'ours' as const, x })),
          firstAudio(`${stock[i]!.url}/stock-${f}`, f, entries, 3000).then((x) => ({ f, which: 'stock' as const, x })),
        ]),
      );
      for (const { f, which, x } of results) {
        if (x.miss) console.log(`(listener missed: ${x.miss})`);
        const row = out.get(f)!;
        (which === 'ours' ? row.ours : row.stock).push(x.latency);
        (which === 'ours' ? row.burstOurs : row.burstStock).push(x.burst);
      }
    }
    return out;
  } finally {
    feeder.stop();
    for (const p of plain) {
      p.stdin!.end();
      p.kill('SIGKILL');
    }
    await manager.close();
    for (const s of stock) await s.stop();
    await ours.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Direct {
  total: number[];
  toFrame: number[];
  inBuffer: number[];
}

/** Marker entry (the WAV write) -> frame at the client -> out of the jitter buffer. */
async function measureDirect(markers: number, listenerSource: string, engine: Awaited<ReturnType<typeof startServe>>, entries: ReadonlyMap<number, number>): Promise<Direct> {
  const l = new DirectListener(engine, listenerSource, RATE);
  try {
    await l.opened;
    // Start-up (the jitter buffer filling, a first skip) is not steady-state playout.
    await sleep(3000);
    const fromArrival = l.arrivals.length;
    const fromHeard = l.heard.length;
    await sleep((markers * MARKER_PERIOD_S + 1) * 1000);
    const latest = (t: number): number | null => {
      let best: number | null = null;
      for (const e of entries.values()) if (e <= t + 50 && (best === null || e > best)) best = e;
      return best;
    };
    const out: Direct = { total: [], toFrame: [], inBuffer: [] };
    for (const h of l.heard.slice(fromHeard)) {
      const e = latest(h);
      const a = l.arrivals.slice(fromArrival).filter((x) => x <= h).at(-1);
      if (e === null) continue;
      out.total.push((h - e) / 1000);
      if (a !== undefined && a >= e) {
        out.toFrame.push((a - e) / 1000);
        out.inBuffer.push((h - a) / 1000);
      }
    }
    return out;
  } finally {
    await l.close();
  }
}

/** CPU % of one core of the engine process (all its threads) over `seconds`. */
async function engineCpu(pid: number, seconds: number): Promise<number> {
  const c0 = procCpuSeconds(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return ((procCpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
}

export async function run(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'node', 'cli.js'))) throw new Error('build first: npm run build');
  const minutes = flag('minutes', 'EAS_BENCH_MINUTES', 1);
  const listeners = flag('listeners', 'EAS_BENCH_LISTENERS', 6);
  const bgArg = process.argv.indexOf('--background');
  const background = (bgArg >= 0 ? process.argv[bgArg + 1] : process.env.EAS_BENCH_BACKGROUND ?? 'noise') as Background;
  if (background !== 'noise' && background !== 'hum') throw new Error('--background is noise or hum');

  // 1. First audio through Icecast.
  const fa = await measureFirstAudio(listeners, background);
  printTable(
    ['format', 'kbit/s', 'ours median s', 'ours max s', 'stock median s', 'stock max s', 'ours / stock', 'burst ours s', 'burst stock s', 'listeners ours/stock'],
    FORMATS.map((f) => {
      const r = fa.get(f)!;
      return [f, KBPS[f], median(r.ours), max(r.ours), median(r.stock), max(r.stock), median(r.ours) / median(r.stock), median(r.burstOurs), median(r.burstStock),
        `${r.ours.filter(Number.isFinite).length}/${r.stock.filter(Number.isFinite).length} of ${listeners}`];
    }),
  );
  console.log('first audio: marker tone entering the console (bus) -> heard by a new listener playing from its first byte (t0 + k/rate of the first marker it decoded)');
  console.log('ours: the console\'s streams into icecast2 with our generated config (per-mount burst ~0.5 s); stock: plain ffmpeg, same encoder settings, into icecast2 on Debian\'s icecast.xml (64 KB burst)');
  console.log('burst: audio a listener received beyond real time (decoded seconds minus seconds listened); target ours <= 1.0 s for MP3, AAC, Opus');
  console.log(`between markers: ${background === 'noise' ? '-30 dBFS white noise (streams at their nominal bitrate, as with programme audio)' : '-43 dBFS hum (near silence: AAC and Vorbis undershoot their bitrate, so a burst in bytes holds more seconds)'}; --background ${background === 'noise' ? 'hum' : 'noise'} for the other`);

  // 2 and 3. The direct path, on the engine as it ships.
  const wav = await startWavMarkerServer(RATE);
  let engine: Awaited<ReturnType<typeof startServe>> | null = null;
  try {
    engine = await startServe([
      { id: 'markers', name: 'Markers', uri: wav.url, priority: 0, enabled: true },
      // An RWT every minute: windows of whole minutes back to back hold the same number.
      { id: 'demo', name: 'Demo', uri: 'demo:?first=30&every=60', priority: 1, enabled: true },
    ]);
    const e = engine;
    await waitFor('both sources running in serve', async () => (await runningSources(e)).length === 2, 30_000, { stepMs: 250 });
    await sleep(5000);
    const direct = await measureDirect(Number(process.env.EAS_BENCH_MARKERS ?? 10), 'markers', e, wav.entries);
    printTable(
      ['direct path (loopback)', 'median s', 'max s', 'markers', 'median / 0.3 s target'],
      [
        ['input write -> frame at the client (engine + WebSocket)', median(direct.toFrame), max(direct.toFrame), direct.toFrame.length, median(direct.toFrame) / 0.3],
        ['frame -> out of the jitter buffer (playout, target 150 ms)', median(direct.inBuffer), max(direct.inBuffer), direct.inBuffer.length, median(direct.inBuffer) / 0.3],
        ['mouth-to-ear: input write -> out of the jitter buffer', median(direct.total), max(direct.total), direct.total.length, median(direct.total) / 0.3],
      ],
    );
    console.log('marker source: 22050 Hz s16 WAV over HTTP at real time (an http: source, decoded by the engine\'s ffmpeg); the device\'s own output latency (~10-40 ms in a browser) is not included');

    // 3. Engine CPU without, then with, one direct listener on the demo source; same length.
    const seconds = minutes * 60;
    const idle = await engineCpu(e.pid, seconds);
    const l = new DirectListener(e, 'demo', RATE);
    let st: DirectListenerStats;
    let withListener: number;
    try {
      await l.opened;
      await sleep(2000);
      const startUnderruns = l.snapshot().jitter.underruns;
      l.resetCounters();
      withListener = await engineCpu(e.pid, seconds);
      st = l.snapshot();
      st.jitter.underruns -= startUnderruns;
    } finally {
      await l.close();
    }
    printTable(
      [`demo source, ${minutes} min`, 'value', 'vs baseline'],
      [
        ['engine CPU % of a core, no listener (baseline)', idle, 1],
        ['engine CPU % of a core, one direct listener', withListener, withListener / idle],
        ['  cost of the listener (difference, target < 2 %)', withListener - idle, NaN],
        ['underruns (target 0)', st.jitter.underruns, NaN],
        ['overrun skips', st.jitter.overruns, NaN],
        ['frames received', st.frames, NaN],
        ['bus samples missing between frames', st.gapSamples, NaN],
        ['max sample step sent (programme\'s own, baseline)', st.maxStepIn, 1],
        ['max sample step played (discontinuity)', st.maxStepOut, st.maxStepOut / st.maxStepIn],
      ],
    );
    console.log('CPU: /proc utime+stime of the serve process (main thread and source workers), the two windows back to back; sample steps in full scale = 1');
  } finally {
    await engine?.stop();
    await wav.close();
  }
}

if (isMain(import.meta.url)) await run();
