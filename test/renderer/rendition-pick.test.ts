import { describe, expect, it } from 'vitest';
import type { StreamStatus } from '../../electron/contract';
import {
  autoPick,
  FAILED_MOUNT_MAX_MS,
  FAILED_MOUNT_MS,
  FailedMounts,
  FIT_SHARE,
  formatRate,
  handChoiceToStart,
  keptUpKbps,
  liveRenditions,
  MIN_WINDOW_MS,
  STALL_MEMORY_MS,
  stallRecord,
  STEP_UP_HOLD_MS,
  STEP_UP_MAX_MS,
  nextStepUpDelay,
  stepUpNeedsProbe,
  throughputEstimate,
  topFits,
  type AutoPickInput,
  type StallRecord,
} from '../../renderer/src/audio/pick-mount';

function rendition(streamId: string, format: StreamStatus['format'], bitrateKbps: number | null, state: StreamStatus['state'] = 'live'): StreamStatus {
  return {
    streamId,
    sourceId: 'wx',
    enabled: true,
    state,
    format,
    mount: `/${streamId}`,
    message: null,
    uptimeS: 60,
    bytesSent: 0,
    bitrateKbps,
    reconnects: 0,
    droppedBytes: 0,
    droppedPcmMs: 0,
    lastError: null,
    listeners: 0,
    peakListeners: 0,
    listenUrl: `http://127.0.0.1:8000/${streamId}`,
  };
}

const HQ = rendition('hq', 'mp3', 192);
const MUSIC = rendition('music', 'mp3', 128);
const VOICE = rendition('voice', 'mp3', 64);
const LOW = rendition('low', 'opus', 48);
const LADDER = [VOICE, HQ, LOW, MUSIC];

const pick = (over: Partial<AutoPickInput>) => autoPick({ renditions: LADDER, throughputBps: null, stalls: [], now: 1_000_000, current: null, ...over });
const stall = (s: StreamStatus, at: number): StallRecord => ({ at, streamId: s.streamId, bitrateKbps: s.bitrateKbps! });

