import { defineConfig } from 'vite';

// No node:* imports here: eslint applies the renderer's browser rules to this folder.
// import.meta.dirname is Node >= 20.11, which package.json's engines already require.
const root = import.meta.dirname;

// Vite 8 transforms TSX with oxc itself, so no React plugin is needed (and none is
// installed); the automatic runtime means components never import React for JSX.
export default defineConfig({
  root,
  // Relative asset URLs: serve mode hosts the files at "/", Electron loads them from file://.
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    // The contract is the one thing the renderer may import from electron/ (tsconfig "paths"
    // says the same for the type checker).
    alias: { '@contract': `${root}/../electron/contract/index.ts` },
  },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Inline assets would become data: URLs; keep every asset a file so the CSP's 'self' covers it.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1' },
  logLevel: 'warn',
});
