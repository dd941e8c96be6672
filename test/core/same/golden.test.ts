import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_CASES, wavBytes } from './golden/cases';
import { decodeLines } from './golden/decode-lines';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'same-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('golden decodes (eas-console decode output, diffed as text; regenerate with scripts/same-golden.ts)', () => {
  for (const c of GOLDEN_CASES) {
    it(c.name, async () => {
      const wav = join(dir, `${c.name}.wav`);
      writeFileSync(wav, wavBytes(c.make(), c.rate, c.format));
      const { code, lines } = await decodeLines(wav, c.verbose);
      expect(code).toBe(0);
      const expected = readFileSync(join(GOLDEN_DIR, `${c.name}.txt`), 'utf8').trimEnd().split('\n');
      expect(lines.join('\n')).toBe(expected.join('\n'));
    });
  }
});
