import Database from 'better-sqlite3';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { HistoryOpenError, storageCondition } from './storage-errors';

/**
 * Opens the history file and brings its schema up to date. WAL with synchronous=NORMAL: a
 * crash of the app (not of the OS) loses nothing committed, and writes are quick enough for the
 * main thread at alert rates. Foreign keys are on for every connection.
 * Throws HistoryOpenError (naming the directory and what to do) when the file cannot be used.
 */
export function openHistoryDb(file: string): Database.Database {
  const dir = file === ':memory:' ? ':memory:' : dirname(file);
  let db: Database.Database | null = null;
  try {
    if (file !== ':memory:') {
      mkdirSync(dir, { recursive: true });
      // SQLite opens a read-only directory's file read-only without complaint and fails at the first write.
      accessSync(dir, constants.W_OK);
    }
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    migrate(db);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof HistoryOpenError) throw err;
    throw new HistoryOpenError(dir, storageCondition(err), err);
  }
}

/** The schema version of an open database. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database): void {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new Error(`the history was written by a newer console (schema ${from}, this one knows ${SCHEMA_VERSION}); update the console or use another --data-dir`);
  }
  if (from === SCHEMA_VERSION) return;
  // Table rebuilds rename tables; references are checked once at the end instead.
  db.pragma('foreign_keys = OFF');
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`the history has ${broken.length} broken references after migrating to schema ${SCHEMA_VERSION}`);
}
