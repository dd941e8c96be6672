import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ARCHIVE_SETTINGS } from '../../../electron/contract';
import { ArchiveIndex, type SegmentRow } from '../../../electron/engine/archive/archive-index';
import { ArchiveService } from '../../../electron/engine/archive/archive-service';
import { repairArchive, verifyArchive } from '../../../electron/engine/archive/archive-verify';
import { oggOpusSamples } from '../../../electron/engine/archive/ogg-length';
import { probeSegment } from '../../../electron/engine/archive/segment-probe';
import { ffmpegPath } from '../../../native/ffmpeg-path';
import { RATE, RecorderRig, recoverArchive, testSignal } from './archive-fixture';

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-archive-safety-'));
  dirs.push(d);
  return d;
}

/** An archive holding `seconds` of one source in segments of `segmentSeconds`. */
async function recorded(seconds: number, segmentSeconds: number, bitrateKbps = 24): Promise<{ dataDir: string; root: string }> {
  const dataDir = tempDir();
  const root = join(dataDir, 'archive');
  const rig = new RecorderRig({ segmentSeconds, bitrateKbps }, root);
  rig.push(testSignal(seconds));
  await rig.close(false);
  return { dataDir, root };
}

/** What a crash can leave: the last `bytes` of the file zeroed (blocks allocated, never written). */
function zeroTail(file: string, bytes: number): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(bytes), 0, bytes, size - bytes);
  } finally {
    closeSync(fd);
  }
}

/** The file cut right after its two header pages (OpusHead, OpusTags): no audio page. */
function headersOnly(file: string): void {
  const buf = readFileSync(file);
  const third = buf.indexOf('OggS', buf.indexOf('OggS', 1) + 1);
  truncateSync(file, third);
}

/**
 * A real ffmpeg whose output stops after `bytes` and which then fails: what a decode killed or
 * timed out part way looks like to the caller (samples, then an error).
 */
function cutShortFfmpeg(bytes: number): string {
  const file = join(tempDir(), 'ffmpeg-cut');
  writeFileSync(file, `#!/bin/sh\n"${ffmpegPath()}" "$@" | head -c ${bytes}\nexit 1\n`);
  chmodSync(file, 0o755);
  return file;
}

function claim(index: ArchiveIndex, row: SegmentRow, seconds: number, state: 'open' | 'closed' = 'closed'): void {
  index.updateSegment(row.id, seconds * RATE, row.bytes, row.peak, row.rms, state);
}

describe('segment length when the end of the file is damaged', () => {
  it('finds the last whole page before a zeroed tail larger than the first look', async () => {
    const { root } = await recorded(20, 20, 64);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    const [row] = index.bySource('src');
    index.close();
    const file = join(root, 'src', row!.name);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(120 * 1024);
    zeroTail(file, 70 * 1024);
    const paged = oggOpusSamples(file, RATE)!;
    const intact = (size - 70 * 1024) / size;
    expect(paged / RATE).toBeGreaterThan(20 * intact - 1.5);
    expect(paged / RATE).toBeLessThan(20 * intact + 1.5);
    const decoded = (await probeSegment(file, RATE))!.samples;
    expect(Math.abs(paged - decoded)).toBeLessThan(0.05 * RATE);
  });
});

describe('repair never deletes a file that may hold audio', () => {
  it('a zeroed tail that ffmpeg cannot decode: the row is kept as failed, the file stays', async () => {
    const { root } = await recorded(20, 20, 64);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const [row] = index.bySource('src');
      const file = join(root, 'src', row!.name);
      zeroTail(file, 70 * 1024);
      claim(index, row!, 60);
      const report = await verifyArchive(index, root);
      expect(report.tooLong).toEqual([`src/${row!.name}`]);
      const r = await repairArchive(index, root, report, { ffmpeg: '/nonexistent/ffmpeg' });
      expect(r).toEqual({ fixed: [], removed: [], failed: [`src/${row!.name}`], missingDirs: [] });
      expect(existsSync(file)).toBe(true);
      expect(index.byName('src', row!.name)!.samples).toBe(60 * RATE);
      // With a decoder that runs, the row takes what is intact.
      const fixed = await repairArchive(index, root, report);
      expect(fixed.fixed).toEqual([`src/${row!.name}`]);
      expect(index.byName('src', row!.name)!.samples).toBeGreaterThan(5 * RATE);
    } finally {
      index.close();
    }
  });

  it('a decode cut short does not shorten the row; it counts as failed', async () => {
    const { root } = await recorded(8, 4);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const [a] = index.bySource('src');
      claim(index, a!, 60);
      const report = await verifyArchive(index, root);
      expect(report.tooLong).toEqual([`src/${a!.name}`]);
      // Half a second of float samples, then ffmpeg fails.
      const r = await repairArchive(index, root, report, { ffmpeg: cutShortFfmpeg(0.5 * RATE * 4) });
      expect(r).toEqual({ fixed: [], removed: [], failed: [`src/${a!.name}`], missingDirs: [] });
      expect(index.byName('src', a!.name)!.samples).toBe(60 * RATE);
    } finally {
      index.close();
    }
  });

  it('headers only: dropped with its file only when a decoder read it', async () => {
    const { root } = await recorded(8, 4);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const [a] = index.bySource('src');
      const file = join(root, 'src', a!.name);
      headersOnly(file);
      expect(oggOpusSamples(file, RATE)).toBe(0);
      const report = await verifyArchive(index, root);
      expect(report.tooLong).toEqual([`src/${a!.name}`]);
      const blind = await repairArchive(index, root, report, { ffmpeg: '/nonexistent/ffmpeg' });
      expect(blind.failed).toEqual([`src/${a!.name}`]);
      expect(existsSync(file)).toBe(true);
      const r = await repairArchive(index, root, report);
      expect(r.removed).toEqual([`src/${a!.name}`]);
      expect(existsSync(file)).toBe(false);
      expect(index.byName('src', a!.name)).toBeNull();
    } finally {
      index.close();
    }
  });

  it('a missing file whose whole day directory is gone keeps its row', async () => {
    const { root } = await recorded(8, 4);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const rows = index.bySource('src');
      rmSync(join(root, 'src'), { recursive: true });
      const report = await verifyArchive(index, root);
      expect(report.missing).toHaveLength(rows.length);
      const r = await repairArchive(index, root, report);
      expect(r.removed).toEqual([]);
      expect(r.missingDirs).toEqual(rows.map((x) => `src/${x.name}`));
      expect(index.bySource('src')).toHaveLength(rows.length);
    } finally {
      index.close();
    }
  });
});

