import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWav } from '../../../native/wav';
import { ArchiveIndex, durationMs } from '../../../electron/engine/archive/archive-index';
import { exportRange } from '../../../electron/engine/archive/archive-export';
import { verifyArchive } from '../../../electron/engine/archive/archive-verify';
import { probeSegment } from '../../../electron/engine/archive/segment-probe';
import { classifyWriteFailure } from '../../../electron/engine/archive/segment-encoder';
import { findGaps } from '../../../electron/core/archive/gaps';
import { sleep, waitFor } from '../../helpers/wait';
import { bestCorrelation, RATE, RecorderRig, recoverArchive, T0, testSignal } from './archive-fixture';

const rigs: RecorderRig[] = [];

/** A 1 MB tmpfs, or null (with the reason printed) where this machine cannot mount one. */
function tinyDisk(options = 'size=1m'): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'eas-archive-tiny-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch (err) {
    console.warn(`skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`);
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

function rig(...a: ConstructorParameters<typeof RecorderRig>): RecorderRig {
  const r = new RecorderRig(...a);
  rigs.push(r);
  return r;
}

describe('archive recorder', () => {
  it('writes back-to-back segments whose export across a boundary equals the input', async () => {
    const r = rig();
    const audio = testSignal(10);
    r.push(audio);
    await r.recorder.close();
    const index = new ArchiveIndex(join(r.root, 'index.sqlite'));
    try {
      const segs = index.bySource('src');
      expect(segs.map((s) => s.startUtcMs - T0)).toEqual([0, 4000, 8000]);
      expect(segs.every((s) => s.state === 'closed')).toBe(true);
      expect(segs.map((s) => s.samples)).toEqual([4 * RATE, 4 * RATE, 2 * RATE]);
      expect(segs[0]!.peak.length).toBe(4);
      expect(findGaps(segs.map((s) => ({ startUtcMs: s.startUtcMs, durationMs: durationMs(s) })), T0, T0 + 10_000)).toEqual([]);

      const out = join(r.root, 'cut.wav');
      const run = exportRange({ index, root: r.root, sourceId: 'src', fromMs: T0 + 2500, toMs: T0 + 6500, format: 'wav', outFile: out });
      const res = await run.done;
      expect(res.gaps).toEqual([]);
      const got = decodeWav(readFileSync(out)).samples;
      expect(Math.abs(got.length - 4 * RATE)).toBeLessThan(RATE * 0.02);
      const want = audio.subarray(2.5 * RATE, 6.5 * RATE);
      const { r: corr, lag } = bestCorrelation(want, got, Math.round(0.02 * RATE));
      expect(corr, `correlation at lag ${lag}`).toBeGreaterThan(0.9);
      expect(Math.abs(lag)).toBeLessThan(0.02 * RATE);

      const report = await verifyArchive(index, r.root, { deep: true });
      expect(report).toMatchObject({ consistent: true, segments: 3 });
    } finally {
      index.close();
    }
  });

  it('records a source that stops for 30 s as a 30 s gap, not silence', async () => {
    const r = rig();
    r.push(testSignal(3));
    // The source delivered nothing for 30 s (a stalled stream: no error, just no audio).
    r.clock += 30_000;
    r.push(testSignal(3));
    r.recorder.endRun();
    r.clock += 10_000;
    r.push(testSignal(1));
    await r.recorder.close();
    const index = new ArchiveIndex(join(r.root, 'index.sqlite'));
    try {
      const segs = index.bySource('src').map((s) => ({ startUtcMs: s.startUtcMs, durationMs: durationMs(s) }));
      const gaps = findGaps(segs, T0, T0 + 47_000);
      expect(gaps).toHaveLength(2);
      expect((gaps[0]!.toMs - gaps[0]!.fromMs) / 1000).toBeCloseTo(30, 1);
      expect((gaps[1]!.toMs - gaps[1]!.fromMs) / 1000).toBeCloseTo(10, 1);
      // No segment is longer than the audio it holds.
      expect(index.bySource('src').reduce((a, s) => a + s.samples, 0)).toBe(7 * RATE);
    } finally {
      index.close();
    }
  });

  it('pauses with a named error on a tiny disk, and resumes by itself once there is room', async (ctx) => {
    const mnt = tinyDisk();
    if (!mnt) return ctx.skip();
    try {
      const r = rig({ minFreeBytes: 4 * 1024 * 1024 }, mnt);
      r.push(testSignal(1));
      expect(r.recorder.state).toMatchObject({ state: 'paused', error: { code: 'archive_disk_full' } });
      r.push(testSignal(3));
      expect(r.logs.filter((l) => l.includes('archive paused'))).toHaveLength(1);
      execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
      r.push(testSignal(0.5)); // before the resume delay: still paused
      r.push(testSignal(1.5));
      expect(r.recorder.state).toEqual({ state: 'recording', error: null });
      expect(r.logs.some((l) => l.includes('archive resumed'))).toBe(true);
      await r.recorder.close();
    } finally {
      rigs.splice(0);
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it('pauses with archive_disk_full when the disk fills while writing, keeping what reached it', async (ctx) => {
    const mnt = tinyDisk('size=1m');
    if (!mnt) return ctx.skip();
    try {
      const r = rig({ segmentSeconds: 60 }, mnt);
      // 800 s at 24 kb/s is twice the disk. ffmpeg runs behind the pushes (by whole segments on
      // a loaded machine), so its ENOSPC may come after the last push: then more audio keeps
      // coming, as from a live source, until the recorder sees the failure.
      const tone = testSignal(10);
      for (let i = 0; i < 80 && r.recorder.state.state !== 'paused'; i++) {
        r.push(tone);
        // Paces the pushes like a live source and lets ffmpeg's exit reach the recorder, as the
        // worker's event loop would; nothing below depends on how far ffmpeg got meanwhile.
        await sleep(30);
      }
      const block = testSignal(0.1);
      await waitFor(
        'the recorder to pause once ffmpeg hits the full disk',
        () => {
          if (r.recorder.state.state !== 'paused') r.push(block);
          return r.recorder.state.state === 'paused';
        },
        30_000,
        { detail: () => `state ${JSON.stringify(r.recorder.state)}; logs:\n${r.logs.join('\n')}` },
      );
      expect(r.recorder.state).toMatchObject({ state: 'paused', error: { code: 'archive_disk_full' } });
      await r.recorder.close();
      // The index shares the full disk, so the cut segment may still be open in it: once there is
      // room again the next run closes it with what its file holds.
      execFileSync('mount', ['-o', 'remount,size=8m', mnt]);
      await recoverArchive(mnt);
      const index = new ArchiveIndex(join(mnt, 'index.sqlite'));
      try {
        const segs = index.bySource('src');
        expect(segs.length).toBeGreaterThan(0);
        expect(segs.every((s) => s.state === 'closed')).toBe(true);
        // No row claims audio its file lacks: the time-shift player and exports trust the index.
        const report = await verifyArchive(index, mnt, { deep: true });
        expect(report.missing).toEqual([]);
        expect(report.lengthMismatch).toEqual([]);
      } finally {
        index.close();
      }
    } finally {
      rigs.splice(0);
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it('indexes a segment whose ffmpeg died of a full disk with what its file holds, not the audio pushed', async (ctx) => {
    // The segments' disk fills while the index's has room, so the closing write to the index
    // succeeds: whatever length it records is what the player and exports will trust.
    const r = rig({ segmentSeconds: 60 });
    const segDir = join(r.root, 'src');
    mkdirSync(segDir);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', segDir], { stdio: 'pipe' });
    } catch (err) {
      console.warn(`skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`);
      return ctx.skip();
    }
    try {
      // One whole segment in one go: it ends before ffmpeg (60 s is about 180 KB) can fail, so
      // the failure surfaces only when the segment is closed.
      r.push(testSignal(60));
      await r.recorder.close();
      expect(r.recorder.state).toMatchObject({ state: 'paused', error: { code: 'archive_disk_full' } });
      const index = new ArchiveIndex(join(r.root, 'index.sqlite'));
      try {
        const segs = index.bySource('src');
        const seg = segs[0]!;
        expect(seg.startUtcMs).toBe(T0);
        expect(seg.state).toBe('closed');
        const probed = await probeSegment(join(r.root, 'src', seg.name), RATE);
        expect(probed!.samples, 'the file holds part of the segment').toBeLessThan(50 * RATE);
        expect(Math.abs(seg.samples - probed!.samples), `index ${seg.samples} samples, file ${probed!.samples}`).toBeLessThan(0.1 * RATE);
        expect(seg.bytes).toBe(probed!.bytes);
        expect(await verifyArchive(index, r.root, { deep: true })).toMatchObject({ consistent: true, lengthMismatch: [] });
      } finally {
        index.close();
      }
    } finally {
      execFileSync('umount', ['-l', segDir]);
    }
  });

  it('names an index write refused for lack of room (SQLITE_FULL) as a full disk', () => {
    // The index lives on the archive disk: which of it and ffmpeg meets the full disk first is chance.
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(classifyWriteFailure(full, 'index.sqlite').code).toBe('archive_disk_full');
    expect(classifyWriteFailure(new Error('disk I/O error'), 'index.sqlite').code).toBe('archive_encoder_failed');
  });

  it('pauses with archive_unwritable on a read-only disk', async (ctx) => {
    const mnt = tinyDisk('ro,size=1m');
    if (!mnt) return ctx.skip();
    try {
      const r = rig({}, mnt);
      r.push(testSignal(1));
      expect(r.recorder.state).toMatchObject({ state: 'paused', error: { code: 'archive_unwritable' } });
      await r.recorder.close();
    } finally {
      rigs.splice(0);
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});
