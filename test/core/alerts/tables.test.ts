import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KNOWN_ORIGINATORS } from '../../../electron/core/alerts/header';
import { buildTables, MARINE_ZONE_PREFIX, parseCsv, STATE_NAMES } from '../../../electron/core/alerts/tables';
import { assetsDir, loadTables, readTableTexts } from '../../../native/tables-loader';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = resolve(root, '..', 'shared', 'data');

describe('CSV parser', () => {
  it('handles quotes, embedded commas and quotes, CRLF, BOM and blank lines', () => {
    expect(parseCsv('\ufeffa,b\r\n1,"x, ""y"""\n\n2,\n"multi\nline",z')).toEqual([
      ['a', 'b'],
      ['1', 'x, "y"'],
      ['2', ''],
      ['multi\nline', 'z'],
    ]);
    expect(parseCsv('')).toEqual([]);
  });

  it('names the file and the fix when a table has the wrong columns', () => {
    const texts = readTableTexts();
    expect(() => buildTables({ ...texts, events: 'code,title\nTOR,Tornado\n' })).toThrow(/same-event-codes\.csv.*copy-tables/);
  });
});

describe('SAME tables from assets/data', () => {
  it('has the documented row counts', () => {
    const t = loadTables();
    expect(t.counts).toEqual({ counties: 3244, retiredCounties: 4, events: 58, extraEvents: 24, originators: 5, marineAreas: 15 });
    expect(t.counties.size).toBe(3248);
    expect(t.events.size).toBe(82);
    expect(loadTables()).toBe(t); // cached
  });

  it('names states from the county table and has a full name for each', () => {
    const t = loadTables();
    for (const s of t.states.values()) expect(STATE_NAMES[s.abbr], s.abbr).toBeDefined();
    expect(t.states.get('29')).toEqual({ fips: '29', abbr: 'MO', name: 'Missouri' });
    expect(t.states.size).toBe(57); // 50 + DC + PR AS GU MP VI UM
  });

  it('has a zone prefix for every marine area, and the parser knows every originator in the table', () => {
    const t = loadTables();
    expect([...t.marineAreas.keys()].sort()).toEqual(Object.keys(MARINE_ZONE_PREFIX).sort());
    expect([...t.originators.keys()].sort()).toEqual([...KNOWN_ORIGINATORS].sort());
  });

  it('categorises events as the tables say', () => {
    const t = loadTables();
    expect(t.events.get('TOR')).toMatchObject({ name: 'Tornado Warning', category: 'warning', source: 'cfr' });
    expect(t.events.get('RWT')?.category).toBe('test');
    expect(t.events.get('EAN')?.category).toBe('emergency');
    expect(t.events.get('SQW')?.source).toBe('cfr');
    expect(t.events.get('BWW')?.source).toBe('extra');
  });

  it('finds assets from EAS_ASSETS_DIR first', () => {
    const dir = assetsDir();
    const before = process.env.EAS_ASSETS_DIR;
    try {
      process.env.EAS_ASSETS_DIR = dir;
      expect(assetsDir()).toBe(dir);
      process.env.EAS_ASSETS_DIR = '/nonexistent-eas-assets';
      expect(assetsDir()).toBe(dir); // falls back to walking up from the module
    } finally {
      if (before === undefined) delete process.env.EAS_ASSETS_DIR;
      else process.env.EAS_ASSETS_DIR = before;
    }
  });

  it.skipIf(!existsSync(shared))('assets/data is a verbatim copy of ../shared/data', () => {
    const mine = join(root, 'assets', 'data');
    const files = readdirSync(shared).filter((n) => n.endsWith('.csv') || n === 'SOURCES.md').sort();
    expect(readdirSync(mine).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(mine, f)).equals(readFileSync(join(shared, f))), f).toBe(true);
  });
});
