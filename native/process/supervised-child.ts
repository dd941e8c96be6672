import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';

/**
 * SIGTERM to SIGKILL on stop(). Children of a source run inside its worker thread, and
 * SourcePipeline.stop() terminates that worker if it has not ended a moment after being told
 * to; a terminated worker never sends the SIGKILL, so a child that ignores SIGTERM (a driver
 * hung in libusb or alsa-lib) would outlive it and keep the device. The grace is therefore
 * shorter than the pipeline's wait, which is derived from it (WORKER_STOP_WAIT_MS).
 */
export const CHILD_STOP_GRACE_MS = 1000;
/**
 * What a worker waits, after telling its adapter to stop, before it is terminated: the grace,
 * then time for the kill to land, the exit to be reaped and the adapter to return.
 */
export const WORKER_STOP_WAIT_MS = CHILD_STOP_GRACE_MS + 500;

/**
 * After the process has exited, how long its stdio may stay open before it is closed from our
 * side: a grandchild that inherited the pipes (a shell script's `sleep`) would otherwise hold
 * the exit report back for as long as it lives.
 */
const STDIO_DRAIN_MS = 1000;
const DEFAULT_TAIL_CHARS = 8192;

/** How a child ended: exactly one of these. */
export type ChildExit =
  | { kind: 'exited'; code: number; signal: null; spawnError: null }
  | { kind: 'killed'; code: null; signal: NodeJS.Signals; spawnError: null }
  /** The program could not be started at all (ENOENT: not installed; EACCES: not executable). */
  | { kind: 'spawn_failed'; code: null; signal: null; spawnError: NodeJS.ErrnoException };

export interface SupervisedChildOptions {
  /** The program's name in messages; default the command's file name. */
  name?: string;
  /** What to do when the program is missing, e.g. "install alsa-utils (sudo apt install alsa-utils)". */
  installHint?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  stdin?: 'pipe' | 'ignore';
  stdout?: 'pipe' | 'ignore';
  /** Characters of stderr kept for error messages (default 8192): the reason is at the end. */
  stderrTailChars?: number;
  /** Every stderr chunk, as text. */
  onStderr?(text: string): void;
  /** Every non-blank stderr line (split on \n, \r\n and \r, so progress lines count). */
  onStderrLine?(line: string): void;
  /** SIGKILL the child if this process exits without having stopped it. */
  killOnProcessExit?: boolean;
}

const killOnExit = new Set<SupervisedChild>();
let exitHookInstalled = false;

/**
 * One child process, started and ended the same way for every program the app runs (arecord,
 * ffmpeg, rtl_sdr, rtl_biast, icecast2): its stderr tail kept for messages, its end classified
 * (exited with a code, killed by a signal, or not started), and stop() that always ends and
 * reaps it: SIGTERM, SIGKILL after a grace, and it resolves only once the process is gone.
 */
