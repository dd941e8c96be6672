import { createWriteStream, write, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { WAV16_HEADER_BYTES, wav16Header } from '../../../native/wav';

/** How often the header's sizes are brought up to what has reached the disk, ms. */
export const HEADER_REWRITE_MS = 2000;

/**
 * A 16-bit mono WAV written as it is recorded: the header goes first with placeholder sizes,
 * blocks are appended through a write stream (which coalesces queued writes), the header is
 * rewritten every couple of seconds with the sizes of what the disk holds, and `close` writes
 * the final sizes. So a crash at any moment leaves a file every player reads, missing at most
 * the last seconds (which the engine's repair on the next start recovers from the file length).
 */
export class WavFileWriter {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The header write in flight, so close never lets the descriptor go under it. */
  private headerWrite: Promise<void> | null = null;
  private headerBytes = -1;
  samples = 0;

  constructor(
    readonly path: string,
    private readonly sampleRate: number,
    headerEveryMs = HEADER_REWRITE_MS,
  ) {
    this.stream = createWriteStream(path, { flags: 'wx' });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
    this.stream.on('open', (fd) => {
      this.fd = fd;
      this.timer = setInterval(() => this.rewriteHeader(), headerEveryMs);
      this.timer.unref();
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
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.headerWrite;
    this.fd = null;
    await new Promise<void>((resolve) => {
      if (this.stream.closed) resolve();
      else this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
      this.stream.once('close', () => resolve());
    });
    if (this.failure) throw this.failure;
    const fh = await open(this.path, 'r+');
    try {
      await fh.write(wav16Header(this.sampleRate, this.samples * 2), 0, WAV16_HEADER_BYTES, 0);
    } finally {
      await fh.close();
    }
  }

  /**
   * Sizes from the bytes the stream has handed to the file so far (whole samples). pwrite at
   * offset 0 leaves the stream's own position alone.
   */
  private rewriteHeader(): void {
    if (this.fd === null || this.headerWrite || this.failure) return;
    const onDisk = this.stream.bytesWritten - WAV16_HEADER_BYTES;
    if (onDisk <= 0 || onDisk === this.headerBytes) return;
    const dataBytes = onDisk - (onDisk % 2);
    this.headerBytes = onDisk;
    const header = wav16Header(this.sampleRate, dataBytes);
    const fd = this.fd;
    this.headerWrite = new Promise<void>((resolve) => {
      write(fd, header, 0, WAV16_HEADER_BYTES, 0, () => {
        this.headerWrite = null;
        resolve();
      });
    });
  }
}
