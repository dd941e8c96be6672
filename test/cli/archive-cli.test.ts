import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveCli } from './archive-cli-run';
import { decodeWav } from '../../native/wav';
import { ArchiveIndex } from '../../electron/engine/archive/archive-index';
import { RATE, RecorderRig, T0, testSignal } from '../engine/archive/archive-fixture';

let dataDir: string;

const cli = (...args: string[]) => archiveCli(dataDir, ...args);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'eas-archive-cli-'));
  const rig = new RecorderRig({}, join(dataDir, 'archive'));
  rig.push(testSignal(6));
  rig.clock += 20_000;
  rig.push(testSignal(2));
  await rig.close(false);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('eas-console archive', () => {
  it('lists what is kept, per source and per segment with the gaps', async () => {
    const all = await cli('list', '--json');
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject([{ sourceId: 'src', segments: 3 }]);
    const one = await cli('list', '--source', 'src');
    expect(one.stdout).toMatch(/gap .* \(20\.0 s\)/);
  });

  it('exports a range across a segment boundary and a gap', async () => {
    const out = join(dataDir, 'cut.wav');
    const r = await cli('export', '--source', 'src', '--from', new Date(T0 + 3000).toISOString(), '--to', String(T0 + 27_000), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/not recorded \(left out\)/);
    const got = decodeWav(readFileSync(out)).samples;
    // 3 s before the gap, 1 s after it.
    expect(Math.abs(got.length - 4 * RATE)).toBeLessThan(0.05 * RATE);
  });

  it('verifies the index against the files and says when they disagree', async () => {
    expect((await cli('verify', '--deep')).stdout).toMatch(/3 segments: consistent/);
    const index = new ArchiveIndex(join(dataDir, 'archive', 'index.sqlite'));
    const [first] = index.bySource('src');
    index.close();
    unlinkSync(join(dataDir, 'archive', 'src', first!.name));
    const r = await cli('verify');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`missing: src/${first!.name}`);
  });

  it('names rows indexed longer than their file and repairs them from the files with --repair', async () => {
    const index = new ArchiveIndex(join(dataDir, 'archive', 'index.sqlite'));
    const long = index.bySource('src')[1]!;
    // What an older version left after a failed segment: the row claiming a minute the file lacks.
    index.updateSegment(long.id, 60 * RATE, long.bytes, long.peak, long.rms, 'closed');
    index.close();
    const found = await cli('verify');
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`tooLong: src/${long.name}`);

    const r = await cli('verify', '--repair');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`repaired (set from the file): src/${long.name}`);
    expect(r.stdout).toMatch(/repaired \(row dropped, no audio\): src\/.*\n/);
    expect(r.stdout).toMatch(/after repair: 2 segments: consistent/);
    expect((await cli('verify', '--deep')).stdout).toMatch(/2 segments: consistent/);
    const again = new ArchiveIndex(join(dataDir, 'archive', 'index.sqlite'));
    expect(Math.abs(again.byName('src', long.name)!.samples - long.samples)).toBeLessThan(0.05 * RATE);
    again.close();
  });
});
