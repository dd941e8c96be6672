import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_SETTINGS } from '../../../electron/contract';
import { ArchiveIndex, type SegmentRow } from '../../../electron/engine/archive/archive-index';
import { ArchiveService } from '../../../electron/engine/archive/archive-service';
import { repairArchive, verifyArchive } from '../../../electron/engine/archive/archive-verify';
import { oggOpusSamples } from '../../../electron/engine/archive/ogg-length';
import { probeSegment } from '../../../electron/engine/archive/segment-probe';
import { RATE, RecorderRig, recoverArchive, testSignal } from './archive-fixture';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data dir whose archive holds 9 s of one source in 4 s segments (4, 4, 1). */
async function recorded(): Promise<{ dataDir: string; root: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-archive-repair-'));
  dirs.push(dataDir);
  const root = join(dataDir, 'archive');
  const rig = new RecorderRig({}, root);
  rig.push(testSignal(9));
  await rig.close(false);
  return { dataDir, root };
}

/** What an older version did to a segment whose writing failed: closed it with the samples pushed, a whole minute. */
function claimMinute(index: ArchiveIndex, row: SegmentRow): void {
  index.updateSegment(row.id, 60 * RATE, row.bytes, row.peak, row.rms, 'closed');
}

describe('segment length from the Ogg pages', () => {
  it('agrees with the decoded length, also for a file cut short mid-page', async () => {
    const { root } = await recorded();
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const rows = index.bySource('src');
      expect(rows.map((r) => Math.round(r.samples / RATE))).toEqual([4, 4, 1]);
      for (const r of rows) {
        const file = join(root, 'src', r.name);
        const decoded = (await probeSegment(file, RATE))!.samples;
        expect(Math.abs(oggOpusSamples(file, RATE)! - decoded), r.name).toBeLessThan(0.02 * RATE);
      }
      const cut = join(root, 'src', rows[1]!.name);
      truncateSync(cut, Math.floor(statSync(cut).size * 0.55) + 3);
      const decoded = (await probeSegment(cut, RATE))!.samples;
      const paged = oggOpusSamples(cut, RATE)!;
      expect(paged).toBeLessThan(3 * RATE);
      expect(Math.abs(paged - decoded)).toBeLessThan(0.02 * RATE);
      truncateSync(cut, 0);
      expect(oggOpusSamples(cut, RATE)).toBe(0);
      expect(oggOpusSamples(join(root, 'index.sqlite'), RATE)).toBeNull();
    } finally {
      index.close();
    }
  });
});

describe('repair of segments indexed too long', () => {
  it('verify reports them without --deep, and the repair sets them from the files', async () => {
    const { root } = await recorded();
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const [a, b, c] = index.bySource('src');
      claimMinute(index, a!);
      // The failed segment: its file cut where ffmpeg died, its row claiming the minute.
      const cut = join(root, 'src', b!.name);
      truncateSync(cut, Math.floor(statSync(cut).size / 2));
      claimMinute(index, index.byName('src', b!.name)!);
      const report = await verifyArchive(index, root);
      expect(report.consistent).toBe(false);
      expect(report.tooLong).toEqual([`src/${a!.name}`, `src/${b!.name}`]);

      const r = await repairArchive(index, root, report);
      expect(r).toEqual({ fixed: [`src/${a!.name}`, `src/${b!.name}`], removed: [], failed: [], missingDirs: [] });
      const after = index.bySource('src');
      expect(Math.abs(after[0]!.samples - 4 * RATE)).toBeLessThan(0.05 * RATE);
      expect(after[1]!.samples).toBeLessThan(3 * RATE);
      expect(after[1]!.bytes).toBe(statSync(cut).size);
      expect(after[2]!.samples).toBe(c!.samples);
      expect(await verifyArchive(index, root, { deep: true })).toMatchObject({ consistent: true, tooLong: [], lengthMismatch: [] });
    } finally {
      index.close();
    }
  });

  it('an empty file loses its row; a row kept when ffmpeg cannot decode', async () => {
    const { root } = await recorded();
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const [a, b] = index.bySource('src');
      truncateSync(join(root, 'src', a!.name), 0);
      claimMinute(index, b!);
      const report = await verifyArchive(index, root);
      expect(report.tooLong).toEqual([`src/${a!.name}`, `src/${b!.name}`]);
      // No decoder: nothing is dropped on a length nobody could measure.
      const blind = await repairArchive(index, root, { ...report, tooLong: [`src/${b!.name}`], sizeMismatch: [] }, { ffmpeg: '/nonexistent/ffmpeg' });
      expect(blind).toEqual({ fixed: [], removed: [], failed: [`src/${b!.name}`], missingDirs: [] });
      expect(index.byName('src', b!.name)!.samples).toBe(60 * RATE);
      const r = await repairArchive(index, root, report);
      expect(r).toEqual({ fixed: [`src/${b!.name}`], removed: [`src/${a!.name}`], failed: [], missingDirs: [] });
      expect(await verifyArchive(index, root, { deep: true })).toMatchObject({ consistent: true, segments: 2 });
    } finally {
      index.close();
    }
  });

  it('a killed writer\'s segment keeps the length of its pages when the decoder cannot run at recovery', async () => {
    const { root } = await recorded();
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    const [a] = index.bySource('src');
    // Left open by a killed writer, its last progress claiming a minute.
    index.updateSegment(a!.id, 60 * RATE, a!.bytes, a!.peak, a!.rms, 'open');
    index.close();
    await recoverArchive(root, { ffmpeg: '/nonexistent/ffmpeg' });
    const check = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const row = check.byName('src', a!.name)!;
      expect(row.state).toBe('closed');
      expect(Math.abs(row.samples - 4 * RATE)).toBeLessThan(0.05 * RATE);
      expect(row.peak.length).toBe(4);
      expect(await verifyArchive(check, root, { deep: true })).toMatchObject({ consistent: true, segments: 3 });
    } finally {
      check.close();
    }
  });

  it('the engine repairs an index from an older version once, in the background after opening it', async () => {
    const { dataDir, root } = await recorded();
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    const [a] = index.bySource('src');
    claimMinute(index, a!);
    expect(index.pendingRepairs()).toEqual(['closed-lengths']);
    index.close();

    const logs: string[] = [];
    const service = new ArchiveService({
      dataDir,
      settings: { get: () => ({ archive: DEFAULT_ARCHIVE_SETTINGS, ffmpegPath: null }) },
      alertTimesFor: () => [],
      logEvent: (_l, m) => logs.push(m),
    });
    try {
      const r = await service.repairPending();
      expect(r?.fixed).toEqual([`src/${a!.name}`]);
      expect(logs.join('\n')).toMatch(/set 1 segment lengths from their files/);
      expect(Math.abs(service.idx().byName('src', a!.name)!.samples - 4 * RATE)).toBeLessThan(0.05 * RATE);
      expect(service.idx().pendingRepairs()).toEqual([]);
      // Done once: the next start does not scan again.
      expect(await service.repairPending()).toBeNull();
      expect((await service.verify()).consistent).toBe(true);
    } finally {
      service.stop();
    }
  });
});
