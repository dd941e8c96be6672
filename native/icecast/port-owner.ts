import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Whether process `pid` holds the socket listening on TCP `port`. An Icecast answering on the
 * port we asked ours to use is not proof that ours is up: on a busy machine another server
 * (another console, a parallel test) can take the port between "free" and icecast2's bind,
 * and ours then exits while we talk to the stranger with our passwords. Linux only: null when
 * /proc cannot tell (not Linux, or not allowed to read the process), and callers fall back to
 * trusting the answer.
 */
export function listensOnPort(pid: number, port: number): boolean | null {
  const inodes = listeningInodes(port);
  if (inodes === null) return null;
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1]!)) return true;
    } catch {
      // closed while we looked
    }
  }
  return false;
}

const LISTEN = '0A';

/** Inodes of the sockets listening on `port` (IPv4 and IPv6); null without /proc/net/tcp. */
function listeningInodes(port: number): Set<string> | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found = new Set<string>();
  let readAny = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'latin1');
      readAny = true;
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== LISTEN) continue;
      if (f[1]!.slice(f[1]!.lastIndexOf(':') + 1) === hexPort) found.add(f[9]!);
    }
  }
  return readAny ? found : null;
}
