import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of this test process's ffmpeg children (from /proc), optionally only those whose
 * command line contains `needle`: how a test proves that what it started was reaped.
 */
export function ffmpegChildren(needle?: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name in stat is in parentheses and may hold spaces: the ppid follows the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (/ffmpeg/.test(cmd[0] ?? '') && (needle === undefined || cmd.some((a) => a.includes(needle)))) pids.push(Number(name));
    } catch {
      // gone between readdir and read
    }
  }
  return pids;
}
