import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSame, SameReceiver } from '../../electron/core/same';
import { AlertRecorder, type RecordingEvent } from '../../electron/engine/recording/alert-recorder';
import { decodeWav, parseWavHeader } from '../../native/wav';

const RATE = 22050;
const HEADER = 'ZCZC-WXR-RWT-029095+0030-1051700-KEAX/NWS-';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `audio` through recorder and decoder in 735-sample blocks, as the source worker does. */
async function record(audio: Float32Array, stopEarly = false) {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-rec-'));
  dirs.push(dataDir);
  const events: RecordingEvent[] = [];
  const decoder: Array<{ type: string; sample: number }> = [];
  const rec = new AlertRecorder({ dataDir, sourceId: 'src1', sampleRate: RATE, onEvent: (e) => events.push(e), now: () => new Date('2026-04-15T17:00:00.000Z') });
  const rx = new SameReceiver({
    sampleRate: RATE,
    onEvent: (e) => {
      if (e.type === 'header') rec.header(e.sample);
      if (e.type === 'eom') rec.eom(e.sample);
      if (e.type === 'header' || e.type === 'eom') decoder.push({ type: e.type, sample: e.sample });
    },
  });
  const end = stopEarly ? Math.floor(audio.length / 2) : audio.length;
  for (let at = 0; at < end; at += 735) {
    const block = audio.subarray(at, Math.min(end, at + 735));
    rec.push(block);
    rx.push(block);
  }
  await rec.close();
  return { dataDir, events, decoder };
}

function alertAudio(): { audio: Float32Array; lead: number } {
  const same = encodeSame({ header: HEADER, sampleRate: RATE, attention: { kind: 'nwr', seconds: 2 } });
  const lead = 8 * RATE; // program audio before the alert, longer than the pre-roll
  const tail = 10 * RATE;
  const audio = new Float32Array(lead + same.length + tail);
  for (let i = 0; i < lead; i++) audio[i] = 0.1 * Math.sin((2 * Math.PI * 440 * i) / RATE);
  audio.set(same, lead);
  return { audio, lead };
}

describe('AlertRecorder', () => {
  it('records from 5 s before the header to 3 s after the EOM into a readable 16-bit WAV', async () => {
    const { audio } = alertAudio();
    const { dataDir, events, decoder } = await record(audio);
    const header = decoder.find((d) => d.type === 'header')!;
    const eom = decoder.find((d) => d.type === 'eom')!;
    expect(header).toBeTruthy();
    expect(eom).toBeTruthy();
    expect(events.map((e) => e.phase)).toEqual(['start', 'end']);
    const [start, end] = events as [RecordingEvent, RecordingEvent];
    expect(start.file).toBe(join(dataDir, 'recordings', '2026-04-15', 'src1-2026-04-15T17-00-00.000Z.wav'));
    expect(existsSync(start.file)).toBe(true);
    expect(start.startSample).toBe(header.sample - 5 * RATE); // pre-roll
    expect(end.error).toBeNull();

    const bytes = new Uint8Array(readFileSync(start.file));
    const h = parseWavHeader(bytes);
    expect(h.dataBytes).toBe(bytes.length - 44); // sizes patched on close
    const wav = decodeWav(bytes);
    expect(wav.sampleRate).toBe(RATE);
    expect(wav.samples.length / RATE).toBeCloseTo(end.durationS!, 5);
    const stop = start.startSample + wav.samples.length;
    expect(stop).toBeGreaterThanOrEqual(eom.sample + 3 * RATE);
    // It stops at the first block after the decoder reported the EOM (a group gap after it).
    expect(stop).toBeLessThan(eom.sample + 8 * RATE);
    // The file is the bus audio: the pre-roll holds the 440 Hz program, bit-exact to 16 bits.
    const i = 1000;
    expect(wav.samples[i]).toBeCloseTo(audio[start.startSample + i]!, 4);
  });

  it('closes a readable file when the source stops mid-alert', async () => {
    const { audio } = alertAudio();
    const { events } = await record(audio, true);
    expect(events.map((e) => e.phase)).toEqual(['start', 'end']);
    const wav = decodeWav(new Uint8Array(readFileSync(events[0]!.file)));
    expect(wav.samples.length).toBe(Math.round(events[1]!.durationS! * RATE));
  });
});