describe('automatic rendition choice', () => {
  it('takes the highest bitrate that fits in 0.7 of the measured throughput, and says why', () => {
    expect(pick({ throughputBps: 1.9e6 })).toEqual({ stream: HQ, reason: 'auto: 192 kbit/s fits 1.9 Mbit/s' });
    // 192 needs 274 kbit/s; 128 needs 183.
    expect(pick({ throughputBps: 270_000 }).stream).toBe(MUSIC);
    expect(pick({ throughputBps: (192_000 / FIT_SHARE) }).stream).toBe(HQ);
    expect(pick({ throughputBps: 100_000 }).stream).toBe(VOICE);
    expect(pick({ throughputBps: 80_000 })).toEqual({ stream: LOW, reason: 'auto: 48 kbit/s fits 80 kbit/s' });
  });

  it('falls to the lowest when nothing fits, and starts on the lowest before any measurement', () => {
    expect(pick({ throughputBps: 40_000 })).toEqual({ stream: LOW, reason: 'auto: 48 kbit/s, the lowest; 40 kbit/s measured' });
    expect(pick({ throughputBps: null })).toEqual({ stream: LOW, reason: 'auto: 48 kbit/s, the lowest, until the throughput is measured' });
  });

  it('has nothing to choose with one rendition, and sends the player direct with none', () => {
    expect(pick({ renditions: [MUSIC], throughputBps: 10_000 })).toEqual({ stream: MUSIC, reason: 'auto: 128 kbit/s, the only live rendition' });
    expect(pick({ renditions: [] }).stream).toBeNull();
  });

  it('prefers the lower-latency format among renditions of the same bitrate', () => {
    const aac = rendition('aac64', 'aac', 64);
    const ogg = rendition('ogg64', 'vorbis', 64);
    expect(pick({ renditions: [ogg, aac, VOICE], throughputBps: 100_000 }).stream).toBe(VOICE);
    expect(pick({ renditions: [ogg, aac], throughputBps: 100_000 }).stream).toBe(aac);
  });

  it('steps down below a bitrate that stalled, one rung per stall, for STALL_MEMORY_MS', () => {
    const now = 1_000_000;
    const fast = 1.9e6;
    const once = pick({ throughputBps: fast, stalls: [stall(HQ, now - 1000)], current: { streamId: 'hq', since: now - 60_000 } });
    expect(once).toEqual({ stream: MUSIC, reason: 'auto: 128 kbit/s fits 1.9 Mbit/s (stalled at 192 kbit/s)' });
    const twice = pick({ throughputBps: fast, stalls: [stall(HQ, now - 9000), stall(MUSIC, now - 1000)], current: { streamId: 'music', since: now - 8000 } });
    expect(twice.stream).toBe(VOICE);
    // Stalls at the lowest leave the lowest: there is nothing below it.
    expect(pick({ throughputBps: fast, stalls: [stall(LOW, now - 1000)], current: { streamId: 'low', since: now - 5000 } }).stream).toBe(LOW);
    // A stall forgotten: the cap is gone.
    expect(pick({ throughputBps: fast, stalls: [stall(HQ, now - STALL_MEMORY_MS)] }).stream).toBe(HQ);
  });

  it('steps up only after STEP_UP_HOLD_MS without a stall, one rung at a time', () => {
    const now = 1_000_000;
    const fast = 1.9e6;
    const held = pick({ throughputBps: fast, current: { streamId: 'low', since: now - STEP_UP_HOLD_MS + 1 } });
    expect(held).toEqual({ stream: LOW, reason: 'auto: 48 kbit/s fits 1.9 Mbit/s, holding before stepping up' });
    const up = pick({ throughputBps: fast, current: { streamId: 'low', since: now - STEP_UP_HOLD_MS } });
    expect(up).toEqual({ stream: VOICE, reason: 'auto: up to 64 kbit/s, fits 1.9 Mbit/s' });
    // A recent stall anywhere holds the step up even after the hold time.
    const recentStall = pick({ throughputBps: fast, stalls: [stall(HQ, now - 60_000)], current: { streamId: 'voice', since: now - 50_000 } });
    expect(recentStall.stream).toBe(VOICE);
    // After the stall memory, up again, to the next rung only.
    const later = pick({ throughputBps: fast, now: now + STALL_MEMORY_MS, stalls: [stall(HQ, now - 60_000)], current: { streamId: 'voice', since: now - 50_000 } });
    expect(later.stream).toBe(MUSIC);
  });

  it('steps down at once when a new measurement no longer fits what plays', () => {
    const now = 1_000_000;
    const down = pick({ throughputBps: 150_000, current: { streamId: 'hq', since: now - 1000 } });
    expect(down).toEqual({ stream: VOICE, reason: 'auto: 64 kbit/s fits 150 kbit/s' });
  });

  it('keeps what plays when another rendition of the same bitrate would do', () => {
    const aac = rendition('aac128', 'aac', 128);
    const r = pick({ renditions: [MUSIC, aac], throughputBps: 1e6, current: { streamId: 'aac128', since: 0 } });
    expect(r.stream).toBe(aac);
  });

  it('lists only live renditions of the source with a listen URL, not failed ones', () => {
    const other = { ...rendition('other', 'mp3', 128), sourceId: 'fm' };
    const off = rendition('off', 'mp3', 128, 'retrying');
    const noUrl = { ...rendition('nourl', 'mp3', 128), listenUrl: null };
    expect(liveRenditions([VOICE, other, off, noUrl, HQ], 'wx', new Set(['hq'])).map((s) => s.streamId)).toEqual(['voice']);
  });
});

