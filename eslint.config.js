// Layering rules from ARCHITECTURE.md, enforced so they cannot rot:
// electron only in electron/main and electron/preload; core and contract stay pure
// (no node:*); the renderer sees only contract types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'worker_threads', 'stream', 'crypto', 'url', 'events', 'util', 'buffer', 'zlib', 'dgram', 'tls', 'dns', 'perf_hooks', 'readline'];
const noElectron = { regex: '^electron(/.*)?$', message: 'electron may be imported only in electron/main and electron/preload.' };
// Anchored regexes: gitignore-style groups would also match relative paths like './events'.
const nodeRegex = `^(node:.*|(${nodeBuiltins.slice(1).join('|')})(/.*)?)$`;
const noNode = { regex: nodeRegex, message: 'electron/core and electron/contract are pure: no Node built-ins (they run in workers and the browser too).' };
const layer = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const noUp = (dirs, why) => ({ group: dirs, message: why });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test/e2e/output/**', 'bench/output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['electron/contract/**'],
    rules: layer([noElectron, noNode, noUp(['**/core/**', '**/engine/**', '**/main/**', '**/serve/**', '**/native/**', '**/renderer/**'], 'contract imports only zod.')]),
  },
  {
    files: ['electron/core/**'],
    rules: layer([noElectron, noNode, noUp(['**/engine/**', '**/main/**', '**/preload/**', '**/serve/**', '**/native/**', '**/renderer/**'], 'core is pure: it may import only core and contract.')]),
  },
  {
    files: ['electron/engine/**', 'electron/serve/**', 'native/**'],
    rules: layer([noElectron, noUp(['**/main/**', '**/preload/**', '**/renderer/**'], 'engine, serve and native do not reach into Electron or the renderer.')]),
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer([
      noElectron,
      { regex: nodeRegex, message: 'the renderer is sandboxed: no Node built-ins.' },
      noUp(['**/electron/core/**', '**/electron/engine/**', '**/electron/main/**', '**/electron/preload/**', '**/electron/serve/**', '**/native/**'], 'the renderer imports contract types only.'),
    ]),
  },
  {
    files: ['electron/preload/**'],
    rules: layer([noUp(['**/core/**', '**/engine/**', '**/serve/**', '**/native/**', '**/renderer/**'], 'the preload is built from the contract only.')]),
  },
);
