import type Database from 'better-sqlite3';
import type { ArchiveSegment } from '../../contract/archive';
import { openArchiveDb } from './archive-db';

/** A segment row as the engine uses it (the contract's shape plus the overview). */
export interface SegmentRow {
  id: number;
  sourceId: string;
  name: string;
  startUtcMs: number;
  startSample: number;
  sampleRate: number;
  samples: number;
  bytes: number;
  state: 'open' | 'closed';
  peak: Uint8Array;
  rms: Uint8Array;
}

interface RawRow {
  id: number;
  source_id: string;
  name: string;
  start_utc: number;
  start_sample: number;
  sample_rate: number;
  samples: number;
  bytes: number;
  state: 'open' | 'closed';
  peak: Buffer;
  rms: Buffer;
}

function fromRaw(r: RawRow): SegmentRow {
  return {
    id: r.id,
    sourceId: r.source_id,
    name: r.name,
    startUtcMs: r.start_utc,
    startSample: r.start_sample,
    sampleRate: r.sample_rate,
    samples: r.samples,
    bytes: r.bytes,
    state: r.state,
    peak: new Uint8Array(r.peak.buffer, r.peak.byteOffset, r.peak.byteLength),
    rms: new Uint8Array(r.rms.buffer, r.rms.byteOffset, r.rms.byteLength),
  };
}

export function durationMs(s: Pick<SegmentRow, 'samples' | 'sampleRate'>): number {
  return (s.samples / s.sampleRate) * 1000;
}

export function toContractSegment(s: SegmentRow): ArchiveSegment {
  return {
    id: s.id,
    sourceId: s.sourceId,
    name: s.name,
    startUtc: new Date(s.startUtcMs).toISOString(),
    startUtcMs: s.startUtcMs,
    durationMs: durationMs(s),
    startSample: s.startSample,
    bytes: s.bytes,
    state: s.state,
  };
}

/** The archive index: which segment files exist, where they sit in time, and their levels. */
export class ArchiveIndex {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(file: string) {
    this.db = openArchiveDb(file);
    const db = this.db;
    this.stmts = {
      open: db.prepare(
        `INSERT INTO segments (source_id, name, start_utc, start_sample, sample_rate, state) VALUES (?, ?, ?, ?, ?, 'open')
         ON CONFLICT (source_id, name) DO UPDATE SET start_utc = excluded.start_utc, start_sample = excluded.start_sample, samples = 0, bytes = 0, state = 'open'
         RETURNING id`,
      ),
      progress: db.prepare(`UPDATE segments SET samples = ?, bytes = ?, peak = ?, rms = ?, state = ? WHERE id = ?`),
      range: db.prepare(
        `SELECT * FROM segments WHERE source_id = ? AND start_utc < ? AND start_utc + (samples * 1000.0 / sample_rate) > ? ORDER BY start_utc`,
      ),
      bySource: db.prepare(`SELECT * FROM segments WHERE source_id = ? ORDER BY start_utc`),
      all: db.prepare(`SELECT * FROM segments ORDER BY start_utc`),
      closedLight: db.prepare(`SELECT id, source_id, name, start_utc, sample_rate, samples, bytes FROM segments WHERE state = 'closed' ORDER BY start_utc`),
      openRows: db.prepare(`SELECT * FROM segments WHERE state = 'open' ORDER BY start_utc`),
      byName: db.prepare(`SELECT * FROM segments WHERE source_id = ? AND name = ?`),
      remove: db.prepare(`DELETE FROM segments WHERE id = ?`),
      pending: db.prepare(`SELECT what FROM pending_repairs ORDER BY what`),
      repaired: db.prepare(`DELETE FROM pending_repairs WHERE what = ?`),
      sources: db.prepare(`SELECT source_id AS id, COUNT(*) AS n, SUM(bytes) AS bytes, MIN(start_utc) AS first, MAX(start_utc + samples * 1000.0 / sample_rate) AS last FROM segments GROUP BY source_id ORDER BY source_id`),
    } as const;
  }

  /** Starts a segment row; returns its id. */
  openSegment(sourceId: string, name: string, startUtcMs: number, startSample: number, sampleRate: number): number {
    const row = this.stmts.open.get(sourceId, name, startUtcMs, startSample, sampleRate) as { id: number };
    return row.id;
  }

  /** What has been written so far (or at the end, state 'closed'). */
  updateSegment(id: number, samples: number, bytes: number, peak: Uint8Array, rms: Uint8Array, state: 'open' | 'closed'): void {
    this.stmts.progress.run(samples, bytes, Buffer.from(peak), Buffer.from(rms), state, id);
  }

  /** Segments of a source overlapping [fromMs, toMs), in time order. */
  range(sourceId: string, fromMs: number, toMs: number): SegmentRow[] {
    return (this.stmts.range.all(sourceId, toMs, fromMs) as RawRow[]).map(fromRaw);
  }

  bySource(sourceId: string): SegmentRow[] {
    return (this.stmts.bySource.all(sourceId) as RawRow[]).map(fromRaw);
  }

  all(): SegmentRow[] {
    return (this.stmts.all.all() as RawRow[]).map(fromRaw);
  }

  /** Closed segments without their overview (retention reads every row of every source). */
  closedSegments(): Array<Omit<SegmentRow, 'peak' | 'rms' | 'startSample' | 'state'>> {
    return (this.stmts.closedLight.all() as RawRow[]).map((r) => ({
      id: r.id,
      sourceId: r.source_id,
      name: r.name,
      startUtcMs: r.start_utc,
      sampleRate: r.sample_rate,
      samples: r.samples,
      bytes: r.bytes,
    }));
  }

  openSegments(): SegmentRow[] {
    return (this.stmts.openRows.all() as RawRow[]).map(fromRaw);
  }

  byName(sourceId: string, name: string): SegmentRow | null {
    const r = this.stmts.byName.get(sourceId, name) as RawRow | undefined;
    return r ? fromRaw(r) : null;
  }

  remove(id: number): void {
    this.stmts.remove.run(id);
  }

  sources(): Array<{ id: string; n: number; bytes: number; first: number; last: number }> {
    return this.stmts.sources.all() as Array<{ id: string; n: number; bytes: number; first: number; last: number }>;
  }

  /** The one-off repairs this index still needs (archive-db.ts says which exist). */
  pendingRepairs(): string[] {
    return (this.stmts.pending.all() as Array<{ what: string }>).map((r) => r.what);
  }

  repairDone(what: string): void {
    this.stmts.repaired.run(what);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
