import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { segmentName } from '../../../electron/core/archive/segment-name';
import { ARCHIVE_SCHEMA_VERSION } from '../../../electron/engine/archive/archive-db';
import { alertTimesFromHistory } from '../../../electron/engine/archive/alert-times';
import { ArchiveIndex } from '../../../electron/engine/archive/archive-index';
import { runRetention } from '../../../electron/engine/archive/archive-retention';
import { verifyArchive } from '../../../electron/engine/archive/archive-verify';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const RATE = 22050;
let root: string;
let index: ArchiveIndex;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'eas-retention-'));
  index = new ArchiveIndex(join(root, 'index.sqlite'));
});
afterEach(() => {
  index.close();
  rmSync(root, { recursive: true, force: true });
});

/** A closed one-minute segment of `bytes` on disk, `ageDays` old. */
function segment(sourceId: string, ageDays: number, bytes = 1000): string {
  const start = NOW - ageDays * DAY;
  const name = segmentName(start);
  const file = join(root, sourceId, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes));
  const id = index.openSegment(sourceId, name, start, 0, RATE);
  index.updateSegment(id, 60 * RATE, bytes, new Uint8Array(60), new Uint8Array(60), 'closed');
  return file;
}

const limits = (maxBytes = 1e12) => ({ maxAgeMs: 7 * DAY, maxBytes, alertKeepMs: 90 * DAY });

describe('archive retention', () => {
  it('deletes segments past the age limit but keeps the one holding an alert', () => {
    const old = segment('a', 10);
    const withAlert = segment('a', 9);
    const fresh = segment('a', 1);
    const alertAt = NOW - 9 * DAY + 20_000;
    const r = runRetention(index, root, limits(), (src, from, to) => (src === 'a' && alertAt >= from && alertAt < to ? [alertAt] : []), NOW);
    expect(r).toMatchObject({ removed: 1, keptForAlerts: 1 });
    expect([existsSync(old), existsSync(withAlert), existsSync(fresh)]).toEqual([false, true, true]);
    expect(index.all()).toHaveLength(2);
  });

  it('deletes the oldest first while the total is over the size limit, across sources, keeping alert segments', async () => {
    const a1 = segment('a', 3);
    const b1 = segment('b', 2.5);
    const a2 = segment('a', 2);
    const b2 = segment('b', 1);
    const alertAt = NOW - 3 * DAY + 5000;
    const r = runRetention(index, root, limits(2500), (src, from, to) => (src === 'a' && alertAt >= from && alertAt < to ? [alertAt] : []), NOW);
    expect(r).toMatchObject({ removed: 2, keptForAlerts: 1 });
    expect([a1, b1, a2, b2].map((f) => existsSync(f))).toEqual([true, false, false, true]);
    expect(await verifyArchive(index, root)).toMatchObject({ consistent: true, segments: 2 });
  });

  it('never keeps an alert segment older than the alert keep period', () => {
    const ancient = segment('a', 100);
    const alertAt = NOW - 100 * DAY + 1000;
    runRetention(index, root, limits(), () => [alertAt], NOW);
    expect(existsSync(ancient)).toBe(false);
  });

  it('reads alert reception times from the alert history', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE receptions (id TEXT PRIMARY KEY, source_id TEXT NOT NULL, received_at TEXT NOT NULL)');
    db.prepare('INSERT INTO receptions VALUES (?, ?, ?)').run('r1', 'a', new Date(NOW - 1000).toISOString());
    db.prepare('INSERT INTO receptions VALUES (?, ?, ?)').run('r2', 'b', new Date(NOW - 1000).toISOString());
    const times = alertTimesFromHistory(db);
    expect(times('a', NOW - 5000, NOW)).toEqual([NOW - 1000]);
    expect(times('a', NOW - 500, NOW)).toEqual([]);
    db.close();
  });

  it('verify names missing files and files the index does not know', async () => {
    const f = segment('a', 1);
    rmSync(f);
    const stray = join(root, 'a', segmentName(NOW));
    mkdirSync(dirname(stray), { recursive: true });
    writeFileSync(stray, 'x');
    const rep = await verifyArchive(index, root);
    expect(rep.consistent).toBe(false);
    expect(rep.missing).toHaveLength(1);
    expect(rep.orphans).toEqual([`a/${segmentName(NOW)}`]);
  });
});

describe('archive index', () => {
  it('opens an existing index again without migrating it twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-index-'));
    try {
      const file = join(dir, 'index.sqlite');
      const many = Array.from({ length: 4 }, () => new ArchiveIndex(file));
      expect(many[0]!.db.pragma('user_version', { simple: true })).toBe(ARCHIVE_SCHEMA_VERSION);
      expect(many[2]!.pendingRepairs()).toEqual(['closed-lengths']);
      many[1]!.openSegment('a', segmentName(NOW), NOW, 0, RATE);
      expect(many[3]!.bySource('a')).toHaveLength(1);
      for (const i of many) i.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
