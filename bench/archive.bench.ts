// Archive targets: writing < 2 % of one core per source at 24 kbit/s; seek to any moment of
// 7 days and first audio < 200 ms; a 7-day timeline overview from the index < 100 ms; disk per
// source-day. The segment writer runs the real bundled ffmpeg.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { segmentName } from '../electron/core/archive/segment-name';
import { runFfmpegPcm } from '../native/ffmpeg-pcm';
import { ArchiveIndex } from '../electron/engine/archive/archive-index';
import { ArchiveRecorder } from '../electron/engine/archive/archive-recorder';
import { ArchiveService } from '../electron/engine/archive/archive-service';
import { DEFAULT_ARCHIVE_SETTINGS } from '../electron/contract';
import { isMain, printTable } from './table';

const RATE = 22050;
const DAY = 86_400_000;

/** CPU seconds of this process's reaped children (utime + stime of the waited-for), from /proc. */
function childCpuS(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 (cutime, cstime), counted from 1, minus the two before "rest".
  return (Number(rest[13]) + Number(rest[14])) / 100;
}

function speechLike(seconds: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const t = i / RATE;
    const syll = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = syll * (0.25 * Math.sin(2 * Math.PI * (180 + 40 * Math.sin(t)) * t) + 0.05 * ((seed / 2 ** 32) * 2 - 1));
  }
  return out;
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'eas-archive-bench-'));
  try {
    // 1. Writing: 3 minutes of audio through the recorder (60 s segments), CPU of node + ffmpeg.
    const seconds = 180;
    const audio = speechLike(seconds);
    let clock = Date.UTC(2026, 0, 1);
    const rec = new ArchiveRecorder({ root, sourceId: 'src', sampleRate: RATE, bitrateKbps: 24, segmentSeconds: 60, minFreeBytes: 0, now: () => clock, onStatus: () => {}, onLog: () => {} });
    const cpu0 = process.cpuUsage();
    const child0 = childCpuS();
    for (let i = 0; i < audio.length; i += 441) {
      clock += 20;
      rec.push(audio.subarray(i, i + 441));
    }
    await rec.close();
    const own = process.cpuUsage(cpu0);
    const cpuS = (own.user + own.system) / 1e6 + (childCpuS() - child0);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    const segs = index.bySource('src');
    const bytes = segs.reduce((a, s) => a + s.bytes, 0);
    const real = segs[1]!;

    // 2. Seven days of one-minute segments in the index (the real file copied under every name).
    const t0 = Date.UTC(2026, 0, 10);
    const insert = index.db.transaction(() => {
      for (let m = 0; m < 7 * 24 * 60; m++) {
        const start = t0 + m * 60_000;
        const id = index.openSegment('week', segmentName(start), start, m * 60 * RATE, RATE);
        index.updateSegment(id, real.samples, real.bytes, real.peak, real.rms, 'closed');
      }
    });
    insert();
    const svc = new ArchiveService({
      dataDir: root,
      settings: { get: () => ({ archive: { ...DEFAULT_ARCHIVE_SETTINGS, dir: root }, ffmpegPath: null }) },
      alertTimesFor: () => [],
      logEvent: () => {},
    });
    // The first call pays for preparing statements and warming the page cache; the UI asks again as it pans.
    svc.timeline('week', t0, t0 + 7 * DAY, 2000);
    const q0 = performance.now();
    index.range('week', t0, t0 + 7 * DAY);
    const queryMs = performance.now() - q0;
    const ov0 = performance.now();
    const tl = svc.timeline('week', t0, t0 + 7 * DAY, 2000);
    const overviewMs = performance.now() - ov0;

    // Seek: a moment 3 days 5 h 12 min 30 s in; find its segment, decode from the offset to the first block.
    const moment = t0 + 3 * DAY + (5 * 60 + 12) * 60_000 + 30_000;
    const seeks: number[] = [];
    for (let k = 0; k < 5; k++) {
      const at = moment + k * 3_600_000;
      const s0 = performance.now();
      const [hit] = index.range('week', at, at + 1);
      const file = join(root, 'week', hit!.name);
      mkdirSync(dirname(file), { recursive: true });
      copyFileSync(join(root, 'src', real.name), file);
      const abort = new AbortController();
      let first = 0;
      await runFfmpegPcm({
        inputArgs: ['-ss', String((at - hit!.startUtcMs) / 1000), '-i', file],
        rate: RATE,
        signal: abort.signal,
        onBlock: () => {
          if (!first) first = performance.now();
          abort.abort();
        },
      });
      seeks.push(first - s0);
    }
    seeks.sort((a, b) => a - b);
    index.close();
    svc.stop();

    printTable(
      ['measure', 'value', 'target'],
      [
        ['writing, % of one core per source (24 kbit/s)', (cpuS / seconds) * 100, '< 2'],
        ['disk per source-day, MB', (bytes / seconds) * 86_400 / 1024 / 1024, '-'],
        ['7-day timeline overview (10080 segments, 2000 columns), ms', overviewMs, '< 100'],
        ['  the index query alone, ms', queryMs, '-'],
        ['seek into 7 days to first audio, median ms', seeks[2]!, '< 200'],
        ['seek into 7 days to first audio, worst ms', seeks[4]!, '< 200'],
        ['segments in the 7-day timeline', tl.segments.length, '10080'],
      ],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await run();
