// Engine event-loop health with demo sources running: p50/p99 event-loop delay, CPU and
// RSS, against an idle baseline (no sources) measured in the same process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Engine } from '../electron/engine/engine';
import { defaultSettings } from '../electron/engine/settings-store';
import type { SourceConfig } from '../electron/contract';
import { isMain, printTable } from './table';
import { startMixFixtures, type MixFixtures } from './engine-fixtures';

interface Sample {
  label: string;
  sources: number;
  p50: number;
  p99: number;
  max: number;
  cpuPct: number;
  rssMb: number;
}

async function measure(label: string, sources: SourceConfig[], seconds: number): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-bench-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ...defaultSettings(), sources }));
  const engine = new Engine({ dataDir, mode: 'serve', version: 'bench' });
  await engine.start();
  await new Promise((r) => setTimeout(r, 1500)); // workers up and running
  const h = monitorEventLoopDelay({ resolution: 5 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  h.enable();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  h.disable();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await engine.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    label,
    sources: sources.length,
    p50: h.percentile(50) / 1e6,
    p99: h.percentile(99) / 1e6,
    max: h.max / 1e6,
    // Process CPU includes the worker threads: the whole engine's cost.
    cpuPct: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
    rssMb,
  };
}

export async function run(): Promise<void> {
  const demo = (n: number): SourceConfig[] =>
    Array.from({ length: n }, (_, i) => ({ id: `demo${i}`, name: `Demo ${i}`, uri: `demo:?first=${2 + i}`, priority: i, enabled: true }));
  const seconds = Number(process.env.EAS_BENCH_SECONDS ?? 8);
  const rows: Sample[] = [];
  rows.push(await measure('idle engine (baseline)', [], seconds));
  rows.push(await measure('1 demo source', demo(1), seconds));
  rows.push(await measure('8 demo sources', demo(8), seconds));
  let fx: MixFixtures | null = null;
  try {
    fx = await startMixFixtures();
    rows.push(await measure('8 mixed: 2 demo, 2 file, 2 rtl_tcp NFM 1.024 Msps, 2 http MP3', fx.sources, seconds));
  } finally {
    await fx?.close();
  }
  const base = rows[0]!;
  printTable(
    ['case', 'sources', 'loop p50 ms', 'loop p99 ms', 'p99 / baseline', 'max ms', 'CPU %', 'RSS MB'],
    rows.map((r) => [r.label, r.sources, r.p50, r.p99, r.p99 / base.p99, r.max, r.cpuPct, r.rssMb]),
  );
  console.log('targets: event-loop p99 < 20 ms with sources running; RSS < 400 MB with 8 sources');
  console.log('CPU % is the whole process (engine thread + source workers) plus nothing of ffmpeg children.');
}

if (isMain(import.meta.url)) await run();
