// `npm run soak -- --minutes N [--alert-every S] [--built]`: the serve process with eight real-time
// sources (2 demo, 2 looping files, 2 rtl_tcp NFM at 1.024 Msps, 2 HTTP MP3), each streamed to
// a local icecast2, and an alert on every source every few minutes. At the end it prints memory
// (start/end/max RSS, engine and its ffmpeg children), CPU, event-loop delay, reconnects, and
// decoded vs sent alerts; it exits 1 when an alert was missed or invented or memory grew.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { DecoderEvent, SourceStatus, StatusSnapshot, StreamStatus } from '../electron/contract';
import { encodeSame } from '../electron/core/same';
import { defaultSettings } from '../electron/engine/settings-store';
import { startIcecast } from '../test/helpers/icecast';
import { alertSamples, httpInput, loopFile, RATE, rtlInput, soakHeader, tempDir, type Injector } from './soak-fixtures';
import { processTree, TreeCpu } from './soak-proc';
import { printTable } from './table';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'soak-token-0123456789abcdef';
const WX1 = 162_550_000;
/** After a header is due, how long the soak waits for it before calling it missed. */
const DECODE_GRACE_S = 40;

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'alert-every': { type: 'string', default: '180' },
    built: { type: 'boolean', default: false },
  },
});
const minutes = Number(opts.minutes);
const alertEveryS = Math.max(60, Number(opts['alert-every']));
if (!(minutes > 0)) throw new Error('--minutes must be a positive number');

interface SourcePlan {
  id: string;
  label: string;
  uri: string;
  /** Bus sample windows an alert occupies, from the source's own schedule (demo, file). */
  windows?: (endSample: number) => Array<[number, number]>;
  /** Alerts the soak sends itself (rtl_tcp, HTTP): first after `firstS`, then every alertEveryS. */
  injector?: Injector;
  firstS?: number;
}

const sent = new Map<string, { sourceId: string; atS: number }>();
const decoded: DecoderEvent[] = [];
const retries = new Map<string, number>();

