import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../electron/contract';
import { decodeWav } from '../../native/wav';
import type { TestEngine } from '../helpers/engine';
import { waitFor } from '../helpers/wait';
import { startTestStation, type TestStation } from '../helpers/station';

const TOKEN = 'test-token-recording-0123';
let station: TestStation;
let te: TestEngine;
let base: string;

beforeAll(async () => {
  station = await startTestStation(TOKEN, {
    sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:?first=0.5&every=0', priority: 10, enabled: true }],
  });
  ({ te, base } = station);
});

afterAll(async () => {
  await station?.cleanup();
});

const list = (): Promise<Alert[]> => te.engine.call('alerts.list', {});

describe('alert recordings (demo RWT through the engine)', () => {
  it('links the RWT to a recording, serves it as a WAV while and after it is written', async () => {
    const [alert] = await waitFor('the RWT alert', async () => {
      const l = await list();
      return l.length > 0 ? l : null;
    }, 30_000);
    expect(alert!.event).toBe('RWT');
    expect(alert!.recording).toMatchObject({ durationS: null, complete: false, cutShort: false });
    // The header's three bursts are marked while it is still being written.
    expect(alert!.recording!.markers.map((m) => m.kind)).toEqual(['header', 'header', 'header']);
    expect(alert!.receptions).toMatchObject([{ id: alert!.id, sourceId: 'demo', bursts: 3, recording: { complete: false } }]);
    const file = te.engine.alertRecordingFile(alert!.id)!;
    expect(file.startsWith(join(te.dataDir, 'recordings'))).toBe(true);
    expect(existsSync(file)).toBe(true);

    const url = `${base}/api/alerts/${encodeURIComponent(alert!.id)}/audio`;
    expect((await fetch(url)).status).toBe(401);
    // In progress: the header's sizes come from the file length, so browsers can play it.
    const partial = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(partial.status).toBe(200);
    expect(partial.headers.get('content-type')).toBe('audio/wav');
    expect(decodeWav(new Uint8Array(await partial.arrayBuffer())).samples.length).toBeGreaterThan(5 * 22050);

    const done = await waitFor('the recording to end after the EOM', async () => (await list())[0]?.recording?.complete, 40_000);
    expect(done).toBe(true);
    const final = (await list())[0]!;
    // Demo RWT: ~4 s of bursts, 8 s of attention tone, EOM; plus 5 s pre-roll (capped by the 0.5 s lead) and the post-roll.
    expect(final.recording!.durationS).toBeGreaterThan(15);
    expect(final.recording!.durationS).toBeLessThan(40);
    // Playback markers: three header bursts, the attention signal, the message, three EOM bursts, in order.
    const kinds = final.recording!.markers.map((m) => m.kind);
    expect(kinds.filter((k) => k === 'header')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'eom')).toHaveLength(3);
    expect(kinds).toContain('attention');
    const starts = final.recording!.markers.map((m) => m.startS);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts.every((t) => t <= final.recording!.durationS!)).toBe(true);
    const res = await fetch(`${url}?token=${TOKEN}`);
    expect(res.status).toBe(200);
    const wav = decodeWav(new Uint8Array(await res.arrayBuffer()));
    expect(wav.sampleRate).toBe(22050);
    expect(wav.samples.length / 22050).toBeCloseTo(final.recording!.durationS!, 3);
  }, 80_000);

  it('answers 404 for an alert without a recording', async () => {
    const r = await fetch(`${base}/api/alerts/nope/audio`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(404);
  });
});
