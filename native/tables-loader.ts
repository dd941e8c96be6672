import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTables, TABLE_FILES, type SameTables, type TableTexts } from '../electron/core/alerts/tables';

const MARKER = join('data', TABLE_FILES.counties);

/**
 * The assets folder (the one holding data/). EAS_ASSETS_DIR wins (a packaged app points it at its
 * resources); then Electron's resourcesPath/assets; then the first ancestor of this module that has
 * assets/data, which covers running from source, from dist/node bundles and from node_modules.
 */
export function assetsDir(): string {
  const tried: string[] = [];
  const env = process.env.EAS_ASSETS_DIR;
  if (env) {
    if (existsSync(join(env, MARKER))) return resolve(env);
    tried.push(env);
  }
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) {
    const candidate = join(resources, 'assets');
    if (existsSync(join(candidate, MARKER))) return candidate;
    tried.push(candidate);
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 12; depth++) {
    const candidate = join(dir, 'assets');
    if (existsSync(join(candidate, MARKER))) return candidate;
    tried.push(candidate);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `SAME data tables not found (looked for ${MARKER} under ${tried.join(', ')}). Reinstall the app, or set EAS_ASSETS_DIR to the folder that holds data/${TABLE_FILES.counties}.`,
  );
}

/** The CSV texts of the tables in `dir` (default: assetsDir()/data). */
export function readTableTexts(dir = join(assetsDir(), 'data')): TableTexts {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    counties: read(TABLE_FILES.counties),
    retiredCounties: read(TABLE_FILES.retiredCounties),
    events: read(TABLE_FILES.events),
    extraEvents: read(TABLE_FILES.extraEvents),
    originators: read(TABLE_FILES.originators),
    marineAreas: read(TABLE_FILES.marineAreas),
  };
}

let cached: SameTables | null = null;

/** The built tables, read once per process. */
export function loadTables(): SameTables {
  if (!cached) cached = buildTables(readTableTexts());
  return cached;
}
