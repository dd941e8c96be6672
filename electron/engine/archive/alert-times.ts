import type Database from 'better-sqlite3';

/** When alerts were received on a source in [fromMs, toMs), ms: what retention must keep. */
export type AlertTimesFor = (sourceId: string, fromMs: number, toMs: number) => number[];

/** Reads reception times from the alert history database (read only). */
export function alertTimesFromHistory(db: Database.Database): AlertTimesFor {
  const stmt = db.prepare(`SELECT received_at AS t FROM receptions WHERE source_id = ? AND received_at >= ? AND received_at < ?`);
  return (sourceId, fromMs, toMs) =>
    (stmt.all(sourceId, new Date(fromMs).toISOString(), new Date(toMs).toISOString()) as Array<{ t: string }>).map((r) => Date.parse(r.t));
}

/**
 * The audio of an alert around its reception time: the header is reported some seconds after
 * its first burst, and the message runs up to a few minutes until the EOM.
 */
export const ALERT_BEFORE_MS = 30_000;
export const ALERT_AFTER_MS = 5 * 60_000;
