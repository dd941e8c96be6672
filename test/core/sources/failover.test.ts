import { describe, expect, it } from 'vitest';
import type { FailoverSettings } from '../../../electron/contract/dto';
import {
  classifyHealth,
  DEFAULT_FAILOVER_SETTINGS,
  FailoverPolicy,
  HealthTracker,
  type HealthObservation,
  type ProgramTransition,
  type SourceHealthState,
} from '../../../electron/core/sources/failover';

const S: FailoverSettings = DEFAULT_FAILOVER_SETTINGS;
const TICK = 250;

type Feed = 'audio' | 'quiet' | 'none' | { error: string };

/**
 * A fake station: each source's feed per tick is decided by a script; the trackers and the
 * policy run exactly as the engine drives them (level reports, then classify, then update).
 */
function station(ids: string[], settings: FailoverSettings = S) {
  const trackers = new Map(ids.map((id) => [id, new HealthTracker(0)]));
  const policy = new FailoverPolicy({ priorities: ids, settings });
  const transitions: ProgramTransition[] = [];
  let now = 0;
  return {
    policy,
    transitions,
    get now() {
      return now;
    },
    /** Advance to `untilMs`, asking `feed(id, t)` what each source delivers on each tick. */
    run(untilMs: number, feed: (id: string, t: number) => Feed) {
      while (now < untilMs) {
        now += TICK;
        const health: Record<string, ReturnType<HealthTracker['classify']>> = {};
        for (const [id, tr] of trackers) {
          const f = feed(id, now);
          if (f === 'audio') tr.level(now, -18, 5512, settings);
          else if (f === 'quiet') tr.level(now, -80, 5512, settings);
          else if (typeof f === 'object') tr.fail(now, f.error);
          health[id] = tr.classify(now, settings);
        }
        const d = policy.update(now, health);
        transitions.push(...d.transitions);
      }
    },
  };
}

describe('classifyHealth', () => {
  const base: HealthObservation = { startedAtMs: 0, lastBlockAtMs: null, lastAudibleAtMs: null, error: null };
  const state = (o: Partial<HealthObservation>, now: number): SourceHealthState => classifyHealth({ ...base, ...o }, now, S).state;

  it('names each state from the observation', () => {
    expect(state({}, 1000)).toBe('starting');
    expect(state({}, 5000)).toBe('stalled');
    expect(state({ lastBlockAtMs: 9000, lastAudibleAtMs: 9000 }, 9500)).toBe('running');
    expect(state({ lastBlockAtMs: 19_000, lastAudibleAtMs: 9000 }, 19_000)).toBe('silent');
    expect(state({ lastBlockAtMs: 19_000, lastAudibleAtMs: 9001 }, 19_000)).toBe('running');
    expect(state({ lastBlockAtMs: 10_000, lastAudibleAtMs: 10_000 }, 15_000)).toBe('stalled');
    expect(state({ lastBlockAtMs: 10_000, lastAudibleAtMs: 10_000, error: 'device busy' }, 10_001)).toBe('failed');
  });

  it('gives reasons a person can read', () => {
    const v = classifyHealth({ ...base, lastBlockAtMs: 20_000, lastAudibleAtMs: 8_000 }, 20_000, S);
    expect(v.reason).toBe('below -50 dBFS for 12 s');
  });

  it('clears an error when audio flows again and honours the threshold setting', () => {
    const t = new HealthTracker(0);
    t.fail(100, 'connection refused');
    expect(t.classify(200, S).state).toBe('failed');
    t.restart(1000);
    expect(t.classify(1100, S).state).toBe('failed');
    t.level(1200, -40, 100, S);
    expect(t.classify(1300, S).state).toBe('running');
    const strict = { ...S, silenceThresholdDb: -30 };
    const u = new HealthTracker(0);
    for (let ms = 250; ms <= 12_000; ms += 250) u.level(ms, -40, 100, strict);
    expect(u.classify(12_000, strict).state).toBe('silent');
  });
});

