import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** Bytes before the samples in the WAV files this writer makes (RIFF + fmt + data headers). */
export const WAV_HEADER_BYTES = 44;
/** Size written while the file is open: readers (native/wav.ts) take "unknown" as "to end of file". */
const UNKNOWN_SIZE = 0xffffffff;

/** The 44-byte header of a 16-bit mono PCM WAV; `dataBytes` null writes the "unknown" placeholder. */
export function wav16Header(sampleRate: number, dataBytes: number | null): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(dataBytes === null ? UNKNOWN_SIZE : 36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes === null ? UNKNOWN_SIZE : dataBytes, 40);
  return h;
}

/**
 * A 16-bit mono WAV written as it is recorded: the header goes first with placeholder sizes,
 * blocks are appended through a write stream (which coalesces queued writes), and `close`
 * patches the real sizes in. A crash before `close` leaves a file that is still readable.
 */
export class WavFileWriter {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  samples = 0;

  constructor(
    readonly path: string,
    sampleRate: number,
  ) {
    this.stream = createWriteStream(path, { flags: 'wx' });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
    this.stream.write(wav16Header(sampleRate, null));
  }

  get error(): Error | null {
    return this.failure;
  }

  /** Appends s16 samples; the buffer is handed to the stream, so the caller must not reuse it. */
  write(pcm: Int16Array): void {
    if (pcm.length === 0 || this.failure) return;
    this.stream.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    this.samples += pcm.length;
  }

  /** Flushes, closes and fixes the sizes. Rejects with the first write error, if any. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.stream.closed) resolve();
      else this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
      this.stream.once('close', () => resolve());
    });
    if (this.failure) throw this.failure;
    const fh = await open(this.path, 'r+');
    try {
      const dataBytes = this.samples * 2;
      const sizes = Buffer.alloc(4);
      sizes.writeUInt32LE(36 + dataBytes, 0);
      await fh.write(sizes, 0, 4, 4);
      sizes.writeUInt32LE(dataBytes, 0);
      await fh.write(sizes, 0, 4, 40);
    } finally {
      await fh.close();
    }
  }
}
