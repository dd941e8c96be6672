#!/usr/bin/env node
// Launcher for the built CLI, so `npx eas-console ...` works from a checkout after `npm ci`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('eas-console is not built yet: run `npm run build` (npm ci does it too).\n');
  process.exit(1);
}
await import(cli.href);
