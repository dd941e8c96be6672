import { existsSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { parseSegmentName } from '../../core/archive/segment-name';
import type { ArchiveIndex } from './archive-index';
import { oggOpusSamples } from './ogg-length';
import { decodeTrusted, probeSegment } from './segment-probe';

/**
 * Rows checked between yields to the event loop: verify runs inside the engine at start (the
 * pending repair), over a week of rows, and each costs a stat and a small read.
 */
const YIELD_EVERY = 200;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface VerifyReport {
  consistent: boolean;
  segments: number;
  /** Indexed, but the file is gone. */
  missing: string[];
  /** Closed, but the file's size is not what the index says. */
  sizeMismatch: string[];
  /** Decoded length differs from the index by more than the tolerance, 100 ms unless told (deep only). */
  lengthMismatch: string[];
  /**
   * Closed, but the index claims more audio than the file's pages hold (by the tolerance): the
   * player and exports would wait on audio that is not there. Checked without decoding, so also
   * without --deep; `repairArchive` sets them from the file.
   */
  tooLong: string[];
  /** Segment files the index does not know. */
  orphans: string[];
  /** Still being written (normal while the engine runs). */
  open: string[];
}

/**
 * How far an index length may stray from the decoded file: the time-shift player and exports
 * trust the index, so it may not claim audio the file lacks beyond this. A cleanly closed
 * segment decodes within a few ms of its index length (ffmpeg trims the Opus padding by the
 * last page's granule), so this only catches real disagreements.
 */
export const LENGTH_TOLERANCE_S = 0.1;

/** The index against the files: every row's file there with its size (and, deep, its length), every file indexed. */
export async function verifyArchive(index: ArchiveIndex, root: string, opts: { deep?: boolean; toleranceS?: number; ffmpeg?: string | null; shouldStop?: () => boolean } = {}): Promise<VerifyReport> {
  const rows = index.all();
  const report: VerifyReport = { consistent: true, segments: rows.length, missing: [], sizeMismatch: [], lengthMismatch: [], tooLong: [], orphans: [], open: [] };
  const tolerance = opts.toleranceS ?? LENGTH_TOLERANCE_S;
  const known = new Set<string>();
  let n = 0;
  for (const r of rows) {
    if (++n % YIELD_EVERY === 0) {
      await yieldToLoop();
      // The engine stopping closes the index: what was found so far is all there is.
      if (opts.shouldStop?.()) return { ...report, consistent: false };
    }
    const rel = `${r.sourceId}/${r.name}`;
    known.add(rel);
    const file = join(root, r.sourceId, r.name);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      report.missing.push(rel);
      continue;
    }
    if (r.state === 'open') {
      report.open.push(rel);
      continue;
    }
    if (size !== r.bytes) report.sizeMismatch.push(rel);
    const held = oggOpusSamples(file, r.sampleRate);
    if (held !== null && r.samples - held > tolerance * r.sampleRate) report.tooLong.push(rel);
    if (opts.deep) {
      const p = await probeSegment(file, r.sampleRate, opts.ffmpeg);
      if (!p || Math.abs(p.samples - r.samples) > tolerance * r.sampleRate) report.lengthMismatch.push(rel);
    }
  }
  for (const file of await listSegmentFiles(root)) {
    const rel = relative(root, file);
    if (!known.has(rel)) report.orphans.push(rel);
  }
  report.consistent = report.missing.length + report.sizeMismatch.length + report.lengthMismatch.length + report.tooLong.length + report.orphans.length === 0;
  return report;
}

export interface RepairResult {
  /** Rows whose length, size and levels were set from their file. */
  fixed: string[];
  /** Rows dropped: the file is gone or holds no audio. */
  removed: string[];
  /**
   * Left as they were: the file could not be decoded to the end (ffmpeg missing, failing or
   * stopped early) and its pages do not say, so its length is not known.
   */
  failed: string[];
  /**
   * Rows kept although their file is gone, because the whole source or day directory is: an
   * archive disk not mounted, not segments deleted.
   */
  missingDirs: string[];
}

/**
 * Sets what `report` found wrong from the files: a row claiming more (or other) audio than its
 * file, or another size, takes the file's decoded length, size and levels when the decode ran
 * to the end or agrees with the file's pages; a row whose file is gone is dropped, unless its
 * whole directory is (see missingDirs). A file is only deleted with its row when it certainly
 * holds no audio: empty, or pages with headers only that a decoder read without a sample. Orphan files are left alone: a file the index does not know may be one a writer is
 * about to index. Rows still open are never touched.
 */
export async function repairArchive(
  index: ArchiveIndex,
  root: string,
  report: VerifyReport,
  opts: { ffmpeg?: string | null; shouldStop?: () => boolean; toleranceS?: number } = {},
): Promise<RepairResult> {
  const out: RepairResult = { fixed: [], removed: [], failed: [], missingDirs: [] };
  const tolerance = opts.toleranceS ?? LENGTH_TOLERANCE_S;
  const split = (rel: string): [string, string] => {
    const i = rel.indexOf('/');
    return [rel.slice(0, i), rel.slice(i + 1)];
  };
  for (const rel of report.missing) {
    const row = index.byName(...split(rel));
    if (!row || row.state !== 'closed' || existsSync(join(root, row.sourceId, row.name))) continue;
    if (!existsSync(dirname(join(root, row.sourceId, row.name)))) {
      out.missingDirs.push(rel);
      continue;
    }
    index.remove(row.id);
    out.removed.push(rel);
  }
  for (const rel of new Set([...report.tooLong, ...report.lengthMismatch, ...report.sizeMismatch])) {
    // The engine stopping closes the index: the rest waits for the next start.
    if (opts.shouldStop?.()) break;
    const row = index.byName(...split(rel));
    if (!row || row.state !== 'closed') continue;
    const file = join(root, row.sourceId, row.name);
    const probed = await probeSegment(file, row.sampleRate, opts.ffmpeg);
    if (opts.shouldStop?.()) break;
    const paged = oggOpusSamples(file, row.sampleRate);
    if (probed && decodeTrusted(probed, paged, row.sampleRate, tolerance)) {
      index.updateSegment(row.id, probed.samples, probed.bytes, probed.peak, probed.rms, 'closed');
      out.fixed.push(rel);
    } else if (probed && (probed.bytes === 0 || (paged === 0 && probed.ran && probed.samples === 0))) {
      // Certainly no audio: an empty file, or headers only by its pages and by a decoder that
      // read it (ffmpeg ends such a file with "End of file", exit 1), not one that failed to run.
      index.remove(row.id);
      rmSync(file, { force: true });
      out.removed.push(rel);
    } else {
      out.failed.push(rel);
    }
  }
  return out;
}

/** Every SOURCE/YYYY-MM-DD/*.ogg under the root (asynchronous: a week of 8 sources is 80k files). */
export async function listSegmentFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const dirs = async (p: string): Promise<string[]> => {
    try {
      return (await readdir(p, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
  };
  for (const src of await dirs(root)) {
    for (const day of await dirs(join(root, src))) {
      let files: string[];
      try {
        files = await readdir(join(root, src, day));
      } catch {
        continue;
      }
      for (let i = 0; i < files.length; i++) {
        if (i % (YIELD_EVERY * 5) === YIELD_EVERY * 5 - 1) await yieldToLoop();
        const f = files[i]!;
        if (parseSegmentName(`${day}/${f}`) !== null) out.push(join(root, src, day, f));
      }
    }
  }
  return out;
}
