import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYER_DIRS, LAYER_RULES, type LayerName } from '../../eslint-rules/layering.js';

// The layering is an allow-list per layer (eslint-rules/layering.js). Checked through the real
// lint config on code planted in each layer, so a loosened rule fails here rather than
// quietly letting the layers rot.
const eslint = new ESLint({ cwd: process.cwd() });
const RULE = 'layering/allowed-imports';

type Layer = LayerName;
const LAYERS = Object.keys(LAYER_DIRS) as Layer[];

/** A file two levels inside the layer, so relative imports exercise path resolution. */
const fileIn = (layer: Layer): string => `${LAYER_DIRS[layer]}/planted/x.ts`;

/** A relative import from fileIn(from) to a module inside layer `to`. */
function relativeTo(from: Layer, to: Layer): string {
  const depth = LAYER_DIRS[from].split('/').length + 1;
  return `${'../'.repeat(depth)}${LAYER_DIRS[to]}/some-module`;
}

async function refusals(file: string, spec: string): Promise<number> {
  const code = `import * as m from '${spec}';\nexport const a = m;\n`;
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === RULE).length;
}

describe('import layering (allow-lists)', () => {
  it('matches the table the issue and README state', () => {
    expect(LAYER_RULES.contract.layers).toEqual(['contract']);
    expect(LAYER_RULES.contract.packages).toEqual(['zod']);
    expect(LAYER_RULES.core.layers.sort()).toEqual(['contract', 'core']);
    expect(LAYER_RULES.native.layers.sort()).toEqual(['contract', 'core', 'native']);
    expect(LAYER_RULES.engine.layers.sort()).toEqual(['contract', 'core', 'engine', 'native']);
    expect(LAYER_RULES.preload.layers.sort()).toEqual(['contract', 'preload']);
    expect(LAYER_RULES.renderer.layers.sort()).toEqual(['contract', 'renderer']);
  });

  // Every (layer, target layer) pair: a planted import is refused exactly when the table says so.
  for (const from of LAYERS) {
    it(`${from}: imports of other layers follow its allow-list`, async () => {
      for (const to of LAYERS) {
        const expected = LAYER_RULES[from].layers.includes(to) ? 0 : 1;
        expect(await refusals(fileIn(from), relativeTo(from, to)), `${from} -> ${to}`).toBe(expected);
      }
    });

    it(`${from}: electron, Node built-ins and packages follow its allow-list`, async () => {
      const rule = LAYER_RULES[from];
      expect(await refusals(fileIn(from), 'electron'), `${from} -> electron`).toBe(rule.electron ? 0 : 1);
      for (const b of ['node:fs', 'fs', 'fs/promises', 'worker_threads', 'events']) {
        expect(await refusals(fileIn(from), b), `${from} -> ${b}`).toBe(rule.node ? 0 : 1);
      }
      const anyPackage = rule.packages === '*';
      expect(await refusals(fileIn(from), 'left-pad'), `${from} -> left-pad`).toBe(anyPackage ? 0 : 1);
      expect(await refusals(fileIn(from), 'zod'), `${from} -> zod`).toBe(anyPackage || (rule.packages as string[]).includes('zod') ? 0 : 1);
    });
  }

  it('judges relative imports by where they land, not how they are spelled', async () => {
    // A sibling module that happens to share a built-in's name is the layer's own code.
    expect(await refusals('electron/core/same/x.ts', './events')).toBe(0);
    // Escaping up and back down into another layer is still that layer.
    expect(await refusals('electron/core/same/x.ts', '../../engine/../core/dsp')).toBe(0);
    expect(await refusals('electron/core/same/x.ts', '../../contract/../engine/engine')).toBe(1);
    // The renderer's @contract alias is the contract.
    expect(await refusals('renderer/src/x.ts', '@contract')).toBe(0);
    expect(await refusals('electron/core/x.ts', '@contract')).toBe(0);
  });

  it('refuses dynamic imports, export-from and type-only imports too', async () => {
    const lint = async (file: string, code: string): Promise<number> => {
      const [r] = await eslint.lintText(code, { filePath: file });
      return r!.messages.filter((m) => m.ruleId === RULE).length;
    };
    expect(await lint('native/x.ts', "export { Engine } from '../electron/engine/engine';\n")).toBe(1);
    expect(await lint('native/x.ts', "export const f = () => import('../electron/engine/engine');\n")).toBe(1);
    expect(await lint('native/x.ts', "import type { Engine } from '../electron/engine/engine';\nexport type E = Engine;\n")).toBe(1);
  });

  it('names the layer and what it may import in the message', async () => {
    const [r] = await eslint.lintText("import { Engine } from '../../engine/engine';\nexport const a = Engine;\n", {
      filePath: 'electron/core/x/x.ts',
    });
    const msg = r!.messages.find((m) => m.ruleId === RULE)?.message ?? '';
    expect(msg).toContain('core may not import the engine layer');
    expect(msg).toContain('core may import: core, contract');
  });

  it('lets only the store actions and sync reach the renderer transport', async () => {
    const lint = async (file: string, code: string): Promise<number> => {
      const [r] = await eslint.lintText(code, { filePath: file });
      return r!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
    };
    const planted = "import { WsConsoleApi } from '../api/ws-client';\nexport const a = WsConsoleApi;\n";
    expect(await lint('renderer/src/components/X.tsx', planted)).toBe(1);
    expect(await lint('renderer/src/store/actions.ts', planted)).toBe(0);
    expect(await lint('renderer/src/components/X.tsx', "import type { ConsoleApi } from '@contract';\nexport type A = ConsoleApi;\n")).toBe(1);
  });
});
