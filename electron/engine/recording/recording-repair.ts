import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { BUS_RATE } from '../../contract';
import { parseWavHeader, WAV16_HEADER_BYTES, wav16Header } from '../../../native/wav';

export interface RepairResult {
  /** Seconds of audio kept; null when the file is gone. */
  durationS: number | null;
  bytes: number;
  /** False when the file no longer exists. */
  found: boolean;
}

/**
 * A recording the engine did not close (a crash, SIGKILL, power loss) made whole: its RIFF and
 * data sizes set from what is on disk (whole samples only; a torn last sample is cut), so every
 * player reads its true length instead of "unknown" (sox: 27 hours). A file shorter than its
 * header gets a fresh, empty one. Synchronous: it runs once at start, before any source.
 */
export function repairWav(file: string): RepairResult {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { durationS: null, bytes: 0, found: false };
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, head, 0, head.length, 0);
    let h;
    try {
      h = parseWavHeader(head);
    } catch {
      // The header itself never reached the disk: what follows cannot be placed, so start empty.
      ftruncateSync(fd, 0);
      writeSync(fd, wav16Header(BUS_RATE, 0), 0, WAV16_HEADER_BYTES, 0);
      return { durationS: 0, bytes: WAV16_HEADER_BYTES, found: true };
    }
    const onDisk = Math.max(0, size - h.dataOffset);
    const dataBytes = onDisk - (onDisk % h.blockAlign);
    if (h.dataOffset + dataBytes < size) ftruncateSync(fd, h.dataOffset + dataBytes);
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(h.dataOffset - 8 + dataBytes, 0);
    writeSync(fd, sizes, 0, 4, 4);
    sizes.writeUInt32LE(dataBytes, 0);
    writeSync(fd, sizes, 0, 4, h.dataOffset - 4);
    return { durationS: dataBytes / h.blockAlign / h.sampleRate, bytes: h.dataOffset + dataBytes, found: true };
  } finally {
    closeSync(fd);
  }
}
