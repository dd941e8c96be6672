import { join, normalize } from 'node:path';
import { ARCHIVE_ALERT_KEEP_DAYS, type ArchiveSettings, type ArchiveStatus, type ArchiveTimeline, type SourceConfig } from '../../contract';
import { findGaps } from '../../core/archive/gaps';
import { overviewBuckets } from '../../core/archive/overview';
import { parseSegmentName } from '../../core/archive/segment-name';
import type { AlertTimesFor } from './alert-times';
import { exportRange, type ExportOptions, type ExportRun } from './archive-export';
import { ArchiveIndex, durationMs, toContractSegment } from './archive-index';
import { ARCHIVE_INDEX_FILE, type WorkerArchiveConfig } from './archive-recorder';
import { runRetention, type RetentionResult } from './archive-retention';
import { repairArchive, verifyArchive, type RepairResult, type VerifyReport } from './archive-verify';

const DAY_MS = 86_400_000;
const RETENTION_EVERY_MS = 10 * 60_000;

export interface ArchiveServiceOptions {
  dataDir: string;
  settings: { get(): { archive: ArchiveSettings; ffmpegPath: string | null } };
  alertTimesFor: AlertTimesFor;
  logEvent(level: 'info' | 'warn' | 'error', message: string): void;
  now?: () => number;
  /** Overrides for the workers (tests: a small free-space floor, a quick resume). */
  workerOverrides?: Partial<WorkerArchiveConfig>;
}

/** The archive root for these settings. */
export function archiveRoot(dataDir: string, s: ArchiveSettings): string {
  return s.dir ?? join(dataDir, 'archive');
}

/**
 * The engine's side of the archive: what each source worker is told to record, the archive
 * state the workers report, queries on the index (timeline, segment files, export, verify) and
 * retention. The writing itself happens in the workers (ArchiveRecorder).
 */
