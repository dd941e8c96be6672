import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ffmpegChildren } from '../../helpers/processes';
import { waitFor } from '../../helpers/wait';
import { DEFAULT_ARCHIVE_SETTINGS, type ArchiveTimeline } from '../../../electron/contract';
import { decodeWav } from '../../../native/wav';
import { startTestStation, type TestStation } from '../../helpers/station';
import { RATE, RecorderRig, T0, testSignal } from './archive-fixture';

const TOKEN = 'archive-serve-token';
let station: TestStation;

const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  station = await startTestStation(TOKEN, { sources: [], archive: { ...DEFAULT_ARCHIVE_SETTINGS } });
  const rig = new RecorderRig({}, join(station.te.dataDir, 'archive'));
  rig.push(testSignal(6));
  rig.clock += 10_000;
  rig.push(testSignal(2));
  await rig.close(false);
});
afterAll(async () => {
  await station?.cleanup();
});

describe('archive routes', () => {
  it('need the token', async () => {
    expect((await fetch(`${station.base}/api/archive/src/segments`)).status).toBe(401);
  });

  it('list the segments of a range with its gaps and levels', async () => {
    const r = await fetch(`${station.base}/api/archive/src/segments?from=${T0 - 1000}&to=${new Date(T0 + 18_000).toISOString()}&buckets=19`, { headers: auth });
    expect(r.status).toBe(200);
    const tl = (await r.json()) as ArchiveTimeline;
    expect(tl.segments.map((s) => s.startUtcMs - T0)).toEqual([0, 4000, 16_000]);
    expect(tl.gaps.map((g) => [g.fromMs - T0, g.toMs - T0])).toEqual([[-1000, 0], [6000, 16_000]]);
    expect(tl.peak).toHaveLength(19);
    expect(tl.peak[0]).toBe(-1);
    expect(tl.peak[1]).toBeGreaterThan(0);
  });

  it('serve a segment with byte ranges', async () => {
    const tl = (await (await fetch(`${station.base}/api/archive/src/segments?from=${T0}&to=${T0 + 5000}`, { headers: auth })).json()) as ArchiveTimeline;
    const url = `${station.base}/api/archive/src/audio/${tl.segments[0]!.name}`;
    const whole = await fetch(url, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('OggS');
    const part = await fetch(url, { headers: { ...auth, range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    expect((await fetch(url, { headers: { ...auth, range: `bytes=${bytes.length}-` } })).status).toBe(416);
    expect((await fetch(`${station.base}/api/archive/src/audio/2020-01-01/000000.000Z.ogg`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${station.base}/api/archive/src/audio/..%2F..%2Fsettings.json`, { headers: auth })).status).toBe(404);
  });

  it('export a range as a streamed download', async () => {
    const r = await fetch(`${station.base}/api/archive/src/export?from=${T0 + 1000}&to=${T0 + 5000}&format=wav`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="src-.*\.wav"/);
    const wav = decodeWav(new Uint8Array(await r.arrayBuffer()));
    expect(Math.abs(wav.samples.length - 4 * RATE)).toBeLessThan(0.05 * RATE);
    expect((await fetch(`${station.base}/api/archive/src/export?from=5&to=1`, { headers: auth })).status).toBe(400);
  });

  it('stop the export encoders when the download is cancelled', async () => {
    const ctl = new AbortController();
    const r = await fetch(`${station.base}/api/archive/src/export?from=${T0}&to=${T0 + 18_000}&format=mp3`, { headers: auth, signal: ctl.signal });
    expect(r.status).toBe(200);
    ctl.abort();
    await waitFor('no ffmpeg left under this process', () => ffmpegChildren().length === 0, 10_000, { detail: () => ffmpegChildren().join(', ') });
    expect((await fetch(`${station.base}/api/archive/src/segments?from=${T0}&to=${T0 + 1000}`, { headers: auth })).status).toBe(200);
  });
});
