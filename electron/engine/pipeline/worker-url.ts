import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

/**
 * Where a worker's code is. Built bundles sit side by side in dist/node, so a bundle finds
 * `NAME.js` next to itself; when running from TypeScript sources (tests, tsx) the worker
 * is the .ts module, started through a bootstrap that registers tsx in the new thread.
 */
export function workerEntry(name: string, tsRelative: string, from: string): { file: string; options: WorkerOptions } {
  const self = fileURLToPath(from);
  if (self.endsWith('.js')) {
    const file = fileURLToPath(new URL(`./${name}.js`, from));
    if (existsSync(file)) return { file, options: {} };
  }
  const tsEntry = pathToFileURL(fileURLToPath(new URL(tsRelative, from))).href;
  const bootstrap = fileURLToPath(new URL('./tsx-bootstrap.mjs', import.meta.url));
  return { file: bootstrap, options: { workerData: { tsEntry } } };
}
