// Copies the SAME data tables (CSV + SOURCES.md) from ../shared/data into assets/data, byte for byte.
// The tables are never hand-typed; rerun this when the shared tables change and commit the output.
// Usage: node scripts/copy-tables.mjs [SOURCE_DIR]
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const from = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data'));
const to = join(root, 'assets', 'data');

if (!existsSync(from)) {
  console.error(`copy-tables: ${from} does not exist; pass the folder holding the shared CSV tables as the first argument.`);
  process.exit(1);
}
mkdirSync(to, { recursive: true });
const names = readdirSync(from).filter((n) => n.endsWith('.csv') || n === 'SOURCES.md').sort();
for (const name of names) {
  const dest = join(to, name);
  if (existsSync(dest)) chmodSync(dest, 0o644);
  copyFileSync(join(from, name), dest);
  // The shared folder is read-only; the copy must stay writable so the next run can refresh it.
  chmodSync(dest, 0o644);
}
console.log(`copy-tables: copied ${names.length} files from ${from} to ${to}`);
