import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSegmentName } from '../../core/archive/segment-name';
import type { ArchiveIndex } from './archive-index';
import { probeSegment } from './segment-probe';

export interface VerifyReport {
  consistent: boolean;
  segments: number;
  /** Indexed, but the file is gone. */
  missing: string[];
  /** Closed, but the file's size is not what the index says. */
  sizeMismatch: string[];
  /** Decoded length differs from the index by more than the tolerance, 100 ms unless told (deep only). */
  lengthMismatch: string[];
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
export async function verifyArchive(index: ArchiveIndex, root: string, opts: { deep?: boolean; toleranceS?: number; ffmpeg?: string | null } = {}): Promise<VerifyReport> {
  const rows = index.all();
  const report: VerifyReport = { consistent: true, segments: rows.length, missing: [], sizeMismatch: [], lengthMismatch: [], orphans: [], open: [] };
  const known = new Set<string>();
  for (const r of rows) {
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
    if (opts.deep) {
      const p = await probeSegment(file, r.sampleRate, opts.ffmpeg);
      if (!p || Math.abs(p.samples - r.samples) > (opts.toleranceS ?? LENGTH_TOLERANCE_S) * r.sampleRate) report.lengthMismatch.push(rel);
    }
  }
  for (const file of listSegmentFiles(root)) {
    const rel = relative(root, file);
    if (!known.has(rel)) report.orphans.push(rel);
  }
  report.consistent = report.missing.length + report.sizeMismatch.length + report.lengthMismatch.length + report.orphans.length === 0;
  return report;
}

/** Every SOURCE/YYYY-MM-DD/*.ogg under the root. */
export function listSegmentFiles(root: string): string[] {
  const out: string[] = [];
  const dirs = (p: string): string[] => {
    try {
      return readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
  };
  for (const src of dirs(root)) {
    for (const day of dirs(join(root, src))) {
      let files: string[];
      try {
        files = readdirSync(join(root, src, day));
      } catch {
        continue;
      }
      for (const f of files) if (parseSegmentName(`${day}/${f}`) !== null) out.push(join(root, src, day, f));
    }
  }
  return out;
}
