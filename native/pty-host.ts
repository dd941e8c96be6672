import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import * as pty from 'node-pty';

export interface PtyHostOptions {
  /** Most sessions open at once (default 4): each is a shell the station keeps alive. */
  maxSessions?: number;
  /** Output batching period, ms (default 16: one event per frame, as Hyper does). */
  batchMs?: number;
  /**
   * Most output per batch (default 64 KiB). A shell that writes faster (`yes`, `cat` of a big
   * file) is paused until the batch goes out, which caps a session near 4 MB/s instead of
   * queueing without bound towards slow WebSocket clients.
   */
  maxBatchChars?: number;
  /** Output kept per session while nobody listens; the oldest is dropped beyond it (default 256 KiB). */
  maxUnheardChars?: number;
  /** Shell to run (default $SHELL, else /bin/bash). */
  shell?: string;
  /** Its arguments (default none: an interactive shell with the user's own rc files). */
  shellArgs?: string[];
  /** Working directory (default the user's home). */
  cwd?: string;
  /** Environment to start from (default process.env); secrets are removed from it. */
  env?: NodeJS.ProcessEnv;
}

export interface PtyOutput {
  id: string;
  data: string;
}
export interface PtyExit {
  id: string;
  /** The shell's exit status; 128 + signal when a signal ended it, as shells report it. */
  code: number;
}

type PtyHostEvents = { output: [PtyOutput]; exit: [PtyExit] };

/** Why a session could not be opened or used; the message says what to do. */
export class PtyHostError extends Error {
  constructor(
    readonly kind: 'limit' | 'not_found' | 'spawn',
    message: string,
  ) {
    super(message);
    this.name = 'PtyHostError';
  }
}

interface Session {
  id: string;
  proc: pty.IPty;
  pending: string;
  timer: NodeJS.Timeout | null;
  paused: boolean;
  exited: Promise<void>;
}

// Names that look like credentials never reach a shell the station hands out.
const SECRET_NAME = /(TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY|PRIVATE_?KEY)/i;

/** The environment a diagnostics shell gets: ours minus secrets, with a terminal type xterm.js speaks. */
export function shellEnv(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || SECRET_NAME.test(k)) continue;
    // Electron's own switches would change how child Electron/Node programs behave.
    if (k.startsWith('ELECTRON_') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  env.TERM = 'xterm-256color';
  // xterm.js in a strict CSP renders 24-bit colour through a shim; do not invite it.
  delete env.COLORTERM;
  return env;
}

/**
 * Interactive shells on pseudo-terminals, for the Diagnostics tab. Output is batched per
 * session (one event per `batchMs`, never one per chunk) so a chatty command costs a few
 * dozen events a second, not thousands.
 */
export class PtyHost extends EventEmitter<PtyHostEvents> {
  private readonly sessions = new Map<string, Session>();
  private seq = 0;
  private readonly maxSessions: number;
  private readonly batchMs: number;
  private readonly maxBatch: number;
  private readonly maxUnheard: number;

  constructor(private readonly opts: PtyHostOptions = {}) {
    super();
    this.maxSessions = opts.maxSessions ?? 4;
    this.batchMs = opts.batchMs ?? 16;
    this.maxBatch = opts.maxBatchChars ?? 64 * 1024;
    this.maxUnheard = opts.maxUnheardChars ?? 256 * 1024;
    // Output held back for want of a listener goes out as soon as one arrives.
    (this as EventEmitter).on('newListener', (name: string) => {
      if (name === 'output') setImmediate(() => this.flushAll());
    });
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Starts a shell; throws PtyHostError when the limit is reached or the shell cannot start. */
  open(cols: number, rows: number): string {
    if (this.sessions.size >= this.maxSessions) {
      throw new PtyHostError(
        'limit',
        `${this.maxSessions} terminals are already open: close one (type exit or close its tab) and try again`,
      );
    }
    const shell = this.opts.shell ?? process.env.SHELL ?? '/bin/bash';
    let proc: pty.IPty;
    try {
      proc = pty.spawn(shell, this.opts.shellArgs ?? [], {
        name: 'xterm-256color',
        cols,
        rows,
        cwd: this.opts.cwd ?? homedir(),
        env: shellEnv(this.opts.env ?? process.env),
      });
    } catch (err) {
      throw new PtyHostError('spawn', `cannot start ${shell}: ${(err as Error).message} — set SHELL to a shell that exists`);
    }
    const id = `t${(++this.seq).toString(36)}-${proc.pid}`;
    let resolveExit!: () => void;
    const session: Session = { id, proc, pending: '', timer: null, paused: false, exited: new Promise((r) => (resolveExit = r)) };
    this.sessions.set(id, session);
    proc.onData((data) => this.onData(session, data));
    proc.onExit(({ exitCode, signal }) => {
      session.paused = false;
      this.flush(session);
      if (session.timer) clearTimeout(session.timer);
      this.sessions.delete(id);
      this.emit('exit', { id, code: signal ? 128 + signal : exitCode });
      resolveExit();
    });
    return id;
  }

  /** Keystrokes or pasted text for the shell. */
  write(id: string, data: string): void {
    this.get(id).proc.write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    this.get(id).proc.resize(cols, rows);
  }

  /** The shell's process id (for diagnostics and tests). */
  pid(id: string): number {
    return this.get(id).proc.pid;
  }

  /** Ends a session: SIGHUP, as closing a terminal window does, then SIGKILL if it lingers. */
  async close(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    kill(s.proc, 'SIGHUP');
    const timer = setTimeout(() => kill(s.proc, 'SIGKILL'), 2000);
    await s.exited;
    clearTimeout(timer);
  }

  /** Ends every session (engine stop). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  private get(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw new PtyHostError('not_found', `terminal "${id}" is not open (it exited or was closed): open a new one`);
    return s;
  }

  private onData(s: Session, data: string): void {
    s.pending += data;
    if (this.listenerCount('output') === 0) {
      // Nobody to show it to yet: keep the most recent output only.
      if (s.pending.length > this.maxUnheard) s.pending = s.pending.slice(s.pending.length - this.maxUnheard);
      return;
    }
    if (s.pending.length >= this.maxBatch && !s.paused) {
      s.paused = true;
      s.proc.pause();
    }
    if (!s.timer) s.timer = setTimeout(() => this.flush(s), this.batchMs);
  }

  private flush(s: Session): void {
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = null;
    }
    if (s.pending === '' || this.listenerCount('output') === 0) return;
    const data = s.pending;
    s.pending = '';
    this.emit('output', { id: s.id, data });
    if (s.paused && this.sessions.has(s.id)) {
      s.paused = false;
      s.proc.resume();
    }
  }

  private flushAll(): void {
    for (const s of this.sessions.values()) this.flush(s);
  }
}

function kill(proc: pty.IPty, signal: string): void {
  try {
    proc.kill(signal);
  } catch {
    // Already gone.
  }
}
