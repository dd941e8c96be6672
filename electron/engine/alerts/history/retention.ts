import { rmdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RetentionReport, RetentionSettings } from '../../../contract';
import type { EventLog } from '../event-log';
import type { Timers } from '../write-behind';
import type { AlertHistory } from './alert-history';

const DAY_MS = 86_400_000;
/** The first daily run waits this long after start, so a restart loop cannot prune in a loop. */
const FIRST_RUN_DELAY_MS = 10 * 60_000;

export interface RetentionOptions {
  history: AlertHistory;
  settings(): RetentionSettings;
  eventLog: EventLog;
  timers: Timers;
  /** Alerts deleted from the database (the desk drops them from memory). */
  onDeleted(alertIds: string[]): void;
}

/**
 * What may be deleted is decided in SQL by one rule: never an active alert, never a relevant
 * one nobody acknowledged. `a` is the alerts row.
 */
const PROTECTED = `(a.expires_at > @now OR (a.relevant = 1 AND NOT EXISTS (SELECT 1 FROM acknowledgements k WHERE k.alert_seq = a.seq)))`;

/**
 * Retention by age (alerts, their recordings, decoder events and log lines older than
 * maxAgeDays) and by the recordings' total size (oldest recordings first, the alerts stay),
 * daily and on demand. What it deleted goes to the event log.
 */
export class Retention {
  private timer: unknown = null;
  private last: RetentionReport | null = null;

  constructor(private readonly o: RetentionOptions) {}

  get lastReport(): RetentionReport | null {
    return this.last;
  }

  startDaily(): void {
    const loop = (delay: number): void => {
      this.timer = this.o.timers.setTimer(() => {
        try {
          this.run('daily');
        } catch {
          // logged by run; tomorrow is another try
        }
        loop(DAY_MS);
      }, delay);
    };
    loop(FIRST_RUN_DELAY_MS);
  }

  stop(): void {
    if (this.timer !== null) this.o.timers.clearTimer(this.timer);
    this.timer = null;
  }

  run(trigger: RetentionReport['trigger']): RetentionReport {
    const nowMs = this.o.timers.now();
    const now = new Date(nowMs).toISOString();
    const s = this.o.settings();
    const db = this.o.history.db;
    const report: RetentionReport = { at: now, trigger, deletedAlerts: 0, deletedRecordings: 0, freedBytes: 0, kept: 0 };
    const files: string[] = [];
    const deletedIds: string[] = [];
    try {
      db.transaction(() => {
        if (s.maxAgeDays !== null) {
          const cutoff = new Date(nowMs - s.maxAgeDays * DAY_MS).toISOString();
          const p = { now, cutoff };
          report.kept = (db.prepare(`SELECT count(*) AS n FROM alerts a WHERE a.last_received_at < @cutoff AND ${PROTECTED}`).get(p) as { n: number }).n;
          db.exec('DROP TABLE IF EXISTS temp.doomed');
          db.prepare(`CREATE TEMP TABLE doomed AS SELECT a.seq, a.id FROM alerts a WHERE a.last_received_at < @cutoff AND NOT ${PROTECTED}`).run(p);
          // Recordings only these alerts use (a recording can hold a repeat of a kept alert too).
          const recs = db
            .prepare(`
              SELECT g.id, g.file, coalesce(g.bytes, 0) AS bytes FROM recordings g
              WHERE g.complete = 1
                AND EXISTS (SELECT 1 FROM receptions r WHERE r.recording_id = g.id AND r.alert_seq IN (SELECT seq FROM temp.doomed))
                AND NOT EXISTS (SELECT 1 FROM receptions r WHERE r.recording_id = g.id AND r.alert_seq NOT IN (SELECT seq FROM temp.doomed))
              UNION
              SELECT g.id, g.file, coalesce(g.bytes, 0) FROM recordings g
              WHERE g.complete = 1 AND g.started_at < @cutoff AND NOT EXISTS (SELECT 1 FROM receptions r WHERE r.recording_id = g.id)`)
            .all(p) as Array<{ id: number; file: string; bytes: number }>;
          for (const id of db.prepare('SELECT id FROM temp.doomed').pluck().all() as string[]) deletedIds.push(id);
          report.deletedAlerts = db.prepare('DELETE FROM alerts WHERE seq IN (SELECT seq FROM temp.doomed)').run().changes;
          db.exec('DROP TABLE temp.doomed');
          this.dropRecordings(recs, files, report);
          db.prepare('DELETE FROM decoder_events WHERE received_at < ?').run(cutoff);
          db.prepare('DELETE FROM event_log WHERE at < ?').run(cutoff);
        }
        if (s.maxRecordingsMb !== null) this.trimRecordings(s.maxRecordingsMb * 1024 * 1024, now, files, report);
      })();
    } catch (err) {
      this.o.eventLog.add('retention', 'error', `retention (${trigger}) failed: ${(err as Error).message}`);
      throw err;
    }
    for (const f of files) removeRecording(f);
    if (deletedIds.length > 0) this.o.onDeleted(deletedIds);
    this.last = report;
    if (trigger === 'manual' || report.deletedAlerts + report.deletedRecordings + report.kept > 0) {
      const mb = (report.freedBytes / 1048576).toFixed(1);
      const kept = report.kept > 0 ? `; kept ${report.kept} past the age limit (active, or relevant and not acknowledged)` : '';
      this.o.eventLog.add('retention', 'info', `retention (${trigger}): deleted ${report.deletedAlerts} alerts and ${report.deletedRecordings} recordings (${mb} MB)${kept}`);
    }
    return report;
  }

