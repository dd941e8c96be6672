import { readFileSync } from 'node:fs';

/**
 * Node only learns that the local kernel took a write. A frozen server, or a link cut without
 * a reset, keeps "taking" writes for as long as the send buffer can grow (up to 4 MiB on
 * Linux: minutes of audio), so only the peer's TCP acknowledgements tell whether data gets
 * there. Linux lists them per socket in /proc/net/tcp{,6}: tx_queue of an established socket
 * is write_seq - snd_una, the bytes sent and not yet acknowledged.
 */
const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
const ESTABLISHED = '01';
/** Several streams look at once: one read of the tables serves them all for this long. */
const CACHE_MS = 200;

let cache: { at: number; tables: string[] } | null = null;

function tables(now: number): string[] {
  if (cache && now - cache.at < CACHE_MS) return cache.tables;
  const read: string[] = [];
  for (const f of TABLES) {
    try {
      read.push(readFileSync(f, 'latin1'));
    } catch {
      /* no IPv6, or not Linux */
    }
  }
  cache = { at: now, tables: read };
  return read;
}

/**
 * Bytes the established TCP connection from local port `localPort` to remote port
 * `remotePort` has sent that the peer has not acknowledged; null when that cannot be known
 * (no such tables, or the connection is not listed).
 */
export function unackedBytes(localPort: number, remotePort: number, now = Date.now()): number | null {
  const local = `:${hex4(localPort)}`;
  const remote = `:${hex4(remotePort)}`;
  for (const table of tables(now)) {
    let start = table.indexOf('\n') + 1;
    while (start > 0 && start < table.length) {
      let end = table.indexOf('\n', start);
      if (end < 0) end = table.length;
      const line = table.slice(start, end);
      start = end + 1;
      // "  sl  local_address rem_address   st tx_queue:rx_queue ..."
      const f = line.trim().split(/\s+/, 5);
      if (f.length < 5 || f[3] !== ESTABLISHED || !f[1]!.endsWith(local) || !f[2]!.endsWith(remote)) continue;
      const tx = Number.parseInt(f[4]!.split(':')[0]!, 16);
      return Number.isFinite(tx) ? tx : null;
    }
  }
  return null;
}

function hex4(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}