describe('recovery of rows left open', () => {
  it('keeps the row open when the file cannot be read as Ogg (a torn first page)', async () => {
    const { root } = await recorded(8, 4);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    const [a] = index.bySource('src');
    claim(index, a!, 4, 'open');
    index.close();
    const file = join(root, 'src', a!.name);
    truncateSync(file, 20);
    await recoverArchive(root, { ffmpeg: '/nonexistent/ffmpeg' });
    const check = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      expect(check.byName('src', a!.name)?.state).toBe('open');
      expect(existsSync(file)).toBe(true);
    } finally {
      check.close();
    }
  });

  it('a decode cut short at recovery: the row takes the length of its pages', async () => {
    const { root } = await recorded(8, 4);
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    const [a] = index.bySource('src');
    claim(index, a!, 60, 'open');
    index.close();
    await recoverArchive(root, { ffmpeg: cutShortFfmpeg(0.5 * RATE * 4) });
    const check = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const row = check.byName('src', a!.name)!;
      expect(row.state).toBe('closed');
      expect(Math.abs(row.samples - 4 * RATE)).toBeLessThan(0.05 * RATE);
    } finally {
      check.close();
    }
  });

  it('a recorder replacing another waits for its close, and never takes its own rows', async () => {
    const dataDir = tempDir();
    const root = join(dataDir, 'archive');
    const old = new RecorderRig({ segmentSeconds: 10, progressMs: 100 }, root);
    old.push(testSignal(3));
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      const [live] = index.bySource('src');
      expect(live!.state).toBe('open');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const next = new RecorderRig({ segmentSeconds: 10, progressMs: 100 }, root);
      next.clock = old.clock + 10_000;
      const recovered = next.recorder.recover(gate);
      // The new recorder writes before the old one is done: its own open row.
      next.push(testSignal(1));
      const mine = index.bySource('src').find((r) => r.id !== live!.id)!;
      expect(mine.state).toBe('open');
      const closing = old.recorder.close();
      release();
      await closing;
      await recovered;
      const after = index.byName('src', live!.name)!;
      expect(after.state).toBe('closed');
      expect(Math.abs(after.samples - 3 * RATE)).toBeLessThan(0.05 * RATE);
      expect(index.byName('src', mine.name)!.state).toBe('open');
      await next.close(false);
      expect(index.byName('src', mine.name)!.state).toBe('closed');
    } finally {
      index.close();
    }
  });
});

describe('verify inside the engine', () => {
  it('gives the event loop turns while it checks many rows', async () => {
    const root = join(tempDir(), 'archive');
    const index = new ArchiveIndex(join(root, 'index.sqlite'));
    try {
      for (let i = 0; i < 1000; i++) {
        const id = index.openSegment('src', `2026-12-01/${String(i).padStart(6, '0')}.000Z.ogg`, i * 1000, 0, RATE);
        index.updateSegment(id, RATE, 100, new Uint8Array(1), new Uint8Array(1), 'closed');
      }
      let turns = 0;
      let done = false;
      const spin = (): void => {
        turns++;
        if (!done) setImmediate(spin);
      };
      setImmediate(spin);
      const report = await verifyArchive(index, root);
      done = true;
      expect(report.missing).toHaveLength(1000);
      expect(turns).toBeGreaterThanOrEqual(4);
    } finally {
      index.close();
    }
  });

  it('stop() cancels the first pass after start: the index is not reopened', async () => {
    vi.useFakeTimers();
    let reads = 0;
    const service = new ArchiveService({
      dataDir: tempDir(),
      settings: {
        get: () => {
          reads++;
          return { archive: DEFAULT_ARCHIVE_SETTINGS, ffmpegPath: null };
        },
      },
      alertTimesFor: () => [],
      logEvent: () => undefined,
    });
    service.start();
    service.stop();
    const before = reads;
    vi.advanceTimersByTime(11 * 60_000);
    expect(reads).toBe(before);
  });
});
