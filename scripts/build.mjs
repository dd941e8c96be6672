// One build for the whole app: esbuild bundles the Node/Electron side (fast, no config
// surface, per-entry formats: the sandboxed preload must be a single CommonJS file), and
// Vite builds the renderer (HTML entry, CSS, hashing). Both are driven from here so
// `npm run build` is the only command anyone needs.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const watch = process.argv.includes('--watch');
rmSync(join(out, 'node'), { recursive: true, force: true });
rmSync(join(out, 'preload'), { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Dependencies load from node_modules at run time (native modules cannot be bundled).
  packages: 'external',
};

await build({
  ...common,
  entryPoints: {
    cli: 'electron/cli/index.ts',
    main: 'electron/main/index.ts',
    'source-worker': 'electron/engine/pipeline/source-worker.ts',
  },
  outdir: join(out, 'node'),
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  // ESM output still meets CommonJS packages that call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

await build({
  ...common,
  entryPoints: { index: 'electron/preload/index.ts' },
  outdir: join(out, 'preload'),
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // A sandboxed preload may require only 'electron': everything else is bundled in.
  packages: undefined,
  external: ['electron'],
});

// The app and tray icons, rendered from assets/icons/eas-console.svg (dist/icons).
const { renderIcons } = await import('./render-icons.mjs');
renderIcons();

const viteConfig = join(root, 'renderer', 'vite.config.ts');
if (existsSync(viteConfig)) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: viteConfig, logLevel: 'warn' });
} else {
  console.warn('renderer/vite.config.ts missing: renderer not built');
}
if (!watch) console.log('built dist/node, dist/preload, dist/icons, dist/renderer');
