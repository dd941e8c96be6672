/** Prints rows as an aligned text table; numbers are right-aligned. */
export function printTable(headers: string[], rows: Array<Array<string | number>>): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>): string =>
    r.map((c, i) => (typeof rows[0]?.[i] === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ');
  console.log(line(cells[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  return a >= 1000 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && metaUrl.endsWith(process.argv[1].replace(/^.*\//, '/')) && !process.argv[1].endsWith('run.ts');
}
