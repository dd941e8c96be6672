import { statSync } from 'node:fs';
import { runFfmpegPcm } from '../../../native/ffmpeg-pcm';
import { OverviewAccumulator } from '../../core/archive/overview';

export interface ProbedSegment {
  samples: number;
  bytes: number;
  peak: Uint8Array;
  rms: Uint8Array;
}

/**
 * Decodes a segment file to count what it really holds: used to close a segment whose writer
 * was killed (the index lags the file by up to a progress period) and by verify. A file cut off
 * mid-page still yields every complete page before the cut.
 */
export async function probeSegment(file: string, rate: number, ffmpeg?: string | null): Promise<ProbedSegment | null> {
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch {
    return null;
  }
  if (bytes === 0) return { samples: 0, bytes, peak: new Uint8Array(0), rms: new Uint8Array(0) };
  const overview = new OverviewAccumulator(rate);
  let samples = 0;
  try {
    await runFfmpegPcm({
      inputArgs: ['-i', file],
      rate,
      signal: new AbortController().signal,
      ffmpeg: ffmpeg ?? undefined,
      onBlock: (b) => {
        samples += b.length;
        overview.push(b);
      },
    });
  } catch {
    // A truncated last page makes ffmpeg complain after it has delivered everything before it.
  }
  const { peak, rms } = overview.snapshot();
  return { samples, bytes, peak, rms };
}
