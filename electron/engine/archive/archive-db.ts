import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Numbered migrations of DATA_DIR/archive/index.sqlite; user_version says how many ran. Only
 * ever append: a station's index is migrated in place.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE segments (
     id INTEGER PRIMARY KEY,
     source_id TEXT NOT NULL,
     name TEXT NOT NULL,
     start_utc INTEGER NOT NULL,
     start_sample INTEGER NOT NULL,
     sample_rate INTEGER NOT NULL,
     samples INTEGER NOT NULL DEFAULT 0,
     bytes INTEGER NOT NULL DEFAULT 0,
     state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
     peak BLOB NOT NULL DEFAULT x'',
     rms BLOB NOT NULL DEFAULT x'',
     UNIQUE (source_id, name)
   );
   CREATE INDEX segments_by_time ON segments (source_id, start_utc);
   CREATE INDEX segments_by_age ON segments (start_utc);`,
  // Checks the engine owes an index written by an older version, done once in the background
  // and then deleted. 'closed-lengths': a segment whose writing failed was closed with the
  // samples pushed, not what reached the file, so its row claims audio the file lacks.
  `CREATE TABLE pending_repairs (what TEXT PRIMARY KEY);
   INSERT INTO pending_repairs VALUES ('closed-lengths');`,
];

export const ARCHIVE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating) the archive index. Every source worker and the engine share it: WAL lets
 * them read while one writes, and the busy timeout covers the few writes that meet.
 */
export function openArchiveDb(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Each step reads the version inside its write lock: two source workers opening a new index
    // at once must not both run the same migration.
    for (;;) {
      const done = db.transaction((): boolean => {
        const v = db.pragma('user_version', { simple: true }) as number;
        if (v > MIGRATIONS.length) throw new Error(`the archive index ${file} is from a newer version (schema ${v})`);
        if (v === MIGRATIONS.length) return true;
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
        return false;
      }).immediate();
      if (done) break;
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
