import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WavFileWriter } from '../../../electron/engine/recording/wav-file-writer';
import { waitFor } from '../../helpers/wait';
import { decodeWav, encodeWav16, parseWavHeader, wav16Header, WAV16_HEADER_BYTES } from '../../../native/wav';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the one WAV header writer', () => {
  it('writes a 16-bit mono header that the reader parses, with known or "unknown" sizes', () => {
    const known = parseWavHeader(wav16Header(22050, 1000));
    expect(known).toMatchObject({ encoding: 'int', bitsPerSample: 16, channels: 1, sampleRate: 22050, blockAlign: 2, dataOffset: WAV16_HEADER_BYTES, dataBytes: 1000 });
    // While a recording is open its sizes are the placeholder, which means "to end of file".
    expect(parseWavHeader(wav16Header(48000, null))).toMatchObject({ sampleRate: 48000, dataBytes: null });
  });

  it('encodeWav16 (CLI, tests) and WavFileWriter (alert recordings) produce the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-wavw-'));
    dirs.push(dir);
    const x = Float32Array.from({ length: 5000 }, (_, i) => 0.8 * Math.sin(i / 7));
    const inMemory = encodeWav16(x, 22050);
    const path = join(dir, 'rec.wav');
    const w = new WavFileWriter(path, 22050);
    const pcm = new Int16Array(inMemory.buffer.slice(WAV16_HEADER_BYTES));
    // In two writes, as the recorder appends block by block.
    w.write(pcm.slice(0, 1234));
    w.write(pcm.slice(1234));
    await w.close();
    const onDisk = readFileSync(path);
    expect(Buffer.compare(onDisk, Buffer.from(inMemory))).toBe(0);
    expect(decodeWav(onDisk).samples.length).toBe(x.length);
  });

  it('a recording cut off before close() is still readable to its end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-wavw-'));
    dirs.push(dir);
    const path = join(dir, 'cut.wav');
    // No periodic header rewrite within the test: what is checked is the placeholder itself.
    const w = new WavFileWriter(path, 22050, 3_600_000);
    w.write(Int16Array.from([1000, -1000, 2000]));
    // The bytes on disk without close() fixing the sizes: what a crash leaves.
    await waitFor('the samples to reach the file', () => existsSync(path) && statSync(path).size === WAV16_HEADER_BYTES + 6, 10_000);
    const h = parseWavHeader(readFileSync(path));
    expect(h.dataBytes).toBeNull();
    expect(Array.from(decodeWav(readFileSync(path)).samples)).toEqual([1000 / 32768, -1000 / 32768, 2000 / 32768]);
    await w.close();
  });
});
