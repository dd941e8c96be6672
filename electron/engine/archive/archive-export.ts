import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ffmpegPath } from '../../../native/ffmpeg-path';
import { runFfmpegPcm } from '../../../native/ffmpeg-pcm';
import { SupervisedChild } from '../../../native/process/supervised-child';
import type { ArchiveExportFormat } from '../../contract/archive';
import { findGaps, type ArchiveGap } from '../../core/archive/gaps';
import { f32ToS16 } from '../../core/dsp/pcm16';
import { durationMs, type ArchiveIndex } from './archive-index';

export interface ExportOptions {
  index: ArchiveIndex;
  root: string;
  sourceId: string;
  fromMs: number;
  toMs: number;
  format: ArchiveExportFormat;
  /** A file to write; null: the encoded bytes come out of `stream`. */
  outFile: string | null;
  /** 0-1 as the range is read. */
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
  ffmpeg?: string | null;
}

export interface ExportResult {
  /** Samples of audio in the file (the bus rate); gaps are left out, not filled. */
  samples: number;
  sampleRate: number;
  gaps: ArchiveGap[];
}

export interface ExportRun {
  /** The encoded file as it is made (when outFile is null). */
  stream: Readable | null;
  /** Samples the range holds in the index (what the file will have, for a progress bar). */
  expectedSamples: number;
  done: Promise<ExportResult>;
}

const FORMAT_ARGS: Record<ArchiveExportFormat, string[]> = {
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
};

export const EXPORT_MIME: Record<ArchiveExportFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', opus: 'audio/ogg' };
export const EXPORT_EXT: Record<ArchiveExportFormat, string> = { wav: 'wav', mp3: 'mp3', opus: 'opus' };

/**
 * Cuts [fromMs, toMs) of a source out of its segments and encodes it: each segment is decoded
 * by itself (so every file's Opus pre-skip is applied and a boundary adds no click or offset),
 * trimmed by sample count, and fed to one output encoder. A gap in the range is left out; the
 * result says where they were.
 */
export function exportRange(o: ExportOptions): ExportRun {
  const rows = o.index.range(o.sourceId, o.fromMs, o.toMs).filter((r) => r.samples > 0);
  const gaps = findGaps(rows.map((r) => ({ startUtcMs: r.startUtcMs, durationMs: durationMs(r) })), o.fromMs, o.toMs);
  const rate = rows[0]?.sampleRate ?? 22050;
  const bin = ffmpegPath(o.ffmpeg);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 's16le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0', ...FORMAT_ARGS[o.format], '-y', o.outFile ?? 'pipe:1'];
  const out = new SupervisedChild(bin, args, { name: 'ffmpeg', stdin: 'pipe', stdout: o.outFile ? 'ignore' : 'pipe' });
  const signal = o.signal ?? new AbortController().signal;
  const onAbort = (): void => void out.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  const total = Math.max(1, o.toMs - o.fromMs);
  let expectedSamples = 0;
  for (const row of rows) {
    const first = Math.max(0, Math.round(((o.fromMs - row.startUtcMs) / 1000) * rate));
    const last = Math.min(row.samples, Math.round(((o.toMs - row.startUtcMs) / 1000) * rate));
    expectedSamples += Math.max(0, last - first);
  }

  const done = (async (): Promise<ExportResult> => {
    let samples = 0;
    try {
      for (const row of rows) {
        if (signal.aborted) throw new Error('export cancelled');
        const first = Math.max(0, Math.round(((o.fromMs - row.startUtcMs) / 1000) * rate));
        const last = Math.min(row.samples, Math.round(((o.toMs - row.startUtcMs) / 1000) * rate));
        if (last <= first) continue;
        let pos = 0;
        const chunks: Int16Array[] = [];
        await runFfmpegPcm({
          inputArgs: ['-i', join(o.root, row.sourceId, row.name)],
          rate,
          signal,
          ffmpeg: bin,
          onBlock: (b) => {
            const a = Math.max(first - pos, 0);
            const z = Math.min(last - pos, b.length);
            pos += b.length;
            if (z > a) chunks.push(f32ToS16(b.subarray(a, z)));
          },
        }).catch(() => {
          // A segment cut off by a kill ends early; what it holds is exported.
        });
        for (const c of chunks) {
          samples += c.length;
          if (!out.stdin.write(Buffer.from(c.buffer, c.byteOffset, c.byteLength))) {
            await new Promise<void>((resolve) => {
              out.stdin.once('drain', resolve);
              void out.exited.then(() => resolve());
            });
          }
        }
        o.onProgress?.(Math.min(1, (row.startUtcMs + durationMs(row) - o.fromMs) / total));
      }
      out.stdin.end();
      const exit = await out.exited;
      if (signal.aborted) throw new Error('export cancelled');
      if (exit.kind !== 'exited' || exit.code !== 0) throw new Error(`export encoder failed: ${out.stderr.trim() || out.describe(exit)}`);
      o.onProgress?.(1);
      return { samples, sampleRate: rate, gaps };
    } catch (err) {
      await out.stop();
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  })();
  return { stream: o.outFile ? null : out.stdout, expectedSamples, done };
}
