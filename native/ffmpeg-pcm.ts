import { spawn } from 'node:child_process';
import { ffmpegPath } from './ffmpeg-path';

export interface FfmpegPcmOptions {
  /** Input-side arguments, e.g. ['-re', '-i', file]. Output is always mono f32le. */
  inputArgs: string[];
  rate: number;
  signal: AbortSignal;
  /** Called with float blocks; the array is only valid during the call. */
  onBlock: (block: Float32Array) => void;
  ffmpeg?: string;
}

export class FfmpegExitError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super(`ffmpeg exited with ${exitCode === null ? 'a signal' : `code ${exitCode}`}: ${lastLine(stderrTail)}`);
    this.name = 'FfmpegExitError';
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() || 'no message';
}

/**
 * Runs ffmpeg and delivers its output as mono float blocks at `rate`. Resolves when ffmpeg
 * ends cleanly or the signal aborts; rejects with FfmpegExitError otherwise.
 */
export function runFfmpegPcm(opts: FfmpegPcmOptions): Promise<void> {
  const bin = opts.ffmpeg ?? ffmpegPath();
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...opts.inputArgs, '-vn', '-ac', '1', '-ar', String(opts.rate), '-f', 'f32le', 'pipe:1'];
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return resolve();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    // Bytes left over when a chunk does not end on a 4-byte boundary.
    let carry = Buffer.alloc(0);
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      let data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const usable = data.length - (data.length % 4);
      carry = usable < data.length ? Buffer.from(data.subarray(usable)) : Buffer.alloc(0);
      if (usable === 0) return;
      data = data.subarray(0, usable);
      // Copy when the buffer is unaligned: Float32Array views need 4-byte alignment.
      const floats =
        data.byteOffset % 4 === 0
          ? new Float32Array(data.buffer, data.byteOffset, usable / 4)
          : new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + usable));
      opts.onBlock(floats);
    });
    child.on('error', (err) => {
      opts.signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      opts.signal.removeEventListener('abort', onAbort);
      if (opts.signal.aborted || code === 0) resolve();
      else reject(new FfmpegExitError(code, stderr));
    });
  });
}
