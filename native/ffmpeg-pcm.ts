import { PcmFramer } from './capture/pcm-framer';
import { FFMPEG_INSTALL_HINT, FfmpegMissingError, ffmpegPath } from './ffmpeg-path';
import { SupervisedChild, type ChildExit } from './process/supervised-child';

export interface FfmpegPcmOptions {
  /** Input-side arguments, e.g. ['-re', '-i', file]. Output is always mono f32le. */
  inputArgs: string[];
  rate: number;
  signal: AbortSignal;
  /** Called with float blocks of at most `maxBlockSamples`; the array is only valid during the call. */
  onBlock: (block: Float32Array) => void;
  ffmpeg?: string;
  maxBlockSamples?: number;
  /** Called once ffmpeg runs, with its pid (for the log: an operator or a fault test can find it). */
  onStart?: (pid: number) => void;
}

export class FfmpegExitError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stderrTail: string,
    /** The signal that ended it when exitCode is null (killed: OOM killer, an operator). */
    readonly signal: NodeJS.Signals | null = null,
  ) {
    super(`${exitCode === null ? `ffmpeg was killed${signal ? ` by ${signal}` : ''}` : `ffmpeg exited with code ${exitCode}`}: ${lastLine(stderrTail)}`);
    this.name = 'FfmpegExitError';
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() || 'no message';
}

/**
 * Runs ffmpeg and delivers its output as mono float blocks at `rate`. Resolves when ffmpeg
 * ends cleanly or the signal aborts (once ffmpeg is gone); rejects with FfmpegExitError when
 * it fails, FfmpegMissingError when it cannot be found.
 */
export async function runFfmpegPcm(opts: FfmpegPcmOptions): Promise<void> {
  if (opts.signal.aborted) return;
  const bin = opts.ffmpeg ?? ffmpegPath();
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...opts.inputArgs, '-vn', '-ac', '1', '-ar', String(opts.rate), '-f', 'f32le', 'pipe:1'];
  const child = new SupervisedChild(bin, args, { name: 'ffmpeg', installHint: FFMPEG_INSTALL_HINT });
  const framer = new PcmFramer('f32le', opts.onBlock, opts.maxBlockSamples);
  child.stdout.on('data', (chunk: Buffer) => framer.push(chunk));
  if (child.pid !== undefined) opts.onStart?.(child.pid);
  const onAbort = (): void => void child.stop();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  let exit: ChildExit;
  try {
    exit = await child.exited;
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
  }
  if (opts.signal.aborted) return;
  switch (exit.kind) {
    case 'exited':
      if (exit.code === 0) return;
      throw new FfmpegExitError(exit.code, child.stderr);
    case 'killed':
      throw new FfmpegExitError(null, child.stderr, exit.signal);
    case 'spawn_failed':
      if (SupervisedChild.missing(exit)) throw new FfmpegMissingError(`${bin} could not be run`);
      throw new Error(child.describe(exit));
  }
}
