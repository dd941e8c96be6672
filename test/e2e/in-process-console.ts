import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Settings } from '../../electron/contract';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { launchChromium } from './chromium';
import { ROOT } from './serve-process';

/**
 * The renderer as this checkout has it, built into a fresh temp dir: dist/ may be older than
 * the sources under test. The caller removes the dir.
 */
export async function buildRenderer(prefix: string): Promise<string> {
  const uiDir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir: uiDir, emptyOutDir: true, sourcemap: false } });
    return uiDir;
  } catch (err) {
    rmSync(uiDir, { recursive: true, force: true });
    throw err;
  }
}

/** An engine and serve's HTTP server in the test's own process, on a fresh renderer build, and a Chromium. */
export interface InProcessConsole {
  te: TestEngine;
  /** A test that restarts serve puts its new server here, so close() ends that one. */
  server: RunningServer;
  browser: Browser;
  uiDir: string;
  close(): Promise<void>;
}

export interface InProcessConsoleOptions {
  token: string;
  sources: Settings['sources'];
  /** Prefix of the renderer build's temp dir, to tell the e2e files' leftovers apart. */
  uiPrefix: string;
  chromiumArgs?: string[];
}

export async function startInProcessConsole(opts: InProcessConsoleOptions): Promise<InProcessConsole> {
  const parts: Partial<InProcessConsole> = {};
  const close = async (): Promise<void> => {
    await parts.browser?.close();
    await parts.server?.close();
    await parts.te?.cleanup();
    if (parts.uiDir) rmSync(parts.uiDir, { recursive: true, force: true });
  };
  try {
    parts.uiDir = await buildRenderer(opts.uiPrefix);
    parts.te = await startTestEngine({ sources: opts.sources });
    parts.server = await startServer({ engine: parts.te.engine, host: '127.0.0.1', port: 0, token: opts.token, rendererDir: parts.uiDir });
    parts.browser = await launchChromium(opts.chromiumArgs);
  } catch (err) {
    await close();
    throw err;
  }
  // `close` reads `parts`, so a server swapped in by the test is the one it ends.
  return Object.assign(parts as Omit<InProcessConsole, 'close'>, { close });
}
