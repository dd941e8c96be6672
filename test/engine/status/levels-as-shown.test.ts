import { describe, expect, it } from 'vitest';
import { levelsAsShown } from '../../../electron/engine/status/status-view';

describe('the levels a source status reports', () => {
  const heard = { lastLevels: { t: 0, peakDb: -6, rmsDb: -18, peaks: [], batchSamples: 4800 }, signalDb: -20 } as never;

  it('gives the last levels and signal while audio arrives (silence is audio too)', () => {
    for (const s of ['running', 'silent'] as const) expect(levelsAsShown(heard, s), s).toEqual({ peakDb: -6, rmsDb: -18, signalDb: -20 });
  });

  it('gives none once the input stops: what it measured before is not audio now', () => {
    for (const s of ['stalled', 'retrying', 'failed', 'starting', 'stopped'] as const) {
      expect(levelsAsShown(heard, s), s).toEqual({ peakDb: null, rmsDb: null, signalDb: null });
    }
  });
});