export class SupervisedChild {
  readonly name: string;
  /** Resolves once the process has been reaped and its output read (never rejects). */
  readonly exited: Promise<ChildExit>;
  private readonly proc: ChildProcess | null;
  private readonly installHint: string | undefined;
  private readonly tailChars: number;
  private tail = '';
  private result: ChildExit | null = null;
  /** The process has exited (or never started), whether or not its stdio has drained. */
  private gone = false;
  private nullStdin: Writable | null = null;
  private nullStdout: Readable | null = null;

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    options: SupervisedChildOptions = {},
  ) {
    this.name = options.name ?? basename(command);
    this.installHint = options.installHint;
    this.tailChars = options.stderrTailChars ?? DEFAULT_TAIL_CHARS;
    let settle: (exit: ChildExit) => void = () => {};
    this.exited = new Promise<ChildExit>((resolve) => {
      settle = (exit) => {
        if (this.result) return;
        this.result = exit;
        this.gone = true;
        killOnExit.delete(this);
        resolve(exit);
      };
    });
    let proc: ChildProcess | null = null;
    try {
      proc = spawn(command, args, {
        env: options.env ?? process.env,
        cwd: options.cwd,
        uid: options.uid,
        gid: options.gid,
        stdio: [options.stdin ?? 'ignore', options.stdout ?? 'pipe', 'pipe'],
      });
    } catch (err) {
      // spawn() throws (rather than emitting 'error') for some failures, e.g. EPERM on uid.
      settle({ kind: 'spawn_failed', code: null, signal: null, spawnError: err as NodeJS.ErrnoException });
    }
    this.proc = proc;
    if (!proc) return;
    if (options.killOnProcessExit) trackForProcessExit(this);

    let partial = '';
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (text: string) => {
      this.tail = (this.tail + text).slice(-this.tailChars);
      options.onStderr?.(text);
      if (!options.onStderrLine) return;
      const lines = (partial + text).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onStderrLine(line);
    });
    // EPIPE when the child dies with input queued: its exit is the report.
    proc.stdin?.on('error', () => {});

    proc.on('error', (err: NodeJS.ErrnoException) => {
      // Without a pid the program never ran and 'exit' will not come. With one it is a failed
      // kill(), which changes nothing about how the process ends: 'exit' still reports that.
      if (proc.pid === undefined) settle({ kind: 'spawn_failed', code: null, signal: null, spawnError: err });
    });
    let drain: NodeJS.Timeout | null = null;
    let ended: ChildExit | null = null;
    proc.once('exit', (code, signal) => {
      this.gone = true;
      ended = signal ? { kind: 'killed', code: null, signal, spawnError: null } : { kind: 'exited', code: code ?? 0, signal: null, spawnError: null };
      const exit = ended;
      // A reader that went away (a pipe's destination ended first) leaves stdout paused, and
      // a paused stream never reads its end, so 'close' would wait for the drain timer.
      // Nobody is listening any more: let the rest flow out and be dropped.
      const out = proc.stdout;
      if (out && out.listenerCount('data') === 0 && out.readableFlowing !== true) out.resume();
      drain = setTimeout(() => {
        proc.stdout?.destroy();
        proc.stderr?.destroy();
        settle(exit);
      }, STDIO_DRAIN_MS);
      drain.unref();
    });
    // 'close' comes once the process has exited and its stdio is drained, so the stderr tail
    // is complete when the end is reported.
    proc.once('close', (code, signal) => {
      if (drain) clearTimeout(drain);
      settle(ended ?? (signal ? { kind: 'killed', code: null, signal, spawnError: null } : { kind: 'exited', code: code ?? 0, signal: null, spawnError: null }));
    });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** True until the process has exited (false at once when it could not be started). */
  get running(): boolean {
    return !this.gone;
  }

  /** How it ended, once `exited` has resolved; null before. */
  get exit(): ChildExit | null {
    return this.result;
  }

  /** The last characters of its stderr. */
  get stderr(): string {
    return this.tail;
  }

  /** Its stdin (with stdin: 'pipe'); a sink that drops everything when it could not start. */
  get stdin(): Writable {
    if (this.proc) {
      if (!this.proc.stdin) throw new Error(`${this.name} was started without a stdin pipe`);
      return this.proc.stdin;
    }
    return (this.nullStdin ??= new PassThrough().resume());
  }

  /** Its stdout (unless stdout: 'ignore'); an empty stream when it could not start. */
  get stdout(): Readable {
    if (this.proc) {
      if (!this.proc.stdout) throw new Error(`${this.name} was started without a stdout pipe`);
      return this.proc.stdout;
    }
    return (this.nullStdout ??= Readable.from([]));
  }

  /** Sends `signal` now, if the process is still there (a fault test, a stuck encoder). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.proc && !this.gone) this.proc.kill(signal);
  }

  /**
   * Ends the process: SIGTERM, then SIGKILL if it is still there after `graceMs`. Resolves
   * once it has been reaped (a SIGKILL cannot be refused, so this only waits longer for a
   * process stuck in the kernel, which holds its device until then anyway).
   */
  stop(graceMs = CHILD_STOP_GRACE_MS): Promise<ChildExit> {
    this.kill('SIGTERM');
    return this.waitOrKill(graceMs);
  }

  /**
   * Waits up to `ms` for the process to end by itself (e.g. an encoder flushing after its
   * stdin was closed), then SIGKILLs it. Resolves once it has been reaped.
   */
  async waitOrKill(ms: number): Promise<ChildExit> {
    if (this.gone) return this.exited;
    const timer = setTimeout(() => this.kill('SIGKILL'), ms);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The end in words: "exited with code 1", "killed by SIGKILL", "arecord not found (...); install ...". */
  describe(exit: ChildExit): string {
    switch (exit.kind) {
      case 'exited':
        return `${this.name} exited with code ${exit.code}`;
      case 'killed':
        return `${this.name} was killed by ${exit.signal}`;
      case 'spawn_failed':
        return this.spawnFailure(exit.spawnError);
    }
  }

  /** Whether the end is "the program is not installed" (so retrying cannot help). */
  static missing(exit: ChildExit): boolean {
    return exit.kind === 'spawn_failed' && exit.spawnError.code === 'ENOENT';
  }

  private spawnFailure(err: NodeJS.ErrnoException): string {
    const where = this.command === this.name ? '' : ` (${this.command})`;
    if (err.code === 'ENOENT') return `${this.name} not found${where}${this.installHint ? `; ${this.installHint}` : ''}`;
    if (err.code === 'EACCES') return `${this.name} is not executable${where}: check its permissions (ls -l ${this.command})`;
    return `${this.name} could not be started${where}: ${err.message}`;
  }
}

function trackForProcessExit(child: SupervisedChild): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A safety net for an app that exits without stop(): no server left behind holding a port.
    process.once('exit', () => {
      for (const c of killOnExit) c.kill('SIGKILL');
    });
  }
  killOnExit.add(child);
}
