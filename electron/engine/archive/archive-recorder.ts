import { accessSync, constants, mkdirSync, statSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ArchiveStatus } from '../../contract/archive';
import { OverviewAccumulator } from '../../core/archive/overview';
import { segmentName } from '../../core/archive/segment-name';
import { f32ToS16 } from '../../core/dsp/pcm16';
import { ArchiveIndex } from './archive-index';
import { ArchiveWriteError, SegmentEncoder, classifyWriteFailure } from './segment-encoder';
import { LENGTH_TOLERANCE_S } from './archive-verify';
import { oggOpusSamples } from './ogg-length';
import { decodeTrusted, probeSegment } from './segment-probe';

/** What a source worker needs to archive its bus (plain data: it crosses to the worker). */
export interface WorkerArchiveConfig {
  /** The archive root; segments go to ROOT/SOURCE/YYYY-MM-DD/*.ogg, the index is ROOT/index.sqlite. */
  root: string;
  bitrateKbps: number;
  segmentSeconds: number;
  ffmpeg?: string | null;
  /** Below this much free space the archive pauses (disk full) rather than fill the disk. */
  minFreeBytes?: number;
  /** How long a paused archive waits before it tries again. */
  resumeMs?: number;
  /** How often the open segment's length and levels are written to the index. */
  progressMs?: number;
}

export interface ArchiveRecorderOptions extends WorkerArchiveConfig {
  sourceId: string;
  sampleRate: number;
  onStatus(status: ArchiveStatus): void;
  onLog(level: 'info' | 'warn' | 'error', message: string): void;
  /** Wall clock, ms (tests run hours of audio in seconds). */
  now?: () => number;
}

export const ARCHIVE_INDEX_FILE = 'index.sqlite';
const DEFAULT_MIN_FREE = 64 * 1024 * 1024;
/** Audio later than this behind the wall clock means samples went missing: a new run (a gap) starts. */
const STALL_MS = 3000;

/** A recursive mkdir on a read-only disk says ENOENT; access() names the real reason. */
function whyUnwritable(dir: string): unknown {
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : err;
  }
}

/** An index write that failed: a full disk is named as one (the index lives on the archive disk). */
function indexFailure(err: unknown, doing: string): ArchiveWriteError {
  const named = classifyWriteFailure(err, ARCHIVE_INDEX_FILE);
  return named.code === 'archive_encoder_failed' ? new ArchiveWriteError('archive_index_failed', `the archive index cannot be ${doing}: ${(err as Error).message}`) : named;
}

/**
 * Closes a row with what its file holds, decoded. When the decoder yields nothing or stops early
 * (ffmpeg itself failing, as on the disk that just failed) the file's Ogg pages still say how
 * long it is: the row keeps that length and the levels it had, rather than being dropped with
 * its audio. Only a file whose pages hold no audio loses its row; one that cannot be read at all
 * (EIO, EACCES, a torn first page) keeps it open, so the next start's recovery tries again.
 */
async function closeRowFromFile(
  index: ArchiveIndex,
  id: number,
  file: string,
  rate: number,
  ffmpeg: string | null | undefined,
  levels: { peak: Uint8Array; rms: Uint8Array },
): Promise<void> {
  const probed = await probeSegment(file, rate, ffmpeg);
  const paged = oggOpusSamples(file, rate);
  if (probed && decodeTrusted(probed, paged, rate, LENGTH_TOLERANCE_S)) {
    index.updateSegment(id, probed.samples, probed.bytes, probed.peak, probed.rms, 'closed');
    return;
  }
  if (paged === null) return;
  if (paged === 0) {
    // A decoder that found audio the pages deny: unknown, left for the next try.
    if (probed && probed.samples > 0) return;
    index.remove(id);
    return;
  }
  const seconds = Math.ceil(paged / rate);
  index.updateSegment(id, paged, statSync(file).size, levels.peak.subarray(0, seconds), levels.rms.subarray(0, seconds), 'closed');
}

interface OpenSegment {
  id: number;
  name: string;
  encoder: SegmentEncoder;
  startUtcMs: number;
  samples: number;
  overview: OverviewAccumulator;
  lastProgress: number;
}

/**
 * Writes one source's bus into the archive, in the source worker next to the decoder (the PCM is
 * there; nothing crosses threads). A run of contiguous audio becomes back-to-back segments whose
 * UTC starts follow from the sample count; when audio stops (the source fails, the engine stops,
 * samples go missing) the run ends and the next starts at the wall clock, so the index holds a
 * gap, never silence. Any write failure pauses the archive (status with a named error) and it
 * tries again after `resumeMs`; the decoder never waits on it.
 */
