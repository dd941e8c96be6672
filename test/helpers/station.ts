import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../electron/contract';
import type { EngineOptions } from '../../electron/engine/engine';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { startTestEngine, type TestEngine } from './engine';

export interface TestStation {
  te: TestEngine;
  server: RunningServer;
  /** http://127.0.0.1:PORT */
  base: string;
  cleanup(): Promise<void>;
}

/** A test engine behind a real serve-mode server, with a stand-in page for the UI. */
export async function startTestStation(
  token: string,
  settings: Partial<Settings> = {},
  opts: Partial<EngineOptions> = {},
): Promise<TestStation> {
  const te = await startTestEngine(settings, opts);
  const uiDir = mkdtempSync(join(tmpdir(), 'eas-ui-'));
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>console</title>');
  const server = await startServer({ engine: te.engine, host: '127.0.0.1', port: 0, token, rendererDir: uiDir });
  return {
    te,
    server,
    base: `http://127.0.0.1:${server.port}`,
    async cleanup() {
      await server.close();
      await te.cleanup();
      rmSync(uiDir, { recursive: true, force: true });
    },
  };
}
