// The engine as it ships (the built `eas-console serve`, its own process): event-loop delay
// of the engine thread, CPU and RSS from its /api/status self-report, with 0, 1 and 8 sources.
// The idle engine is the baseline measured in the same run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceConfig, StatusSnapshot } from '../electron/contract';
import { defaultSettings } from '../electron/engine/settings-store';
import { startMixFixtures, type MixFixtures } from './engine-fixtures';
import { isMain, printTable } from './table';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench';

interface Sample {
  label: string;
  sources: number;
  running: number;
  p50: number;
  p99: number;
  max: number;
  cpuPct: number;
  rssMb: number;
}

async function measure(label: string, sources: SourceConfig[], windowS: number): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-bench-'));
  const settings = join(dataDir, 'settings.json');
  writeFileSync(settings, JSON.stringify({ ...defaultSettings(), sources }));
  const child = spawn(process.execPath, ['bin/eas-console.js', 'serve', '--port', '0', '--token', TOKEN, '--data-dir', dataDir, '--settings', settings], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, EAS_LOG_LEVEL: 'warn' },
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const status = async (): Promise<StatusSnapshot> =>
      (await (await fetch(`http://127.0.0.1:${port}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as StatusSnapshot;
    // The engine reports 10 s windows: skip the one with start-up in it, report the next.
    await new Promise((r) => setTimeout(r, 10_500 + windowS * 0));
    const first = (await status()).engine.windowS;
    await new Promise((r) => setTimeout(r, 10_000));
    const snap = await status();
    void first;
    return {
      label,
      sources: sources.length,
      running: snap.sources.filter((s) => s.state === 'running').length,
      p50: snap.engine.eventLoopP50Ms,
      p99: snap.engine.eventLoopP99Ms,
      max: snap.engine.eventLoopMaxMs,
      cpuPct: snap.engine.cpuPct,
      rssMb: snap.engine.rssMb,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'node', 'cli.js'))) throw new Error('build first: npm run build');
  const demo = (n: number): SourceConfig[] =>
    Array.from({ length: n }, (_, i) => ({ id: `demo${i}`, name: `Demo ${i}`, uri: `demo:?first=${2 + i}&every=5`, priority: i, enabled: true }));
  const rows: Sample[] = [];
  rows.push(await measure('idle engine (baseline)', [], 10));
  rows.push(await measure('1 demo source', demo(1), 10));
  rows.push(await measure('8 demo sources (an RWT every 5 s each)', demo(8), 10));
  let fx: MixFixtures | null = null;
  try {
    fx = await startMixFixtures();
    rows.push(await measure('8 mixed: 2 demo, 2 file, 2 rtl_tcp NFM 1.024 Msps, 2 http MP3', fx.sources, 10));
  } finally {
    await fx?.close();
  }
  const base = rows[0]!;
  printTable(
    ['case', 'sources', 'running', 'loop p50 ms', 'loop p99 ms', 'p99 / baseline', 'max ms', 'CPU %', 'RSS MB', 'RSS / baseline'],
    rows.map((r) => [r.label, r.sources, r.running, r.p50, r.p99, r.p99 / base.p99, r.max, r.cpuPct, r.rssMb, r.rssMb / base.rssMb]),
  );
  console.log('targets: engine event-loop p99 < 20 ms; RSS < 400 MB with 8 sources. 10 s window after 10 s of warm-up.');
  console.log('CPU % and RSS are the engine process (main thread + source workers); ffmpeg children are not included.');
}

if (isMain(import.meta.url)) await run();
