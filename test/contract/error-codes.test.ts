import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURE_ERROR_CODES, ENCODER_ERROR_CODES, ICECAST_ERROR_CODES, ICECAST_SOURCE_ERROR_KINDS } from '../../electron/contract';

const tables = { CAPTURE_ERROR_CODES, ENCODER_ERROR_CODES, ICECAST_ERROR_CODES, ICECAST_SOURCE_ERROR_KINDS };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('error codes', () => {
  it('every code is snake_case and has a one-line meaning', () => {
    for (const [table, codes] of Object.entries(tables)) {
      for (const [code, meaning] of Object.entries(codes)) {
        expect(code, `${table}.${code}`).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
        expect(meaning.length, `${table}.${code} needs a meaning`).toBeGreaterThan(5);
        expect(meaning, `${table}.${code}`).not.toMatch(/\n/);
      }
    }
  });

  it('no failure is raised with a kebab-case code anywhere (the UI and tests match on codes)', () => {
    const raise = /new (?:\w+Error|CaptureError)\(\s*'([a-z0-9]+(?:-[a-z0-9]+)+)'/g;
    const found: string[] = [];
    for (const file of [...sources('electron'), ...sources('native')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(raise)) found.push(`${file}: ${m[1]}`);
    }
    expect(found).toEqual([]);
  });
});
