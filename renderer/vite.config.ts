import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Vite 8 transforms TSX with oxc itself, so no React plugin is needed (and none is
// installed); the automatic runtime means components never import React for JSX.
export default defineConfig({
  root,
  // Relative asset URLs: serve mode hosts the files at "/", Electron loads them from file://.
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Inline assets would become data: URLs in <script>/<link>; keep every asset a file so the
    // CSP's 'self' covers it.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1' },
  logLevel: 'warn',
});
