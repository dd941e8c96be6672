import { statSync } from 'node:fs';
import { FfmpegExitError, runFfmpegPcm } from '../../../native/ffmpeg-pcm';
import { OverviewAccumulator } from '../../core/archive/overview';

export interface ProbedSegment {
  samples: number;
  bytes: number;
  peak: Uint8Array;
  rms: Uint8Array;
  /** ffmpeg exited 0: it decoded to the end (a killed or failing one may have stopped anywhere). */
  complete: boolean;
  /**
   * ffmpeg ran and exited by itself (0 or an error code, as at the end of a file with headers
   * only): it read the file. False when it is missing, could not start or was killed.
   */
  ran: boolean;
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
  if (bytes === 0) return { samples: 0, bytes, peak: new Uint8Array(0), rms: new Uint8Array(0), complete: true, ran: true };
  const overview = new OverviewAccumulator(rate);
  let samples = 0;
  let complete = false;
  let ran = false;
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
    complete = true;
    ran = true;
  } catch (err) {
    // A truncated last page makes ffmpeg complain after it has delivered everything before it.
    ran = err instanceof FfmpegExitError && err.exitCode !== null;
  }
  const { peak, rms } = overview.snapshot();
  return { samples, bytes, peak, rms, complete, ran };
}

/**
 * Whether a decode says how long the file is: a decode stopped early (ffmpeg killed, timed out,
 * failing on a bad disk) yields fewer samples than the file holds, and a row set from it would
 * lose audio. It must agree with the file's pages (`paged`, within `toleranceS`) or, when the
 * pages cannot say, have run to the end.
 */
export function decodeTrusted(probed: ProbedSegment | null, paged: number | null, rate: number, toleranceS: number): boolean {
  if (!probed || probed.samples <= 0) return false;
  if (paged === null) return probed.complete;
  return Math.abs(probed.samples - paged) <= toleranceS * rate;
}
