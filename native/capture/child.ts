import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError: NodeJS.ErrnoException | null;
}

/**
 * A capture child process (arecord, ffmpeg) with its stderr kept for error messages and a
 * stop() that always reaps it: SIGTERM, then SIGKILL if it lingers, and waits for the exit
 * so no zombie is left behind.
 */
export class CaptureChild {
  readonly proc: ChildProcess;
  readonly exited: Promise<ChildExit>;
  private stderrText = '';
  private done = false;

  constructor(
    command: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore'; onStderrLine?: (line: string) => void } = {},
  ) {
    const spawnOptions: SpawnOptions = { env: options.env ?? process.env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] };
    this.proc = spawn(command, args, spawnOptions);
    let partial = '';
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (text: string) => {
      // Keep only the tail: the reason for a failure is at the end, and a long run must not grow memory.
      this.stderrText = (this.stderrText + text).slice(-8192);
      if (!options.onStderrLine) return;
      const lines = (partial + text).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onStderrLine(line);
    });
    this.exited = new Promise<ChildExit>((resolve) => {
      this.proc.once('error', (err: NodeJS.ErrnoException) => {
        // 'error' without a process: spawn failed; 'close' may never come.
        if (this.proc.pid === undefined) {
          this.done = true;
          resolve({ code: null, signal: null, spawnError: err });
        }
      });
      this.proc.once('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal, spawnError: null });
      });
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  get running(): boolean {
    return !this.done;
  }

  async stop(graceMs = 2000): Promise<ChildExit> {
    if (!this.done) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!this.done) this.proc.kill('SIGKILL');
      }, graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }
}