describe('throughput from what a mount delivers', () => {
  it('reads the burst as the link rate, with the elapsed time floored at MIN_WINDOW_MS', () => {
    // An 8000-byte burst in 3 ms, then 128 kbit/s in real time (16 kB/s).
    const chunks = [{ at: 3, total: 8000 }];
    for (let t = 26; t <= 400; t += 26) chunks.push({ at: t, total: 8000 + Math.round(t * 16) });
    const bps = throughputEstimate(chunks)!;
    const atWindow = ((8000 + 16 * 156) * 8 * 1000) / 156;
    expect(bps).toBeCloseTo(Math.max((8000 * 8 * 1000) / MIN_WINDOW_MS, atWindow), 0);
    expect(bps).toBeGreaterThan(128_000 / FIT_SHARE);
  });

  it('measures a slow link as slow: bytes trickling in at 40 kbit/s', () => {
    const chunks = [];
    for (let t = 50; t <= 2000; t += 50) chunks.push({ at: t, total: t * 5 });
    const bps = throughputEstimate(chunks)!;
    expect(bps).toBeGreaterThan(35_000);
    expect(bps).toBeLessThan(45_000);
  });

  it('is null with nothing received', () => {
    expect(throughputEstimate([])).toBeNull();
    expect(throughputEstimate([{ at: 10, total: 0 }])).toBeNull();
  });

  it('formats rates the way the tile says them', () => {
    expect(formatRate(1_900_000)).toBe('1.9 Mbit/s');
    expect(formatRate(850_400)).toBe('850 kbit/s');
  });
});

