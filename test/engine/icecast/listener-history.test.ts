import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HISTORY_WINDOW_MS, ListenerHistory } from '../../../electron/engine/icecast/listener-history';

const dirs: string[] = [];
const open: ListenerHistory[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-listener-history-'));
  dirs.push(d);
  return join(d, 'listeners.sqlite');
}

/** A clock the test moves by hand. */
function clock(start = Date.UTC(2026, 11, 1, 12, 0, 0)): { now: () => number; set: (t: number) => void; add: (ms: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => (t = v), add: (ms) => (t += ms) };
}

function history(file: string, c: ReturnType<typeof clock>, extra: Partial<ConstructorParameters<typeof ListenerHistory>[0]> = {}): ListenerHistory {
  const h = new ListenerHistory({ file, now: c.now, ...extra });
  open.push(h);
  return h;
}

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;

describe('ListenerHistory', () => {
  it('one sample a minute holding its highest count; peak, current and average', () => {
    const c = clock();
    const h = history(':memory:', c);
    // Minute 0: polls every 5 s see 1, 3, 2.
    for (const n of [1, 3, 2]) {
      h.observe('127.0.0.1:8000', '/a.mp3', n);
      c.add(5000);
    }
    c.set(T0 + MIN);
    h.observe('127.0.0.1:8000', '/a.mp3', 0);
    c.set(T0 + 2 * MIN + 10_000);
    h.observe('127.0.0.1:8000', '/a.mp3', 1);
    const [s] = h.series();
    expect(s).toEqual({
      server: '127.0.0.1:8000',
      mount: '/a.mp3',
      samples: [
        { at: T0, listeners: 3 },
        { at: T0 + MIN, listeners: 0 },
        { at: T0 + 2 * MIN, listeners: 1 },
      ],
      peak: 3,
      current: 1,
      average: 1.33,
    });
  });

  it('a minute where no poll could tell is null, not zero; the current count goes unknown', () => {
    const c = clock();
    const h = history(':memory:', c);
    h.observe('ice:8000', '/a.mp3', 4);
    c.add(MIN);
    h.observe('ice:8000', '/a.mp3', null);
    h.observe('ice:8000', '/a.mp3', null);
    c.add(MIN);
    h.observe('ice:8000', '/a.mp3', null);
    const [s] = h.series();
    expect(s.samples.map((x) => x.listeners)).toEqual([4, null, null]);
    expect(s).toMatchObject({ current: null, peak: 4, average: 4 });
    // A known count in a minute that also had failures wins.
    h.observe('ice:8000', '/a.mp3', 2);
    expect(h.series()[0].samples.at(-1)).toEqual({ at: T0 + 2 * MIN, listeners: 2 });
  });

  it('keeps 24 h: older samples leave the series and the file', () => {
    const c = clock();
    const file = tempFile();
    const h = history(file, c);
    for (let m = 0; m < 26 * 60; m += 30) {
      c.set(T0 + m * MIN);
      h.observe('ice:8000', '/a.mp3', m % 7);
    }
    c.set(T0 + 26 * 60 * MIN);
    h.flush();
    const [s] = h.series();
    expect(s.samples[0].at).toBeGreaterThan(c.now() - HISTORY_WINDOW_MS);
    expect(s.samples).toHaveLength(47);
    h.close();
    open.splice(0);
    // What is on disk was pruned too, not only filtered on the way out.
    const again = history(file, clock(c.now()), { windowMs: 100 * HISTORY_WINDOW_MS });
    expect(again.series()[0].samples).toHaveLength(47);
  });

  it('survives a restart; a restart within a minute merges with what that minute had', () => {
    const c = clock();
    const file = tempFile();
    const first = history(file, c);
    first.observe('ice:8000', '/a.mp3', 2);
    first.observe('ice:8000', '/b.ogg', 7);
    c.add(MIN);
    first.observe('ice:8000', '/a.mp3', 5);
    first.close();
    open.splice(0);

    c.add(10_000);
    const second = history(file, c);
    second.observe('ice:8000', '/a.mp3', 1);
    const byMount = Object.fromEntries(second.series().map((s) => [s.mount, s]));
    expect(byMount['/a.mp3'].samples).toEqual([
      { at: T0, listeners: 2 },
      { at: T0 + MIN, listeners: 5 },
    ]);
    expect(byMount['/a.mp3'].current).toBe(1);
    // Nothing polled /b.ogg in this run: its history is there, its count now is not known.
    expect(byMount['/b.ogg']).toMatchObject({ samples: [{ at: T0, listeners: 7 }], current: null, peak: 7 });
    expect(second.series('/b.ogg').map((s) => s.mount)).toEqual(['/b.ogg']);
    expect(second.series('/none.mp3')).toEqual([]);
  });

  it('a file that is not a database leaves the history in memory and says so', () => {
    const file = tempFile();
    writeFileSync(file, 'this is not sqlite '.repeat(100));
    const errors: Error[] = [];
    const c = clock();
    const h = history(file, c, { onError: (e) => errors.push(e) });
    expect(errors).toHaveLength(1);
    h.observe('ice:8000', '/a.mp3', 3);
    expect(h.series()[0].current).toBe(3);
  });

  it('forget writes the last minute and drops the current count', () => {
    const c = clock();
    const h = history(':memory:', c);
    h.observe('ice:8000', '/a.mp3', 3);
    h.forget('ice:8000', '/a.mp3');
    expect(h.series()).toEqual([{ server: 'ice:8000', mount: '/a.mp3', samples: [{ at: T0, listeners: 3 }], peak: 3, current: null, average: 3 }]);
  });
});
