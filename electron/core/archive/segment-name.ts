/**
 * Segment files are named by their UTC start so a directory listing sorts in time order and an
 * operator can find 03:12 without the index: SOURCE/YYYY-MM-DD/HHMMSS.mmmZ.ogg under the archive.
 */
const NAME = /^(\d{4})-(\d{2})-(\d{2})\/(\d{2})(\d{2})(\d{2})\.(\d{3})Z\.ogg$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The segment's path relative to its source's directory. */
export function segmentName(startUtcMs: number): string {
  const d = new Date(startUtcMs);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${day}/${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z.ogg`;
}

/** The UTC start (ms) a segment name says, or null for a file that is not a segment. */
export function parseSegmentName(name: string): number | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return segmentName(t) === name ? t : null;
}
