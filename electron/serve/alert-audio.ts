import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { parseWavHeader } from '../../native/wav';

/** `/api/alerts/<id>/audio` -> the alert id, or null for any other path. */
export function alertAudioId(pathname: string): string | null {
  const m = /^\/api\/alerts\/([^/]+)\/audio$/.exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

/**
 * Sends a recording as audio/wav. A file still being written (or left by a crash) has
 * placeholder sizes; browsers want real ones, so the header goes out with the sizes the file
 * length gives, followed by the samples as they are on disk.
 */
export async function sendAlertAudio(file: string | null, res: ServerResponse, headOnly: boolean): Promise<void> {
  const notFound = (): void => {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('This alert has no recorded audio.\n');
  };
  if (!file) return notFound();
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return notFound();
  }
  let head: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    head = Buffer.alloc(Math.min(size, 4096));
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  let dataOffset: number;
  let dataBytes: number;
  try {
    const h = parseWavHeader(head);
    dataOffset = h.dataOffset;
    // Whole frames only: a crash can leave half a sample at the end.
    const onDisk = size - h.dataOffset;
    dataBytes = Math.min(h.dataBytes ?? onDisk, onDisk);
    dataBytes -= dataBytes % h.blockAlign;
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The recording is damaged (no readable WAV header).\n');
    return;
  }
  const fixed = Buffer.from(head.subarray(0, dataOffset));
  fixed.writeUInt32LE(dataOffset - 8 + dataBytes, 4);
  fixed.writeUInt32LE(dataBytes, dataOffset - 4);
  res.writeHead(200, {
    'content-type': 'audio/wav',
    'content-length': String(dataOffset + dataBytes),
    'cache-control': 'no-store',
  });
  if (headOnly || dataBytes === 0) {
    res.end(headOnly ? undefined : fixed);
    return;
  }
  res.write(fixed);
  createReadStream(file, { start: dataOffset, end: dataOffset + dataBytes - 1 }).pipe(res);
}
