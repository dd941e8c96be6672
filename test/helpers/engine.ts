import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '../../electron/engine/engine';
import type { Settings } from '../../electron/contract';
import { defaultSettings } from '../../electron/engine/settings-store';

export interface TestEngine {
  engine: Engine;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** An engine on a temp data dir with the given settings (default: the demo source only). */
export async function startTestEngine(
  settings: Partial<Settings> = {},
  opts: Partial<EngineOptions> = {},
): Promise<TestEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-engine-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ...defaultSettings(), ...settings }));
  const engine = new Engine({ dataDir, mode: 'serve', version: 'test', ...opts });
  await engine.start();
  return {
    engine,
    dataDir,
    async cleanup() {
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` (sync or async) until it returns something truthy. */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
