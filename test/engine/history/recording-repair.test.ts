import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertHistory } from '../../../electron/engine/alerts/history/alert-history';
import { recoverRecordings } from '../../../electron/engine/alerts/recording-recovery';
import { silentLogger } from '../../../electron/engine/log';
import { repairWav } from '../../../electron/engine/recording/recording-repair';
import { WavFileWriter } from '../../../electron/engine/recording/wav-file-writer';
import { decodeWav, parseWavHeader, WAV16_HEADER_BYTES } from '../../../native/wav';
import { waitFor } from '../../helpers/wait';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eas-repair-'));
  dirs.push(d);
  return d;
}

/** A recording as a crash leaves it: samples on disk, the header's sizes never written. */
async function cutRecording(dir: string, name: string, samples: number): Promise<string> {
  const file = join(dir, name);
  const w = new WavFileWriter(file, 22050, 3_600_000);
  w.write(Int16Array.from({ length: samples }, (_, i) => (i % 200) * 100 - 10_000));
  await waitFor(`${name}'s samples to reach the file`, () => existsSync(file) && statSync(file).size === WAV16_HEADER_BYTES + samples * 2, 10_000);
  return file;
}

describe('recordings cut short', () => {
  it('gets its true sizes back, a torn last sample cut', async () => {
    const dir = tempDir();
    const file = await cutRecording(dir, 'cut.wav', 22050);
    appendFileSync(file, Buffer.from([0x12]));
    expect(parseWavHeader(readFileSync(file)).dataBytes).toBeNull();
    expect(repairWav(file)).toEqual({ durationS: 1, bytes: WAV16_HEADER_BYTES + 44100, found: true });
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(WAV16_HEADER_BYTES + 44100);
    expect(parseWavHeader(bytes)).toMatchObject({ dataBytes: 44100, sampleRate: 22050 });
    expect(bytes.readUInt32LE(4)).toBe(36 + 44100);
    expect(decodeWav(bytes).samples.length).toBe(22050);
    // Repairing a whole file changes nothing.
    expect(repairWav(file)).toEqual({ durationS: 1, bytes: WAV16_HEADER_BYTES + 44100, found: true });
  });

  it('an empty file becomes an empty WAV, a missing one says so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.wav'), '');
    expect(repairWav(join(dir, 'empty.wav'))).toEqual({ durationS: 0, bytes: WAV16_HEADER_BYTES, found: true });
    expect(decodeWav(readFileSync(join(dir, 'empty.wav'))).samples.length).toBe(0);
    expect(repairWav(join(dir, 'gone.wav'))).toEqual({ durationS: null, bytes: 0, found: false });
  });

  it('on start, every recording the history has as unfinished is repaired and marked cut short', async () => {
    const dir = tempDir();
    const file = await cutRecording(dir, 'rec.wav', 11025);
    const h = new AlertHistory(join(dir, 'history.sqlite'));
    try {
      const base = { sourceId: 'nwr', startedAt: '2026-04-15T17:00:00.000Z', startSample: 0, durationS: null, bytes: null, complete: false, cutShort: false, markers: [] };
      h.saveRecording({ ...base, file });
      h.saveRecording({ ...base, file: join(dir, 'gone.wav') });
      h.saveRecording({ ...base, file: join(dir, 'done.wav'), complete: true, durationS: 3 });
      const repaired = recoverRecordings(h, silentLogger());
      expect(repaired.map((r) => [r.file, r.durationS, r.complete, r.cutShort])).toEqual([
        [file, 0.5, true, true],
        [join(dir, 'gone.wav'), null, true, true],
      ]);
      expect(h.incompleteRecordings()).toEqual([]);
      expect(h.recordings([file]).get(file)).toMatchObject({ complete: true, cutShort: true, durationS: 0.5, bytes: WAV16_HEADER_BYTES + 22050 });
    } finally {
      h.close();
    }
  });

  it('while recording, the header follows what reached the disk every few seconds', async () => {
    const dir = tempDir();
    const file = join(dir, 'live.wav');
    const w = new WavFileWriter(file, 22050, 50);
    w.write(new Int16Array(4410));
    await waitFor('the header to give the sizes on disk', () => existsSync(file) && parseWavHeader(readFileSync(file)).dataBytes === 8820, 10_000);
    w.write(new Int16Array(2205));
    await waitFor('the header to follow the next block', () => parseWavHeader(readFileSync(file)).dataBytes === 13230, 10_000);
    await w.close();
    expect(decodeWav(readFileSync(file)).samples.length).toBe(6615);
  });
});
