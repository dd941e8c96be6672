// Layering as allow-lists (eslint-rules/layering.js): each layer names what it may import and
// the rest is refused, so a new kind of import has to be allowed on purpose. The table:
//   contract -> zod;  core -> contract;  native -> core, contract, Node, npm;
//   engine -> native, core, contract, Node, npm;  serve, main -> engine and below
//   (cli also -> serve);  preload -> contract, electron;  renderer -> contract, npm (no Node).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layering from './eslint-rules/layering.js';

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
    files: ['electron/**', 'native/**', 'renderer/**'],
    plugins: { layering },
    rules: { 'layering/allowed-imports': 'error' },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Components read the store and call actions: only store/actions.ts (commands) and
    // store/sync.ts (events) hold the ConsoleApi; main.tsx builds the transport.
    files: ['renderer/src/**'],
    ignores: ['renderer/src/main.tsx', 'renderer/src/api/**', 'renderer/src/store/actions.ts', 'renderer/src/store/sync.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@contract', importNames: ['ConsoleApi'], message: 'only store/actions.ts (commands) and store/sync.ts (events) hold the ConsoleApi: call an action.' }],
        patterns: [{ regex: '(^|/)api/(?!connection$)', message: 'the transport is reached through store/actions.ts: call an action (api/connection holds types only).' }],
      }],
    },
  },
);