export class ArchiveService {
  private index: ArchiveIndex | null = null;
  /** The root `index` was opened in (the archive directory is a setting). */
  private indexRoot: string | null = null;
  private readonly statuses = new Map<string, ArchiveStatus>();
  private timer: NodeJS.Timeout | null = null;
  /** The first pass after start; cleared by stop(), or it would reopen the index stop() closed. */
  private firstPass: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly opts: ArchiveServiceOptions) {
    this.now = opts.now ?? Date.now;
  }

  get root(): string {
    return archiveRoot(this.opts.dataDir, this.opts.settings.get().archive);
  }

  /** The recorder config for one source's worker; null when it is not archived. */
  workerConfig(source: SourceConfig): WorkerArchiveConfig | null {
    const s = this.opts.settings.get();
    if (!s.archive.enabled || source.archive === false) return null;
    return { root: this.root, bitrateKbps: s.archive.bitrateKbps, segmentSeconds: s.archive.segmentSeconds, ffmpeg: s.ffmpegPath, ...this.opts.workerOverrides };
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.retain(), RETENTION_EVERY_MS);
    this.timer.unref();
    if (this.firstPass) clearTimeout(this.firstPass);
    this.firstPass = setTimeout(() => {
      this.firstPass = null;
      if (this.stopped) return;
      this.retain();
      void this.repairPending();
    }, 5000);
    this.firstPass.unref();
  }

  /** Archive settings were saved: smaller limits apply now, not at the next pass. */
  settingsChanged(before: ArchiveSettings, after: ArchiveSettings): void {
    if (before.maxAgeDays !== after.maxAgeDays || before.maxTotalMB !== after.maxTotalMB || before.dir !== after.dir) setImmediate(() => {
        if (!this.stopped) this.retain();
      });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.firstPass) clearTimeout(this.firstPass);
    this.firstPass = null;
    this.stopped = true;
    this.index?.close();
    this.index = null;
  }

  setStatus(sourceId: string, status: ArchiveStatus): void {
    this.statuses.set(sourceId, status);
  }

  forget(sourceId: string): void {
    this.statuses.delete(sourceId);
  }

  status(source: SourceConfig): ArchiveStatus {
    if (!this.workerConfig(source)) return { state: 'off', error: null };
    return this.statuses.get(source.id) ?? { state: 'idle', error: null };
  }

  /** The index, opened on first use (a missing archive is an empty one). */
  idx(): ArchiveIndex {
    const root = this.root;
    if (this.index && this.indexRoot !== root) {
      this.index.close();
      this.index = null;
    }
    this.index ??= new ArchiveIndex(join(root, ARCHIVE_INDEX_FILE));
    this.indexRoot = root;
    return this.index;
  }

  timeline(sourceId: string, fromMs: number, toMs: number, buckets = 1000): ArchiveTimeline {
    const rows = this.idx().range(sourceId, fromMs, toMs);
    const spans = rows.map((r) => ({ startUtcMs: r.startUtcMs, durationMs: durationMs(r), peak: r.peak, rms: r.rms }));
    const { peak, rms } = overviewBuckets(spans, fromMs, toMs, buckets);
    return {
      sourceId,
      fromMs,
      toMs,
      segments: rows.map(toContractSegment),
      gaps: findGaps(spans, fromMs, toMs),
      peak: Array.from(peak),
      rms: Array.from(rms),
    };
  }

  /** The file of a segment named as the index names it, or null (never a path outside the archive). */
  segmentFile(sourceId: string, name: string): string | null {
    if (parseSegmentName(name) === null || normalize(name) !== name) return null;
    const row = this.idx().byName(sourceId, name);
    return row ? join(this.root, sourceId, name) : null;
  }

  export(o: Omit<ExportOptions, 'index' | 'root' | 'ffmpeg'>): ExportRun {
    return exportRange({ ...o, index: this.idx(), root: this.root, ffmpeg: this.opts.settings.get().ffmpegPath });
  }

  verify(deep = false): Promise<VerifyReport> {
    return verifyArchive(this.idx(), this.root, { deep, ffmpeg: this.opts.settings.get().ffmpegPath });
  }

  /** Sets the rows verify found wrong from their files (`eas-console archive verify --repair`). */
  async repair(report: VerifyReport): Promise<RepairResult> {
    return repairArchive(this.idx(), this.root, report, { ffmpeg: this.opts.settings.get().ffmpegPath });
  }

  /**
   * The one-off repairs an index from an older version still needs, in the background after
   * start: 'closed-lengths' sets rows that claim more audio than their file holds (an older
   * version closed a failed segment with the samples pushed) from the file. Logged, never thrown.
   */
  async repairPending(): Promise<RepairResult | null> {
    try {
      if (this.stopped) return null;
      const index = this.idx();
      if (!index.pendingRepairs().includes('closed-lengths')) return null;
      const found = await verifyArchive(index, this.root, { ffmpeg: this.opts.settings.get().ffmpegPath, shouldStop: () => this.stopped });
      if (this.stopped) return null;
      // Only the lengths: a missing file or another size is reported by verify, and left to --repair.
      const r = await repairArchive(index, this.root, { ...found, missing: [], sizeMismatch: [], lengthMismatch: [] }, {
        ffmpeg: this.opts.settings.get().ffmpegPath,
        shouldStop: () => this.stopped,
      });
      if (this.stopped) return null;
      if (r.failed.length === 0) index.repairDone('closed-lengths');
      const n = r.fixed.length + r.removed.length;
      if (n > 0 || r.failed.length > 0) {
        this.opts.logEvent(r.failed.length ? 'warn' : 'info', `archive: set ${n} segment lengths from their files (an older version indexed them too long)${r.failed.length ? `; ${r.failed.length} could not be decoded, tried again at the next start` : ''}`);
      }
      return r;
    } catch (err) {
      this.opts.logEvent('warn', `archive index repair failed: ${(err as Error).message}`);
      return null;
    }
  }

  /** One retention pass; failures are logged, never thrown (the next pass tries again). */
  retain(): RetentionResult | null {
    const a = this.opts.settings.get().archive;
    try {
      const r = runRetention(
        this.idx(),
        this.root,
        { maxAgeMs: a.maxAgeDays * DAY_MS, maxBytes: a.maxTotalMB * 1024 * 1024, alertKeepMs: ARCHIVE_ALERT_KEEP_DAYS * DAY_MS },
        this.opts.alertTimesFor,
        this.now(),
      );
      if (r.removed > 0) this.opts.logEvent('info', `archive: removed ${r.removed} old segments (${Math.round(r.freedBytes / 1024 / 1024)} MB)${r.keptForAlerts ? `, kept ${r.keptForAlerts} holding alerts` : ''}`);
      return r;
    } catch (err) {
      this.opts.logEvent('warn', `archive retention failed: ${(err as Error).message}`);
      return null;
    }
  }
}
