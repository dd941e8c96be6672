// A process and its descendants as /proc shows them: RSS and CPU time, for the soak's report.
// (The engine's own /api/status covers its process; ffmpeg encoders and decoders are children.)
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // CLK_TCK on Linux
const PAGE = 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, seconds. */
  cpuS: number;
  rssBytes: number;
  name: string;
}

function readStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    // Fields after the name: state(0) ppid(1) ... utime(11) stime(12) ... rss(21), in pages.
    return { pid, ppid: Number(f[1]), cpuS: (Number(f[11]) + Number(f[12])) / TICKS_PER_S, rssBytes: Number(f[21]) * PAGE, name };
  } catch {
    return null;
  }
}

/** `root` and everything below it that is alive now. */
export function processTree(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    const s = readStat(Number(n));
    if (s) all.push(s);
  }
  const byParent = new Map<number, ProcStat[]>();
  for (const s of all) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const out: ProcStat[] = [];
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return out;
  const queue = [rootStat];
  while (queue.length) {
    const s = queue.shift()!;
    out.push(s);
    queue.push(...(byParent.get(s.pid) ?? []));
  }
  return out;
}

/**
 * CPU seconds used by a tree over time, counting children that came and went: each pid's
 * time is remembered at its last sighting, so a restarted ffmpeg does not lose what it used.
 */
export class TreeCpu {
  private readonly seen = new Map<number, number>();
  private readonly first = new Map<number, number>();

  sample(tree: ProcStat[]): void {
    for (const s of tree) {
      if (!this.first.has(s.pid)) this.first.set(s.pid, s.cpuS);
      this.seen.set(s.pid, s.cpuS);
    }
  }

  /** Seconds used since each process was first seen, split into the root and the rest. */
  used(root: number): { rootS: number; childrenS: number } {
    let rootS = 0;
    let childrenS = 0;
    for (const [pid, last] of this.seen) {
      const d = last - (this.first.get(pid) ?? last);
      if (pid === root) rootS += d;
      else childrenS += d;
    }
    return { rootS, childrenS };
  }
}