function log(line: string): void {
  process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function waitForPort(child: ChildProcess, errTail: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL within 60 s:\n${out}\n${errTail()}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${errTail()}`));
    });
  });
}

function windowsEvery(firstSample: number, periodSamples: number, length: number): (end: number) => Array<[number, number]> {
  return (end) => {
    const out: Array<[number, number]> = [];
    for (let s = firstSample; s < end; s += periodSamples) out.push([s, s + length]);
    return out;
  };
}

async function main(): Promise<number> {
  const tmp = tempDir();
  const closers: Array<() => Promise<void> | void> = [() => tmp.remove()];
  let serve: ChildProcess | null = null;
  try {
    log(`starting icecast2 and the inputs (${minutes} min soak, an alert per source every ${alertEveryS} s)`);
    const ice = await startIcecast({ sources: 16 });
    closers.push(() => ice.stop());
    const demoLen = encodeSame({ header: 'ZCZC-EAS-RWT-029095+0015-0010000-KDEMO/FM-', sampleRate: RATE, attention: { kind: 'nwr', seconds: 8 } }).length;
    const loops = [loopFile(tmp.dir, 'loop0.wav', alertEveryS, 30, soakHeader(900_001, 'SVR'), 5), loopFile(tmp.dir, 'loop1.wav', alertEveryS, 35, soakHeader(900_002, 'FFW'), 6)];
    const rtl = [await rtlInput(3), await rtlInput(4)];
    const http = [await httpInput(8), await httpInput(9)];
    for (const x of [...rtl, ...http]) closers.push(() => x.close());
    const aLen = alertSamples();
    const plans: SourcePlan[] = [
      { id: 'src1', label: 'demo 0', uri: `demo:?first=20&every=${alertEveryS}`, windows: windowsEvery(20 * RATE, alertEveryS * RATE, demoLen + 2000) },
      { id: 'src2', label: 'demo 1', uri: `demo:?first=25&every=${alertEveryS}`, windows: windowsEvery(25 * RATE, alertEveryS * RATE, demoLen + 2000) },
      ...loops.map((f, i) => ({ id: `src${3 + i}`, label: `file ${i}`, uri: `file:${f.path}?loop=1`, windows: windowsEvery(f.alertAtSample, f.loopSamples, aLen) })),
      ...rtl.map((r, i) => ({ id: `src${5 + i}`, label: `rtl_tcp ${i}`, uri: `rtltcp://127.0.0.1:${r.port}?freq=${WX1}&rate=1024000&mode=nfm`, injector: r, firstS: 40 + 5 * i })),
      ...http.map((h, i) => ({ id: `src${7 + i}`, label: `http ${i}`, uri: `http://127.0.0.1:${h.port}/live.mp3`, injector: h, firstS: 50 + 5 * i })),
    ];

    const dataDir = join(tmp.dir, 'data');
    const settings = join(tmp.dir, 'settings.json');
    writeFileSync(settings, JSON.stringify({ ...defaultSettings(), sources: [] }));
    const tokenFile = join(tmp.dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const args = ['serve', '--port', '0', '--token-file', tokenFile, '--data-dir', dataDir, '--settings', settings, '--log-level', 'warn'];
    for (const p of plans) args.push('--source', p.uri, '--stream', `icecast://source:@127.0.0.1:${ice.port}/soak-${p.id}.mp3?format=mp3&bitrate=64`);
    const cmd = opts.built ? [join(ROOT, 'bin/eas-console.js')] : ['--import', 'tsx', join(ROOT, 'electron/cli/index.ts')];
    serve = spawn(process.execPath, [...cmd, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EAS_STREAM_PASSWORD: ice.sourcePassword } });
    let errTail = '';
    serve.stderr!.on('data', (d: Buffer) => (errTail = (errTail + d.toString()).slice(-8000)));
    const child = serve;
    const port = await waitForPort(child, () => errTail);
    const pid = child.pid!;
    const base = `http://127.0.0.1:${port}`;
    const status = async (): Promise<StatusSnapshot> => (await (await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as StatusSnapshot;

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const lastState = new Map<string, string>();
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { t: string; name?: string; payload?: unknown };
      if (msg.t !== 'event') return;
      if (msg.name === 'decoder.event') {
        const e = msg.payload as DecoderEvent;
        if (e.kind === 'header') decoded.push(e);
      } else if (msg.name === 'sources.changed') {
        for (const s of msg.payload as SourceStatus[]) {
          const prev = lastState.get(s.id);
          if (prev !== s.state && (s.state === 'retrying' || s.state === 'failed') && prev !== undefined) retries.set(s.id, (retries.get(s.id) ?? 0) + 1);
          lastState.set(s.id, s.state);
        }
      }
    });

    log(`serve pid ${pid} on ${base}${opts.built ? ' (built bundle)' : ' (TypeScript sources through tsx)'}; waiting for the 8 sources and streams`);
    const readyBy = Date.now() + 90_000;
    for (;;) {
      const s = await status();
      const running = s.sources.filter((x) => x.state === 'running').length;
      const live = s.streams.filter((x) => x.state === 'live').length;
      if (running === 8 && live === 8) break;
      if (Date.now() > readyBy) throw new Error(`not ready after 90 s: ${running}/8 sources running, ${live}/8 streams live\n${JSON.stringify(s.sources.map((x) => [x.id, x.state, x.error]))}\n${JSON.stringify(s.streams.map((x) => [x.streamId, x.state, x.lastError]))}`);
      await new Promise((r) => setTimeout(r, 1000));
    }

    const t0 = Date.now();
    const elapsedS = (): number => (Date.now() - t0) / 1000;
    const durationS = minutes * 60;
    const cpu = new TreeCpu();
    const mem: Array<{ t: number; engineMb: number; treeMb: number }> = [];
    const windows: Array<{ p99: number; max: number; cpuPct: number }> = [];
    let seq = 1;
    const due = plans.filter((p) => p.injector).map((p) => ({ plan: p, nextS: p.firstS! }));
    const sample = (): void => {
      const tree = processTree(pid);
      cpu.sample(tree);
      const engine = tree.find((p) => p.pid === pid);
      mem.push({ t: elapsedS(), engineMb: (engine?.rssBytes ?? 0) / 1048576, treeMb: tree.reduce((a, p) => a + p.rssBytes, 0) / 1048576 });
    };
    sample();
    log('all 8 sources running and streaming; soaking');
    let nextStatusS = 10;
    let nextReportS = 60;
    while (elapsedS() < durationS) {
      const t = elapsedS();
      for (const d of due) {
        // No new alert in the last stretch: it could not be heard before the end.
        if (t >= d.nextS && d.nextS <= durationS - DECODE_GRACE_S) {
          const header = soakHeader(seq++, ['TOR', 'SVR', 'FFW', 'SPS'][seq % 4]!);
          d.plan.injector!.inject(header);
          sent.set(header, { sourceId: d.plan.id, atS: t });
          d.nextS += alertEveryS;
        }
      }
      sample();
      if (t >= nextStatusS) {
        nextStatusS += 10;
        const e = (await status()).engine;
        windows.push({ p99: e.eventLoopP99Ms, max: e.eventLoopMaxMs, cpuPct: e.cpuPct });
      }
      if (t >= nextReportS) {
        nextReportS += 60;
        const m = mem.at(-1)!;
        log(`${(t / 60).toFixed(1)} min: engine RSS ${m.engineMb.toFixed(0)} MB (with children ${m.treeMb.toFixed(0)} MB), ${decoded.length} headers decoded, ${sent.size} injected`);
      }
      await new Promise((r) => setTimeout(r, 2000));
    }

    // Injected alerts still on their way get the grace to arrive.
    const drainBy = Date.now() + DECODE_GRACE_S * 1000;
    while (Date.now() < drainBy && [...sent.keys()].some((h) => !decoded.some((e) => e.raw === h))) await new Promise((r) => setTimeout(r, 1000));
    sample();
    const final = await status();
    const wallS = elapsedS();
    ws.close();

    // ---- the report -------------------------------------------------------------------------
    const rows: Array<Array<string | number>> = [];
    let totalSent = 0;
    let totalDecoded = 0;
    let phantoms = 0;
    for (const p of plans) {
      const mine = decoded.filter((e) => e.sourceId === p.id);
      let nSent = 0;
      let nDecoded = 0;
      let nPhantom = 0;
      if (p.windows) {
        const end = final.sources.find((s) => s.id === p.id)?.samples ?? 0;
        const all = p.windows(end);
        // A window that ended less than the grace before the end may still be decoding: not counted either way.
        const counted = all.filter(([, e]) => e + DECODE_GRACE_S * RATE <= end);
        nSent = counted.length;
        nDecoded = counted.filter(([s, e]) => mine.some((d) => d.sampleIndex >= s && d.sampleIndex <= e)).length;
        nPhantom = mine.filter((d) => !all.some(([s, e]) => d.sampleIndex >= s && d.sampleIndex <= e)).length;
      } else {
        const mineSent = [...sent].filter(([, v]) => v.sourceId === p.id).map(([h]) => h);
        nSent = mineSent.length;
        nDecoded = mineSent.filter((h) => mine.some((d) => d.raw === h)).length;
        nPhantom = mine.filter((d) => !sent.has(d.raw ?? '')).length;
      }
      totalSent += nSent;
      totalDecoded += nDecoded;
      phantoms += nPhantom;
      const stream = final.streams.find((s: StreamStatus) => s.sourceId === p.id);
      const counts = [retries.get(p.id) ?? 0, stream?.reconnects ?? 0, nSent, nDecoded, nPhantom].map(String);
      rows.push([p.id, p.label, final.sources.find((s) => s.id === p.id)?.state ?? '?', stream?.state ?? '-', ...counts]);
    }
    console.log('');
    printTable(['source', 'kind', 'state', 'stream', 'source retries', 'stream reconnects', 'alerts sent', 'decoded', 'phantom'], rows);

    const warm = mem.filter((m) => m.t >= Math.min(30, wallS / 4));
    const engineMb = warm.map((m) => m.engineMb);
    const treeMb = warm.map((m) => m.treeMb);
    const third = Math.max(1, Math.floor(warm.length / 3));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const middle = mean(engineMb.slice(third, 2 * third));
    const last = mean(engineMb.slice(-third));
    const slope = linearSlope(warm.map((m) => m.t), engineMb) * 3600;
    const flat = last - middle <= Math.max(5, 0.03 * middle);
    const used = cpu.used(pid);
    const p99s = windows.map((w) => w.p99).sort((a, b) => a - b);
    console.log('');
    console.log(`soak: ${(wallS / 60).toFixed(1)} min with 8 sources and 8 MP3 streams to icecast2 on 127.0.0.1:${ice.port}${opts.built ? '' : ' (engine from TypeScript sources via tsx)'}`);
    console.log(`memory, engine RSS: start ${engineMb[0]?.toFixed(0)} MB, end ${engineMb.at(-1)?.toFixed(0)} MB, max ${Math.max(...engineMb).toFixed(0)} MB; with its ffmpeg children: start ${treeMb[0]?.toFixed(0)}, end ${treeMb.at(-1)?.toFixed(0)}, max ${Math.max(...treeMb).toFixed(0)} MB`);
    console.log(`memory flat: ${flat ? 'yes' : 'NO'} (mean of the last third ${last.toFixed(1)} MB vs the middle third ${middle.toFixed(1)} MB; trend ${slope >= 0 ? '+' : ''}${slope.toFixed(0)} MB/h)`);
    console.log(`CPU: engine ${((100 * used.rootS) / wallS).toFixed(1)} % of one core (its own windows: mean ${mean(windows.map((w) => w.cpuPct)).toFixed(1)} %), ffmpeg children ${((100 * used.childrenS) / wallS).toFixed(1)} %`);
    console.log(`event-loop delay p99 (10 s windows): median ${p99s[Math.floor(p99s.length / 2)]?.toFixed(1)} ms, worst ${p99s.at(-1)?.toFixed(1)} ms; longest single delay ${Math.max(...windows.map((w) => w.max)).toFixed(1)} ms`);
    console.log(`reconnects: ${final.streams.reduce((a, s) => a + s.reconnects, 0)} stream, ${[...retries.values()].reduce((a, b) => a + b, 0)} source`);
    console.log(`alerts: sent ${totalSent}, decoded ${totalDecoded}, phantom ${phantoms}${totalSent === totalDecoded && phantoms === 0 ? ' (sent = decoded)' : ' (MISMATCH)'}`);
    return totalSent === totalDecoded && phantoms === 0 && flat && totalSent > 0 ? 0 : 1;
  } finally {
    if (serve && serve.exitCode === null && serve.signalCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      const kill = setTimeout(() => serve!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    }
    for (const c of closers.reverse()) await c();
  }
}

function linearSlope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

process.exitCode = await main();