describe('FailoverPolicy', () => {
  it('silencing the first source switches to the second within the configured time; restoring it fails back only after the hold', () => {
    const st = station(['a', 'b']);
    let aQuietFrom = Infinity;
    let aBackFrom = Infinity;
    const feed = (id: string, t: number): Feed => (id === 'a' && t > aQuietFrom && t <= aBackFrom ? 'quiet' : 'audio');
    st.run(60_000, feed);
    expect(st.policy.program).toBe('a');
    expect(st.transitions).toHaveLength(1);

    aQuietFrom = 60_000;
    st.run(90_000, feed);
    const fo = st.transitions[1]!;
    expect(fo).toMatchObject({ from: 'a', to: 'b' });
    expect(fo.reason).toMatch(/^failover: a silent \(below -50 dBFS for 10 s\); switched to b$/);
    expect(fo.atMs - aQuietFrom).toBeLessThanOrEqual(S.silenceSeconds * 1000 + TICK);

    aBackFrom = 90_000;
    st.run(150_000, feed);
    expect(st.transitions).toHaveLength(3);
    const fb = st.transitions[2]!;
    expect(fb).toMatchObject({ from: 'b', to: 'a' });
    expect(fb.reason).toMatch(/^failback: a healthy for 30 s/);
    expect(fb.atMs - aBackFrom).toBeGreaterThanOrEqual(S.holdSeconds * 1000);
    expect(fb.atMs - aBackFrom).toBeLessThanOrEqual(S.holdSeconds * 1000 + 2 * TICK);
  });

  it('fails over at once on a stall or an error, to the next healthy source in order', () => {
    const st = station(['a', 'b', 'c']);
    let bad: Feed = 'audio';
    st.run(40_000, (id, t) => (id === 'a' && t > 20_000 ? bad : id === 'b' && t > 10_000 ? { error: 'connection refused' } : 'audio'));
    // a had audio until 20 s, then ('audio') continued: program a all along
    expect(st.policy.program).toBe('a');
    bad = 'none';
    st.run(60_000, (id) => (id === 'a' ? bad : id === 'b' ? { error: 'connection refused' } : 'audio'));
    const fo = st.transitions.at(-1)!;
    expect(fo).toMatchObject({ from: 'a', to: 'c' });
    expect(fo.reason).toContain('a stalled (no samples for 5 s)');
    expect(fo.atMs).toBeLessThanOrEqual(40_000 + S.stallSeconds * 1000 + TICK);
  });

  it('a flapping preferred source does not thrash the program', () => {
    const st = station(['a', 'b']);
    st.run(30_000, () => 'audio');
    // a: 12 s quiet, 20 s of audio, over and over: each quiet spell is long enough to count
    // as silent, no audio spell is long enough to pass the 30 s hold.
    st.run(330_000, (id, t) => (id === 'a' && (t - 30_000) % 32_000 < 12_000 ? 'quiet' : 'audio'));
    expect(st.transitions.map((x) => `${x.from}->${x.to}`)).toEqual(['null->a', 'a->b']);
    expect(st.policy.program).toBe('b');
  });

  it('with every source unhealthy stays on a silent one, else none, with a reason', () => {
    const st = station(['a', 'b']);
    st.run(20_000, () => 'audio');
    st.run(40_000, (id) => (id === 'a' ? 'quiet' : { error: 'HTTP 404 not found' }));
    expect(st.policy.program).toBe('a');
    expect(st.policy.reason).toMatch(/no healthy source \(a silent, b failed\); staying on a/);
    st.run(60_000, () => 'none');
    expect(st.policy.program).toBeNull();
    const last = st.transitions.at(-1)!;
    expect(last).toMatchObject({ from: 'a', to: null });
    expect(last.reason).toMatch(/^a stalled \(no samples for 5 s\); no source delivering audio \(a stalled, b failed\)$/);
    // b comes back first: program to b at once; a later: failback after the hold
    st.run(70_000, (id) => (id === 'b' ? 'audio' : 'none'));
    expect(st.policy.program).toBe('b');
    st.run(120_000, () => 'audio');
    expect(st.transitions.at(-1)).toMatchObject({ from: 'b', to: 'a' });
  });

  it('prefers the steady backup over a just-recovered one when failing over', () => {
    const st = station(['a', 'b', 'c']);
    st.run(60_000, (id, t) => (id === 'b' && t < 55_000 ? 'none' : 'audio'));
    expect(st.policy.program).toBe('a');
    st.run(70_000, (id) => (id === 'a' ? { error: 'device busy' } : 'audio'));
    // b has run only ~5-15 s when a fails; c has held for the hold time
    expect(st.transitions.at(-1)).toMatchObject({ from: 'a', to: 'c' });
  });

  it('at start waits for a preferred source still starting, then takes the best running one', () => {
    const p = new FailoverPolicy({ priorities: ['a', 'b'] });
    expect(p.update(250, { a: 'starting', b: 'running' }).program).toBeNull();
    expect(p.reason).toBe('waiting for a to start');
    const d = p.update(500, { a: 'running', b: 'running' });
    expect(d.program).toBe('a');
    expect(d.transitions).toEqual([{ from: null, to: 'a', reason: 'a is the most preferred running source', atMs: 500 }]);
    const q = new FailoverPolicy({ priorities: ['a', 'b'] });
    expect(q.update(6000, { a: 'stalled', b: 'running' }).program).toBe('b');
  });

  it('leaves a removed program source and treats unreported ids as failed', () => {
    const p = new FailoverPolicy({ priorities: ['a', 'b'] });
    p.update(0, new Map([['a', 'running' as const], ['b', 'running' as const]]));
    expect(p.program).toBe('a');
    p.setPriorities(['b']);
    const d = p.update(250, { b: 'running' });
    expect(d.transitions[0]).toMatchObject({ from: 'a', to: 'b' });
    expect(d.reason).toContain('a was removed');
    const q = new FailoverPolicy({ priorities: ['constructor', 'x'] });
    expect(q.update(0, { x: 'running' }).program).toBe('x');
  });

  it('a zero hold fails back on the next update', () => {
    const st = station(['a', 'b'], { ...S, holdSeconds: 0 });
    st.run(20_000, (id, t) => (id === 'a' && t > 5_000 && t < 18_000 ? 'none' : 'audio'));
    expect(st.transitions.map((x) => x.to)).toEqual(['a', 'b', 'a']);
    expect(st.transitions[2]!.atMs).toBe(18_000);
  });
});
