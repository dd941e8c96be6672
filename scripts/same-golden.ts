// Rewrites the expected lines of the SAME golden decodes (test/core/same/golden/*.txt) from the
// current decoder, after a deliberate change; `--wav DIR` also writes the generated recordings
// there. Run: node --import tsx scripts/same-golden.ts [--wav DIR]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOLDEN_CASES, wavBytes } from '../test/core/same/golden/cases';
import { decodeLines } from '../test/core/same/golden/decode-lines';

const golden = fileURLToPath(new URL('../test/core/same/golden/', import.meta.url));
const at = process.argv.indexOf('--wav');
const wavDir = at >= 0 ? process.argv[at + 1] : null;
if (at >= 0 && !wavDir) throw new Error('--wav needs a directory');
const work = wavDir ?? mkdtempSync(join(tmpdir(), 'same-golden-'));
mkdirSync(work, { recursive: true });
try {
  for (const c of GOLDEN_CASES) {
    const wav = join(work, `${c.name}.wav`);
    writeFileSync(wav, wavBytes(c.make(), c.rate, c.format));
    const { code, lines } = await decodeLines(wav, c.verbose);
    if (code !== 0) throw new Error(`decode of ${c.name} exited with ${code}`);
    writeFileSync(join(golden, `${c.name}.txt`), `${lines.join('\n')}\n`);
    console.log(`${c.name}: ${lines.filter((l) => /HEADER|EOM/.test(l)).length} header/EOM lines`);
  }
} finally {
  if (!wavDir) rmSync(work, { recursive: true, force: true });
}
