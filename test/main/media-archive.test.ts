// eas-media://archive/... (electron/main/media-protocol.ts): the continuous archive served to
// the desktop page the way serve's /api/archive routes serve it to a browser, against a real
// engine with the archive on (segments written by the recorder, as the workers do).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_SETTINGS, type ArchiveTimeline } from '../../electron/contract';
import { CSP } from '../../electron/contract/csp';
import { mediaHandler } from '../../electron/main/media-protocol';
import { decodeWav } from '../../native/wav';
import { RATE, RecorderRig, T0, testSignal } from '../engine/archive/archive-fixture';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { ffmpegChildren } from '../helpers/processes';
import { waitFor } from '../helpers/wait';

let te: TestEngine;
let handler: (req: Request) => Promise<Response>;
const get = (url: string, headers: Record<string, string> = {}): Promise<Response> => handler(new Request(url, { headers }));

beforeAll(async () => {
  te = await startTestEngine({ sources: [], archive: { ...DEFAULT_ARCHIVE_SETTINGS } });
  // Segments of 4 s: 6 s of audio, a 10 s gap, 2 s more (the recorder names them by UTC start).
  const rig = new RecorderRig({}, join(te.dataDir, 'archive'));
  rig.push(testSignal(6));
  rig.clock += 10_000;
  rig.push(testSignal(2));
  await rig.close(false);
  handler = mediaHandler(() => null, () => Promise.reject(new Error('no file fetch for the archive')), CSP, undefined, { archive: te.engine.archive, now: () => T0 + 60_000 });
});
afterAll(async () => {
  await te?.cleanup();
});

describe('eas-media://archive', () => {
  it('lists the segments of a range with its gaps and levels, as serve does', async () => {
    const r = await get(`eas-media://archive/src/segments?from=${T0 - 1000}&to=${new Date(T0 + 18_000).toISOString()}&buckets=19`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('content-security-policy')).toBe(CSP);
    // The page is file://: its fetch() is cross-origin.
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const tl = (await r.json()) as ArchiveTimeline;
    expect(tl.segments.map((s) => s.startUtcMs - T0)).toEqual([0, 4000, 16_000]);
    expect(tl.gaps.map((g) => [g.fromMs - T0, g.toMs - T0])).toEqual([[-1000, 0], [6000, 16_000]]);
    expect(tl.peak).toHaveLength(19);
    expect(tl).toEqual(te.engine.archive.timeline('src', T0 - 1000, T0 + 18_000, 19));
    // Without a range: the day before the injected now.
    const day = (await (await get('eas-media://archive/src/segments')).json()) as ArchiveTimeline;
    expect([day.fromMs, day.toMs]).toEqual([T0 + 60_000 - 86_400_000, T0 + 60_000]);
    expect(day.segments).toHaveLength(3);
    expect((await get(`eas-media://archive/src/segments?from=${T0}&to=${T0 - 1}`)).status).toBe(400);
  });

  it('serves a segment with byte ranges', async () => {
    const tl = te.engine.archive.timeline('src', T0, T0 + 5000, 10);
    const url = `eas-media://archive/src/audio/${tl.segments[0]!.name}`;
    const whole = await get(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/ogg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('OggS');
    expect(whole.headers.get('content-length')).toBe(String(bytes.length));
    expect(bytes).toEqual(readFileSync(join(te.dataDir, 'archive', 'src', tl.segments[0]!.name)));

    const part = await get(url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.headers.get('access-control-expose-headers')).toMatch(/content-range/);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await get(url, { range: 'bytes=-50' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 50));
    const beyond = await get(url, { range: `bytes=${bytes.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    const head = await handler(new Request(url, { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('serves nothing but named segments: no paths out of the archive', async () => {
    const name = te.engine.archive.timeline('src', T0, T0 + 5000, 10).segments[0]!.name;
    const urls = [
      'eas-media://archive/src/audio/2020-01-01/000000.000Z.ogg',
      'eas-media://archive/src/audio/..%2F..%2Fsettings.json',
      'eas-media://archive/src/audio/../../settings.json',
      'eas-media://archive/src/audio/2026-12-01/..%2F..%2Findex.sqlite',
      'eas-media://archive/index.sqlite',
      'eas-media://archive/src/index.sqlite',
      'eas-media://archive/..%2Fsettings.json/segments',
      'eas-media://archive/SRC/segments',
      `eas-media://archive/src/audio/${name}/extra`,
      `eas-media://archive/other/audio/${name}`,
      `eas-media://archive/src/audio/${encodeURIComponent(join(te.dataDir, 'settings.json'))}`,
    ];
    for (const url of urls) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(r.headers.get('content-security-policy'), url).toBe(CSP);
    }
    expect((await handler(new Request(`eas-media://archive/src/audio/${name}`, { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('exports a range as a streamed WAV download', async () => {
    const r = await get(`eas-media://archive/src/export?from=${T0 + 1000}&to=${T0 + 5000}&format=wav`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('audio/wav');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="src-.*\.wav"$/);
    expect(Number(r.headers.get('x-archive-seconds'))).toBeCloseTo(4, 1);
    expect(r.headers.get('access-control-expose-headers')).toMatch(/x-archive-seconds/);
    expect(r.headers.get('access-control-expose-headers')).toMatch(/content-disposition/);
    const wav = decodeWav(new Uint8Array(await r.arrayBuffer()));
    expect(wav.sampleRate).toBe(RATE);
    expect(Math.abs(wav.samples.length - 4 * RATE)).toBeLessThan(0.05 * RATE);
    expect((await get(`eas-media://archive/src/export?from=5&to=1`)).status).toBe(400);
    expect((await get(`eas-media://archive/src/export?from=${T0}&to=${T0 + 1000}&format=flac`)).status).toBe(400);
  });

  it('stops the export encoders when the download is cancelled', async () => {
    const archive = te.engine.archive;
    const runs: Array<{ signal?: AbortSignal; done: Promise<unknown> }> = [];
    const watched = mediaHandler(() => null, () => Promise.reject(new Error('unused')), CSP, undefined, {
      archive: {
        timeline: (...a) => archive.timeline(...a),
        segmentFile: (...a) => archive.segmentFile(...a),
        export: (o) => {
          const run = archive.export(o);
          runs.push({ signal: o.signal, done: run.done });
          return run;
        },
      },
    });
    const r = await watched(new Request(`eas-media://archive/src/export?from=${T0}&to=${T0 + 18_000}&format=mp3`));
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(runs[0]!.signal!.aborted, 'the cancel reached the export').toBe(true);
    await expect(runs[0]!.done).rejects.toThrow(/cancelled/);
    await waitFor('no ffmpeg left under this process', () => ffmpegChildren().length === 0, 10_000, { detail: () => ffmpegChildren().join(', ') });
    expect((await get(`eas-media://archive/src/segments?from=${T0}&to=${T0 + 1000}`)).status).toBe(200);
  });
});
