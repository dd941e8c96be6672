import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '../../electron/engine/engine';
import { DEFAULT_ARCHIVE_SETTINGS, type Settings } from '../../electron/contract';
import { defaultSettings } from '../../electron/engine/settings-store';

export interface TestEngine {
  engine: Engine;
  dataDir: string;
  cleanup(): Promise<void>;
}

/**
 * An engine on a temp data dir with the given settings (default: the demo source only). The
 * continuous archive is off unless `settings.archive` turns it on: it runs an ffmpeg per source,
 * which tests of other things would only pay for.
 */
export async function startTestEngine(
  settings: Partial<Settings> = {},
  opts: Partial<EngineOptions> = {},
): Promise<TestEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-engine-'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ...defaultSettings(), archive: { ...DEFAULT_ARCHIVE_SETTINGS, enabled: false }, ...settings }));
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
