import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILOVER_SETTINGS, ProgramSelection } from '../../../electron/core/sources';

describe('ProgramSelection (trackers + policy, as the engine drives them)', () => {
  it('follows pipeline events: start, levels, errors; reports health changes', () => {
    const sel = new ProgramSelection(DEFAULT_FAILOVER_SETTINGS, ['alsa', 'stream']);
    sel.sourceStarted('alsa', 0);
    sel.sourceStarted('stream', 0);
    let u = sel.update(250);
    expect(u.program).toBeNull();
    expect(u.health.get('alsa')?.state).toBe('starting');
    expect(u.healthChanged).toBe(true);
    const changes: string[] = [];
    for (let t = 500; t <= 60_000; t += 250) {
      if (t <= 20_000 || t > 40_000) sel.sourceLevels('alsa', t, -20, 5512);
      sel.sourceLevels('stream', t, -25, 5512);
      if (t === 20_250) sel.sourceFailed('alsa', t, 'ALSA device hw:1,0 is busy');
      if (t === 39_750) sel.sourceStarted('alsa', t);
      u = sel.update(t);
      for (const tr of u.transitions) changes.push(`${tr.from}->${tr.to}@${tr.atMs}`);
    }
    expect(changes).toEqual(['null->alsa@500', 'alsa->stream@20250']);
    expect(sel.healthOf('alsa')?.state).toBe('running');
    for (let t = 60_250; t <= 71_000; t += 250) {
      sel.sourceLevels('alsa', t, -20, 5512);
      sel.sourceLevels('stream', t, -25, 5512);
      u = sel.update(t);
      for (const tr of u.transitions) changes.push(`${tr.from}->${tr.to}@${tr.atMs}`);
    }
    // alsa has audio again from 40.25 s: failback 30 s later.
    expect(changes.at(-1)).toBe('stream->alsa@70250');
    sel.setPriorities(['stream']);
    expect(sel.update(71_250).program).toBe('stream');
  });
});