  /** Oldest recordings first until the total fits; never one being written or one of a protected alert. */
  private trimRecordings(capBytes: number, now: string, files: string[], report: RetentionReport): void {
    const db = this.o.history.db;
    // Sizes are filled in when a recording ends; one cut short by a crash is measured here.
    const unsized = db.prepare('SELECT id, file FROM recordings WHERE bytes IS NULL AND complete = 1').all() as Array<{ id: number; file: string }>;
    const setBytes = db.prepare('UPDATE recordings SET bytes = ? WHERE id = ?');
    for (const r of unsized) setBytes.run(fileSize(r.file), r.id);
    let total = (db.prepare('SELECT coalesce(sum(bytes), 0) AS n FROM recordings').get() as { n: number }).n;
    if (total <= capBytes) return;
    const candidates = db
      .prepare(`
        SELECT g.id, g.file, coalesce(g.bytes, 0) AS bytes FROM recordings g
        WHERE g.complete = 1 AND NOT EXISTS (
          SELECT 1 FROM receptions r JOIN alerts a ON a.seq = r.alert_seq WHERE r.recording_id = g.id AND ${PROTECTED})
        ORDER BY g.started_at, g.id`)
      .iterate({ now }) as IterableIterator<{ id: number; file: string; bytes: number }>;
    const doomed: Array<{ id: number; file: string; bytes: number }> = [];
    for (const r of candidates) {
      if (total <= capBytes) break;
      doomed.push(r);
      total -= r.bytes;
    }
    this.dropRecordings(doomed, files, report);
  }

  /** Deletes the rows inside the caller's transaction; the files go in `files`, removed after it commits. */
  private dropRecordings(recs: ReadonlyArray<{ id: number; file: string; bytes: number }>, files: string[], report: RetentionReport): void {
    const del = this.o.history.db.prepare('DELETE FROM recordings WHERE id = ?');
    for (const r of recs) {
      del.run(r.id);
      files.push(r.file);
      report.freedBytes += r.bytes;
    }
    report.deletedRecordings += recs.length;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Deletes a recording and its day folder once that is empty. */
function removeRecording(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
  try {
    rmdirSync(dirname(file));
  } catch {
    // not empty, or not ours to remove
  }
}
