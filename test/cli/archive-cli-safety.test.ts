import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveCli } from './archive-cli-run';
import { ArchiveIndex } from '../../electron/engine/archive/archive-index';
import { RecorderRig, testSignal } from '../engine/archive/archive-fixture';

let dataDir: string;

const cli = (...args: string[]) => archiveCli(dataDir, ...args);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'eas-archive-cli-safety-'));
  const rig = new RecorderRig({}, join(dataDir, 'archive'));
  rig.push(testSignal(6));
  await rig.close(false);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('eas-console archive verify --repair', () => {
  it('keeps the rows of a source directory that is not there (an unmounted disk) and says so', async () => {
    const src = join(dataDir, 'archive', 'src');
    renameSync(src, `${src}.away`);
    try {
      const r = await cli('verify', '--repair');
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/not repaired \(its whole directory is missing: is the archive disk mounted\?\): src\//);
      expect(r.stdout).not.toMatch(/row dropped/);
    } finally {
      renameSync(`${src}.away`, src);
    }
    const index = new ArchiveIndex(join(dataDir, 'archive', 'index.sqlite'));
    const n = index.bySource('src').length;
    index.close();
    expect(n).toBeGreaterThanOrEqual(2);
    expect((await cli('verify')).stdout).toMatch(new RegExp(`${n} segments: consistent`));
  });

  it('decodes with the ffmpeg the settings name', async () => {
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ffmpegPath: '/nonexistent/ffmpeg' }));
    try {
      const r = await cli('verify', '--deep');
      // That ffmpeg cannot run: every segment's decoded length is unknown.
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/lengthMismatch: src\//);
    } finally {
      rmSync(join(dataDir, 'settings.json'));
    }
    expect((await cli('verify', '--deep')).code).toBe(0);
  });
});
