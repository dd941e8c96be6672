import { statSync } from 'node:fs';
import { ffmpegPath } from '../../../native/ffmpeg-path';
import { SupervisedChild } from '../../../native/process/supervised-child';
import type { ArchiveErrorCode } from '../../contract/archive';

/** Why a segment could not be written, named for the source status and the event log. */
export class ArchiveWriteError extends Error {
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveWriteError';
  }
}

/** Maps a file-system failure (an errno, or ffmpeg's words for it) to the archive's named error. */
export function classifyWriteFailure(err: unknown, where: string): ArchiveWriteError {
  const e = err as NodeJS.ErrnoException;
  const text = `${e?.code ?? ''} ${e?.message ?? String(err)}`;
  // SQLite says "database or disk is full" (SQLITE_FULL) when the index shares the full disk.
  if (/ENOSPC|EDQUOT|No space left|Disk quota|SQLITE_FULL|database or disk is full/i.test(text)) return new ArchiveWriteError('archive_disk_full', `the archive disk is full (${where})`);
  if (/EACCES|EPERM|EROFS|Permission denied|Read-only file system/i.test(text)) return new ArchiveWriteError('archive_unwritable', `the archive directory is not writable (${where})`);
  return new ArchiveWriteError('archive_encoder_failed', `the archive could not write ${where}: ${(e?.message ?? String(err)).trim().split('\n').pop()}`);
}

export interface SegmentEncoderOptions {
  file: string;
  inputRate: number;
  bitrateKbps: number;
  ffmpeg?: string | null;
}

/**
 * One segment file being written: a bundled ffmpeg reading s16le on stdin and writing Ogg Opus.
 * Pages are cut every 250 ms (page_duration) and flushed at once: with the encoder's own
 * buffering a writer killed mid-segment (ffmpeg with it) leaves a file that plays to about a
 * second before the kill.
 */
export class SegmentEncoder {
  private readonly child: SupervisedChild;
  private failed: ArchiveWriteError | null = null;
  private ended = false;

  constructor(private readonly opts: SegmentEncoderOptions) {
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-f', 's16le', '-ar', String(opts.inputRate), '-ac', '1', '-i', 'pipe:0',
      '-c:a', 'libopus', '-b:a', `${opts.bitrateKbps}k`, '-vbr', 'on', '-application', 'audio', '-frame_duration', '20',
      '-flush_packets', '1', '-page_duration', '250000',
      '-f', 'ogg', '-y', opts.file,
    ];
    this.child = new SupervisedChild(ffmpegPath(opts.ffmpeg), args, { name: 'ffmpeg', stdin: 'pipe', stdout: 'ignore' });
    this.child.stdin.on('error', () => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A write failure so far (ffmpeg died), or null. */
  get error(): ArchiveWriteError | null {
    if (!this.failed && !this.child.running && !this.ended) this.failed = this.failureOf();
    return this.failed;
  }

  write(pcm: Int16Array): void {
    if (this.ended || !this.child.running) return;
    this.child.stdin.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }

  /** Bytes on disk now (0 before the first page). */
  bytes(): number {
    try {
      return statSync(this.opts.file).size;
    } catch {
      return 0;
    }
  }

  /** Ends the input and waits for ffmpeg to finish the file; throws ArchiveWriteError when it could not. */
  async close(graceMs = 5000): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.child.running) this.child.stdin.end();
    const exit = await this.child.waitOrKill(graceMs);
    if (exit.kind === 'exited' && exit.code === 0) return;
    throw this.failureOf();
  }

  /** Stops at once (the worker is going away). */
  async abort(): Promise<void> {
    this.ended = true;
    await this.child.stop();
  }

  private failureOf(): ArchiveWriteError {
    const exit = this.child.exit;
    const detail = this.child.stderr.trim() || (exit ? this.child.describe(exit) : 'ffmpeg ended');
    return classifyWriteFailure(new Error(detail), this.opts.file);
  }
}