export class ArchiveRecorder {
  private readonly now: () => number;
  private readonly segmentSamples: number;
  private index: ArchiveIndex | null = null;
  private seg: OpenSegment | null = null;
  private readonly closing = new Set<Promise<void>>();
  private paused: { error: ArchiveWriteError; retryAt: number } | null = null;
  private status: ArchiveStatus = { state: 'idle', error: null };
  private recovered: Promise<void> | null = null;
  /** Rows this recorder opened before its recovery ended: recovery never takes them for a killed writer's. */
  private own: Set<number> | null = new Set<number>();
  private closed = false;
  /** The pause reason last logged: a full disk is said once, not at every retry. */
  private loggedCode: string | null = null;

  constructor(private readonly opts: ArchiveRecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.segmentSamples = Math.round(opts.segmentSeconds * opts.sampleRate);
    opts.onStatus(this.status);
  }

  /**
   * Closes the segments a killed writer of this source left open, with the length their file
   * really has. Call once, before the first push; pushes do not wait for it. `after`: the close
   * of the recorder this one replaces (new settings), which is still writing its segment; its
   * rows are only taken for a killed writer's once it is done, or its live file would be
   * probed and its row closed short or dropped.
   */
  recover(after?: Promise<unknown>): Promise<void> {
    this.recovered ??= (async () => {
      if (after) await after.catch(() => undefined);
      if (this.closed) return;
      const index = this.openIndex();
      if (!index) return;
      for (const row of index.openSegments()) {
        if (row.sourceId !== this.opts.sourceId || this.own?.has(row.id)) continue;
        await closeRowFromFile(index, row.id, join(this.opts.root, row.sourceId, row.name), row.sampleRate, this.opts.ffmpeg, row);
      }
    })()
      .finally(() => {
        this.own = null;
      }).catch((err: Error) => this.opts.onLog('warn', `${this.opts.sourceId}: archive recovery failed: ${err.message}`));
    return this.recovered;
  }

  get state(): ArchiveStatus {
    return this.status;
  }

  /** One bus block (float, the bus rate). */
  push(block: Float32Array): void {
    if (this.closed || block.length === 0) return;
    const now = this.now();
    if (this.paused) {
      if (now < this.paused.retryAt) return;
      this.paused = null;
    }
    let seg = this.seg;
    const blockMs = (block.length / this.opts.sampleRate) * 1000;
    if (seg && now - blockMs - this.endUtc(seg) > STALL_MS) {
      this.finish(seg);
      seg = null;
    }
    if (!seg) {
      seg = this.begin(now - blockMs);
      if (!seg) return;
    }
    const err = seg.encoder.error;
    if (err) {
      this.pause(err, now);
      return;
    }
    seg.encoder.write(f32ToS16(block));
    seg.overview.push(block);
    seg.samples += block.length;
    if (seg.samples >= this.segmentSamples) {
      const next = this.endUtc(seg);
      this.finish(seg);
      // Back to back with the one just finished, unless the source clock ran ahead of the wall clock.
      this.begin(Math.abs(next - now) > STALL_MS ? now : next);
    } else if (now - seg.lastProgress >= (this.opts.progressMs ?? 5000)) {
      seg.lastProgress = now;
      this.progress(seg, 'open');
    }
  }

  /** The run ends (the source stopped or failed): the time until the next audio is a gap. */
  endRun(): void {
    if (this.seg) this.finish(this.seg);
  }

  async close(): Promise<void> {
    this.endRun();
    this.closed = true;
    await this.recovered;
    while (this.closing.size > 0) await Promise.all([...this.closing]);
    this.index?.close();
    this.index = null;
  }

  private endUtc(seg: OpenSegment): number {
    return seg.startUtcMs + (seg.samples / this.opts.sampleRate) * 1000;
  }

  private openIndex(): ArchiveIndex | null {
    if (this.index) return this.index;
    try {
      this.index = new ArchiveIndex(join(this.opts.root, ARCHIVE_INDEX_FILE));
      return this.index;
    } catch (err) {
      this.pause(indexFailure(whyUnwritable(this.opts.root) ?? err, 'opened'), this.now());
      return null;
    }
  }

