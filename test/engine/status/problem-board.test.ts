import { describe, expect, it } from 'vitest';
import { ProblemBoard } from '../../../electron/engine/status/problem-board';

describe('ProblemBoard', () => {
  it('keeps one problem per code and scope: one source recovering leaves the other\'s', () => {
    const b = new ProblemBoard(() => new Date(0));
    b.raise('recording_failed', 'a failed', 'a');
    b.raise('recording_failed', 'b failed', 'b');
    b.clear('recording_failed', 'a');
    expect(b.list().map((p) => p.message)).toEqual(['b failed']);
  });

  it('clears every problem of a removed source, and only its, telling listeners once', () => {
    const b = new ProblemBoard(() => new Date(0));
    b.raise('recording_failed', 'x failed', 'x');
    b.raise('archive_paused', 'x paused', 'x');
    b.raise('recording_failed', 'xy failed', 'xy');
    b.raise('history_unwritable', 'history');
    const heard: string[][] = [];
    b.onChange((l) => heard.push(l.map((p) => p.message)));
    b.clearScope('x');
    expect(heard).toEqual([['xy failed', 'history']]);
    b.clearScope('nothing-here');
    expect(heard).toHaveLength(1);
  });
});