describe('a probe that read the top mount at about real time', () => {
  it('lets the top rendition fit: the link carried all it sent', () => {
    // No burst: 192 kbit/s read at 190 kbit/s, below 192 / 0.7 = 274.
    const kept = keptUpKbps(190_000, 192);
    expect(kept).toBe(192);
    const r = pick({ throughputBps: 190_000, keptUpKbps: kept });
    expect(r).toEqual({ stream: HQ, reason: 'auto: 192 kbit/s, the link kept up with it (190 kbit/s measured)' });
    expect(topFits(LADDER, 190_000, kept)).toBe(true);
    // Without the kept-up reading the same figure fits 128 only, as before.
    expect(pick({ throughputBps: 190_000 }).stream).toBe(MUSIC);
    expect(topFits(LADDER, 190_000, null)).toBe(false);
  });

  it('steps up to the next rung on a kept-up reading after the hold', () => {
    const now = 1_000_000;
    const up = pick({ throughputBps: 190_000, keptUpKbps: 192, current: { streamId: 'music', since: now - STEP_UP_HOLD_MS } });
    expect(up).toEqual({ stream: HQ, reason: 'auto: up to 192 kbit/s, the link kept up with it (190 kbit/s measured)' });
  });

  it('is no kept-up reading below 0.9 of the bitrate, or with the bitrate unknown', () => {
    expect(keptUpKbps(150_000, 192)).toBeNull();
    expect(keptUpKbps(190_000, null)).toBeNull();
    expect(keptUpKbps(null, 192)).toBeNull();
    expect(keptUpKbps(190_000, Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('still stays below a bitrate that stalled', () => {
    const now = 1_000_000;
    expect(pick({ throughputBps: 190_000, keptUpKbps: 192, stalls: [stall(HQ, now - 1000)] }).stream).toBe(MUSIC);
  });
});

describe('auto weighs a rendition by its configured bitrate until Icecast reports one', () => {
  it('steps up to a new rendition with only a configured bitrate', () => {
    const now = 1_000_000;
    const fresh = { ...rendition('hq', 'mp3', null), configuredKbps: 192 };
    const up = pick({ renditions: [VOICE, fresh], throughputBps: 1.9e6, current: { streamId: 'voice', since: now - STEP_UP_HOLD_MS } });
    expect(up.stream).toBe(fresh);
  });
});

describe('what a stall records', () => {
  it('takes the bitrate Icecast reports now, else the configured one, and nothing when neither is known', () => {
    expect(stallRecord(rendition('hq', 'mp3', 190), 'hq', 5)).toEqual({ at: 5, streamId: 'hq', bitrateKbps: 190 });
    expect(stallRecord({ ...rendition('hq', 'mp3', null), configuredKbps: 192 }, 'hq', 5)).toEqual({ at: 5, streamId: 'hq', bitrateKbps: 192 });
    // A new mount: no bitrate yet. A record would cap auto at 0 kbit/s.
    expect(stallRecord(rendition('hq', 'mp3', null), 'hq', 5)).toBeNull();
    expect(stallRecord(undefined, 'hq', 5)).toBeNull();
  });
});

describe('probing for a step up', () => {
  it('backs off, doubling up to STEP_UP_MAX_MS, while step ups are refused, and starts over after one', () => {
    let d = STEP_UP_HOLD_MS;
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) seen.push((d = nextStepUpDelay(d, false)));
    expect(seen.slice(0, 3)).toEqual([2 * STEP_UP_HOLD_MS, 4 * STEP_UP_HOLD_MS, 8 * STEP_UP_HOLD_MS]);
    expect(Math.max(...seen)).toBe(STEP_UP_MAX_MS);
    expect(seen.at(-1)).toBe(STEP_UP_MAX_MS);
    expect(nextStepUpDelay(STEP_UP_MAX_MS, true)).toBe(STEP_UP_HOLD_MS);
  });

  it('does not probe again while the last probe said the top does not fit, within the delay', () => {
    expect(stepUpNeedsProbe(null, STEP_UP_HOLD_MS, 0)).toBe(true);
    expect(stepUpNeedsProbe({ at: 1000, topFits: false }, 60_000, 30_000)).toBe(false);
    expect(stepUpNeedsProbe({ at: 1000, topFits: false }, 60_000, 61_000)).toBe(true);
    expect(stepUpNeedsProbe({ at: 1000, topFits: true }, 60_000, 2000)).toBe(true);
  });
});

describe('mounts that failed in the player', () => {
  it('are left alone for FAILED_MOUNT_MS, not for the session', () => {
    const f = new FailedMounts();
    f.add('hq', 1000);
    expect(f.has('hq', 1000 + FAILED_MOUNT_MS - 1)).toBe(true);
    expect([...f.active(2000)]).toEqual(['hq']);
    expect(liveRenditions(LADDER, 'wx', f.active(2000)).map((s) => s.streamId)).not.toContain('hq');
    expect(f.has('hq', 1000 + FAILED_MOUNT_MS)).toBe(false);
    expect(liveRenditions(LADDER, 'wx', f.active(1000 + FAILED_MOUNT_MS)).map((s) => s.streamId)).toContain('hq');
  });

  it('wait twice as long each time one fails again without having played, up to FAILED_MOUNT_MAX_MS', () => {
    const f = new FailedMounts();
    let t = 0;
    const bans: number[] = [];
    for (let i = 0; i < 7; i++) {
      f.add('hq', t);
      let end = t;
      while (f.has('hq', end)) end += 1000;
      bans.push(end - t);
      t = end;
    }
    expect(bans.slice(0, 3)).toEqual([FAILED_MOUNT_MS, 2 * FAILED_MOUNT_MS, 4 * FAILED_MOUNT_MS]);
    expect(bans.at(-1)).toBe(FAILED_MOUNT_MAX_MS);
    // Once it played, a failure is a first one again.
    f.played('hq');
    f.add('hq', t);
    expect(f.has('hq', t + FAILED_MOUNT_MS - 1)).toBe(true);
    expect(f.has('hq', t + FAILED_MOUNT_MS)).toBe(false);
  });

  it('are forgotten when Icecast reports them not live', () => {
    const f = new FailedMounts();
    f.add('hq', 0);
    f.add('voice', 0);
    f.keepLive([VOICE, rendition('hq', 'mp3', 192, 'retrying')]);
    expect([...f.active(1)]).toEqual(['voice']);
  });
});

describe('a rendition chosen by hand', () => {
  it('is started when it is live and not what plays', () => {
    expect(handChoiceToStart({ streamId: 'hq' }, LADDER, 'voice')).toBe(HQ);
    expect(handChoiceToStart({ streamId: 'hq' }, LADDER, 'hq')).toBeNull();
    // Not live (or failed: liveRenditions left it out): nothing to start.
    expect(handChoiceToStart({ streamId: 'hq' }, [VOICE], 'voice')).toBeNull();
    expect(handChoiceToStart('auto', LADDER, 'voice')).toBeNull();
    expect(handChoiceToStart('direct', LADDER, null)).toBeNull();
  });
});