  private begin(startUtcMs: number): OpenSegment | null {
    const startMs = Math.round(startUtcMs);
    const name = segmentName(startMs);
    const file = join(this.opts.root, this.opts.sourceId, name);
    try {
      mkdirSync(dirname(file), { recursive: true });
      const free = statfsSync(dirname(file));
      const freeBytes = free.bavail * free.bsize;
      if (freeBytes < (this.opts.minFreeBytes ?? DEFAULT_MIN_FREE)) {
        throw new ArchiveWriteError('archive_disk_full', `the archive disk is full (${Math.round(freeBytes / 1024)} KiB free in ${this.opts.root})`);
      }
    } catch (err) {
      this.pause(err instanceof ArchiveWriteError ? err : classifyWriteFailure(whyUnwritable(this.opts.root) ?? err, dirname(file)), this.now());
      return null;
    }
    const index = this.openIndex();
    if (!index) return null;
    let id: number;
    try {
      id = index.openSegment(this.opts.sourceId, name, startMs, 0, this.opts.sampleRate);
      this.own?.add(id);
    } catch (err) {
      this.pause(indexFailure(err, 'written'), this.now());
      return null;
    }
    let encoder: SegmentEncoder;
    try {
      encoder = new SegmentEncoder({ file, inputRate: this.opts.sampleRate, bitrateKbps: this.opts.bitrateKbps, ffmpeg: this.opts.ffmpeg });
    } catch (err) {
      this.pause(new ArchiveWriteError('archive_encoder_failed', (err as Error).message), this.now());
      return null;
    }
    const seg: OpenSegment = { id, name, encoder, startUtcMs: startMs, samples: 0, overview: new OverviewAccumulator(this.opts.sampleRate), lastProgress: this.now() };
    this.seg = seg;
    this.setStatus({ state: 'recording', error: null });
    return seg;
  }

  private progress(seg: OpenSegment, state: 'open' | 'closed'): void {
    const { peak, rms } = seg.overview.snapshot();
    try {
      this.index?.updateSegment(seg.id, seg.samples, seg.encoder.bytes(), peak, rms, state);
    } catch (err) {
      this.pause(indexFailure(err, 'written'), this.now());
    }
  }

  /** A segment whose writing failed (ffmpeg killed or gone). */
  private async closeBroken(seg: OpenSegment): Promise<void> {
    await seg.encoder.abort();
    await this.closeFromFile(seg);
  }

  /**
   * Closes the row with what the file really holds, or drops it when nothing: after a write
   * failure the samples pushed are not what reached the disk (ffmpeg runs behind the pushes, by
   * whole segments on a loaded machine), and the player and exports trust the row's length.
   */
  private async closeFromFile(seg: OpenSegment): Promise<void> {
    try {
      if (this.index) await closeRowFromFile(this.index, seg.id, join(this.opts.root, this.opts.sourceId, seg.name), this.opts.sampleRate, this.opts.ffmpeg, seg.overview.snapshot());
    } catch {
      // The index is on the same failing disk: recovery at the next start closes the row.
    }
  }

  private finish(seg: OpenSegment): void {
    if (this.seg === seg) this.seg = null;
    const done = seg.encoder
      .close()
      .then(() => this.progress(seg, 'closed'))
      .catch(async (err: unknown) => {
        this.pause(err instanceof ArchiveWriteError ? err : classifyWriteFailure(err, `segment ${seg.id}`), this.now());
        // What reached the disk is still indexed, as long as the file holds: it plays up to where it was cut.
        await this.closeFromFile(seg);
      })
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
    if (!this.seg && !this.paused) this.setStatus({ state: 'idle', error: null });
  }

  private pause(error: ArchiveWriteError, now: number): void {
    const retryMs = this.opts.resumeMs ?? 30_000;
    const already = this.loggedCode === error.code;
    this.loggedCode = error.code;
    this.paused = { error, retryAt: now + retryMs };
    if (this.seg) {
      const seg = this.seg;
      this.seg = null;
      const done = this.closeBroken(seg).finally(() => this.closing.delete(done));
      this.closing.add(done);
    }
    if (!already) this.opts.onLog('error', `${this.opts.sourceId}: archive paused: ${error.message}; retrying every ${Math.round(retryMs / 1000)} s (decoding and alerts go on)`);
    this.setStatus({ state: 'paused', error: { code: error.code, message: error.message } });
  }

  private setStatus(s: ArchiveStatus): void {
    if (s.state === this.status.state && s.error?.code === this.status.error?.code && s.error?.message === this.status.error?.message) return;
    const wasPaused = this.status.state === 'paused';
    this.status = s;
    if (wasPaused && s.state === 'recording') this.loggedCode = null;
    if (wasPaused && s.state === 'recording') this.opts.onLog('info', `${this.opts.sourceId}: archive resumed`);
    this.opts.onStatus(s);
  }
}
