import { describe, expect, it } from 'vitest';
import { findGaps } from '../../../electron/core/archive/gaps';
import { byteToDb, dbToByte, OverviewAccumulator, overviewBuckets } from '../../../electron/core/archive/overview';
import { planRetention } from '../../../electron/core/archive/retention-plan';
import { parseSegmentName, segmentName } from '../../../electron/core/archive/segment-name';

describe('segment names', () => {
  it('name a segment by its UTC start and read back', () => {
    const t = Date.UTC(2026, 11, 1, 3, 12, 7, 45);
    expect(segmentName(t)).toBe('2026-12-01/031207.045Z.ogg');
    expect(parseSegmentName(segmentName(t))).toBe(t);
  });
  it('refuse what is not a segment', () => {
    for (const n of ['../x.ogg', '2026-13-01/031207.045Z.ogg', '2026-12-01/031207.045Z.wav', '2026-12-01/../031207.045Z.ogg']) expect(parseSegmentName(n)).toBeNull();
  });
});

describe('overview', () => {
  it('keeps one peak and RMS byte per second, the partial second included', () => {
    const rate = 100;
    const acc = new OverviewAccumulator(rate);
    const loud = new Float32Array(rate).fill(0.5);
    acc.push(loud);
    acc.push(new Float32Array(rate)); // digital silence
    acc.push(new Float32Array(rate / 2).fill(-1));
    const { peak, rms } = acc.snapshot();
    expect(peak.length).toBe(3);
    expect(byteToDb(peak[0]!)).toBeCloseTo(20 * Math.log10(0.5), 0);
    expect(rms[1]).toBe(0);
    expect(peak[2]).toBe(255);
    expect(dbToByte(-200)).toBe(0);
  });
  it('keeps every second as the overview grows past its first buffers', () => {
    const rate = 100;
    const acc = new OverviewAccumulator(rate);
    const seconds = 200;
    const amp = (k: number): number => 0.01 + (k % 50) / 60;
    for (let k = 0; k < seconds; k++) acc.push(new Float32Array(rate).fill(amp(k)));
    const { peak, rms } = acc.snapshot();
    expect(peak.length).toBe(seconds);
    expect(rms.length).toBe(seconds);
    for (let k = 0; k < seconds; k++) expect(peak[k]).toBe(dbToByte(20 * Math.log10(Math.fround(amp(k)))));
  });
  it('buckets seconds for the timeline and marks unrecorded buckets with -1', () => {
    const seg = { startUtcMs: 0, durationMs: 2000, peak: Uint8Array.of(10, 20), rms: Uint8Array.of(5, 6) };
    const later = { startUtcMs: 6000, durationMs: 2000, peak: Uint8Array.of(30, 40), rms: Uint8Array.of(7, 8) };
    const b = overviewBuckets([seg, later], 0, 8000, 4);
    expect(Array.from(b.peak)).toEqual([20, -1, -1, 40]);
    expect(Array.from(b.rms)).toEqual([6, -1, -1, 8]);
  });
});

describe('gaps', () => {
  it('finds the spans no segment covers, tolerating a frame between back-to-back segments', () => {
    const segs = [
      { startUtcMs: 1000, durationMs: 4000 },
      { startUtcMs: 5010, durationMs: 4000 },
      { startUtcMs: 39_010, durationMs: 4000 },
    ];
    expect(findGaps(segs, 0, 50_000)).toEqual([
      { fromMs: 0, toMs: 1000 },
      { fromMs: 9010, toMs: 39_010 },
      { fromMs: 43_010, toMs: 50_000 },
    ]);
    expect(findGaps(segs, 2000, 8000)).toEqual([]);
  });
});

describe('retention plan', () => {
  const DAY = 86_400_000;
  const now = 100 * DAY;
  const seg = (id: number, ageDays: number, bytes = 10) => ({ id, startUtcMs: now - ageDays * DAY, durationMs: 60_000, bytes });
  it('removes what is older than the age limit, keeping segments that hold an alert', () => {
    const segs = [seg(1, 9), seg(2, 8), seg(3, 6), seg(4, 1)];
    const r = planRetention(segs, { nowMs: now, maxAgeMs: 7 * DAY, maxBytes: 1e9, alertKeepMs: 90 * DAY, holdsAlert: (s) => s.id === 2 });
    expect(r.remove.map((s) => s.id)).toEqual([1]);
    expect(r.keptForAlerts).toBe(1);
  });
  it('removes the oldest until the total fits the size limit, whichever limit is hit first', () => {
    const segs = [seg(1, 3), seg(2, 2), seg(3, 1.5), seg(4, 1)];
    const r = planRetention(segs, { nowMs: now, maxAgeMs: 7 * DAY, maxBytes: 20, alertKeepMs: 90 * DAY, holdsAlert: (s) => s.id === 1 });
    expect(r.remove.map((s) => s.id)).toEqual([2, 3]);
  });
});
