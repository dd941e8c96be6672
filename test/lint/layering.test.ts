import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering in ARCHITECTURE.md, checked through the real lint config on code placed in
// each layer, so a loosened rule fails here rather than quietly letting the layers rot.
const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(file: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
}

describe('import layering', () => {
  it('allows electron only in main and preload', async () => {
    const code = "import { app } from 'electron';\nexport const a = app;\n";
    expect(await restricted('electron/main/x.ts', code)).toBe(0);
    expect(await restricted('electron/preload/x.ts', code)).toBe(0);
    for (const f of ['electron/core/x.ts', 'electron/contract/x.ts', 'electron/engine/x.ts', 'electron/serve/x.ts', 'native/x.ts', 'renderer/src/x.ts']) {
      expect(await restricted(f, code), f).toBe(1);
    }
  });

  it('keeps core and contract free of Node built-ins', async () => {
    for (const imp of ['node:fs', 'fs', 'fs/promises', 'worker_threads', 'events']) {
      const code = `import * as m from '${imp}';\nexport const a = m;\n`;
      expect(await restricted('electron/core/dsp/x.ts', code), imp).toBe(1);
      expect(await restricted('electron/contract/x.ts', code), imp).toBe(1);
      expect(await restricted('electron/engine/x.ts', code), imp).toBe(0);
    }
    // A sibling module that happens to share a built-in's name is fine.
    expect(await restricted('electron/core/same/x.ts', "import * as m from './events';\nexport const a = m;\n")).toBe(0);
  });

  it('lets the renderer import the contract and nothing else from electron/', async () => {
    expect(await restricted('renderer/src/x.ts', "import { commands } from '../../electron/contract';\nexport const a = commands;\n")).toBe(0);
    expect(await restricted('renderer/src/x.ts', "import { Engine } from '../../electron/engine/engine';\nexport const a = Engine;\n")).toBe(1);
    expect(await restricted('renderer/src/x.ts', "import { encodeSame } from '../../electron/core/same';\nexport const a = encodeSame;\n")).toBe(1);
  });

  it('keeps core from reaching into the engine or native', async () => {
    expect(await restricted('electron/core/x.ts', "import { Engine } from '../engine/engine';\nexport const a = Engine;\n")).toBe(1);
    expect(await restricted('electron/core/x.ts', "import { ffmpegPath } from '../../native/ffmpeg-path';\nexport const a = ffmpegPath;\n")).toBe(1);
  });
});
