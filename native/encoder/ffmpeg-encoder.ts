import { EventEmitter } from 'node:events';
import type { EncoderErrorCode } from '../../electron/contract/error-codes';
import { FFMPEG_INSTALL_HINT, ffmpegPath } from '../ffmpeg-path';
import { SupervisedChild, type ChildExit } from '../process/supervised-child';
import { encoderPlan, type EncoderPlan, type StreamFormat } from './formats';

/** Codes and their meanings: ENCODER_ERROR_CODES in electron/contract/error-codes.ts. */
export type { EncoderErrorCode };

/** An encoder failure with what to do about it; the encoder restarts by itself after each. */
export class EncoderError extends Error {
  readonly code: EncoderErrorCode;
  constructor(code: EncoderErrorCode, message: string) {
    super(message);
    this.name = 'EncoderError';
    this.code = code;
  }
}

export interface FfmpegEncoderOptions {
  format: StreamFormat;
  bitrateKbps: number;
  /** Rate of the PCM written in (the bus rate, 22050). */
  inputRate?: number;
  /** Stream title put into the Ogg comment header (TITLE=); ignored by MP3/AAC. */
  title?: string | null;
  /** ffmpeg to run (a setting); default the bundled one. */
  ffmpeg?: string | null;
  /**
   * Restart delay after an encoder death: doubles per death from minMs, up to maxMs for an
   * ffmpeg that never produced output (broken) and up to workedMaxMs for one that did (it
   * works, something killed it: come back quickly). Default 250 ms, 10 s, 1 s.
   */
  restartDelay?: { minMs?: number; maxMs?: number; workedMaxMs?: number };
  /** Producing output for this long counts as healthy: the restart delay starts over. Default 3 s. */
  healthyRunMs?: number;
  /**
   * PCM held in front of ffmpeg (while it restarts, or reads slower than real time), in
   * samples; older PCM is dropped and counted in samplesLost. Default 2 s: what a fresh
   * encoder takes in well under a second, so a restart never floods it.
   */
  maxPendingSamples?: number;
  /**
   * ffmpeg took none of its input for this long (a write waiting for stdin to drain), counted
   * from its first read (first output or first drain), not from its start: it is stuck and
   * restarted. Default 5 s.
   */
  stallMs?: number;
  /** An ffmpeg that has read nothing and said nothing this long after its start is stuck. Default 10 s. */
  startupTimeoutMs?: number;
  now?: () => number;
}

export interface EncoderStats {
  /** Samples accepted by write() (the whole PCM input, in order). */
  samplesIn: number;
  /** Samples written to an ffmpeg's stdin. */
  samplesToFfmpeg: number;
  /**
   * Samples thrown away: older than maxPendingSamples while no ffmpeg took them, or left in
   * the stdin of an ffmpeg that died.
   */
  samplesLost: number;
  /** Samples waiting in front of ffmpeg now. */
  samplesPending: number;
  bytesOut: number;
  /** Encoder processes started after the first (deaths and rechains). */
  restarts: number;
  rechains: number;
  /** Deaths in a row without a healthy run since (sets the restart delay). */
  failures: number;
  /** The delay before the last restart after a death; null before the first. */
  restartDelayMs: number | null;
  pid: number | null;
  running: boolean;
  /** When the current ffmpeg produced its first output (ms, the encoder's clock); null before. */
  outputSince: number | null;
  /** When any ffmpeg last produced output; null before the first. */
  lastOutputAt: number | null;
  lastError: string | null;
}

interface EncoderEvents {
  /** Encoded bytes, in stream order (across restarts and rechains). */
  data: [Buffer];
  /** A failure; the encoder restarts after a delay unless stopped. */
  error: [EncoderError];
  /** A new ffmpeg took over (after a death, or a rechain). */
  restart: [{ reason: 'died' | 'rechain' }];
  /** The current ffmpeg produced its first output: encoding (again). */
  running: [];
}

interface Proc {
  child: SupervisedChild;
  startedAt: number;
  /** Output held until the processes ahead of this one (draining after a rechain) finish. */
  held: Buffer[] | null;
  /** First output, and first read of its input (first output or first drain); null before. */
  outputAt: number | null;
  readAt: number | null;
  /** stdin refused more (write() returned false) at this time; null while it takes input. */
  blockedAt: number | null;
  healthy: boolean;
  expectedExit: boolean;
  exited: boolean;
}

const BYTES_PER_SAMPLE = 2;
/** How long stop() lets an encoder flush after its stdin is closed before killing it. */
const FLUSH_GRACE_MS = 2000;
/** How long a rechained encoder may take to finish its chain before it is killed. */
const RECHAIN_GRACE_MS = 3000;
/** How often a blocked or silent ffmpeg is checked for being stuck. */
const WATCH_MS = 250;

/** Arguments for one encoder run: s16le mono on stdin, the encoded stream on stdout. */
export function encoderArgs(plan: EncoderPlan, inputRate: number, title: string | null): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // Raw PCM needs no probing; without these ffmpeg would wait for ~5 s of input first.
    '-fflags', '+nobuffer', '-probesize', '32', '-analyzeduration', '0',
    '-f', 's16le', '-ar', String(inputRate), '-ac', '1', '-i', 'pipe:0',
    '-vn', '-ac', '1',
    ...(plan.sampleRate !== inputRate ? ['-ar', String(plan.sampleRate)] : []),
    ...(title && plan.framing === 'ogg' ? ['-metadata:s:a:0', `TITLE=${title}`] : []),
    ...plan.outputArgs,
    // Every packet goes out as soon as it is encoded instead of waiting in a 32 KiB buffer.
    '-flush_packets', '1', '-muxdelay', '0',
    'pipe:1',
  ];
}

/**
 * A supervised ffmpeg encoding bus PCM to MP3/Vorbis/Opus/AAC. It never blocks or refuses
 * input: PCM waits (bounded, oldest dropped) in front of ffmpeg and is fed at the pace its
 * stdin drains, so neither a restart nor a slow moment floods it. The output keeps its order
 * across restarts; for Ogg each new ffmpeg starts a new chain with fresh headers.
 */
export class FfmpegEncoder extends EventEmitter<EncoderEvents> {
  readonly plan: EncoderPlan;
  private readonly inputRate: number;
  private readonly bin: string;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly workedMaxDelay: number;
  private readonly healthyRunMs: number;
  private readonly maxPending: number;
  private readonly stallMs: number;
  private readonly startupTimeoutMs: number;
  private readonly now: () => number;
  private title: string | null;
  /** Oldest first: processes draining after a rechain, then the current one. */
  private procs: Proc[] = [];
  private current: Proc | null = null;
  /** PCM not yet handed to an ffmpeg, oldest first. */
  private pending: Buffer[] = [];
  private pendingSamples = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private quickFailures = 0;
  private stopped = true;
  private spawned = 0;
  private lastOutputAt: number | null = null;
  private st = { samplesIn: 0, samplesToFfmpeg: 0, samplesLost: 0, bytesOut: 0, restarts: 0, rechains: 0, restartDelayMs: null as number | null, lastError: null as string | null };

  /** Throws FfmpegMissingError when no ffmpeg can be found. */
  constructor(opts: FfmpegEncoderOptions) {
    super();
    this.plan = encoderPlan(opts.format, opts.bitrateKbps);
    this.inputRate = opts.inputRate ?? 22050;
    this.bin = ffmpegPath(opts.ffmpeg);
    this.title = opts.title ?? null;
    this.minDelay = opts.restartDelay?.minMs ?? 250;
    this.maxDelay = opts.restartDelay?.maxMs ?? 10_000;
    this.workedMaxDelay = Math.min(this.maxDelay, opts.restartDelay?.workedMaxMs ?? 1000);
    this.healthyRunMs = opts.healthyRunMs ?? 3000;
    this.maxPending = opts.maxPendingSamples ?? this.inputRate * 2;
    this.stallMs = opts.stallMs ?? 5000;
    this.startupTimeoutMs = opts.startupTimeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  get stats(): EncoderStats {
    const cur = this.current;
    return {
      ...this.st,
      samplesPending: this.pendingSamples,
      failures: this.failures,
      pid: cur?.child.pid ?? null,
      running: cur !== null,
      outputSince: cur?.outputAt ?? null,
      lastOutputAt: this.lastOutputAt,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.spawnCurrent();
    this.watchTimer = setInterval(() => this.watch(), WATCH_MS);
    this.watchTimer.unref();
  }

  /** Takes one PCM block (s16 mono at inputRate). Never blocks; copies the block. */
  write(block: Int16Array): void {
    if (this.stopped || block.length === 0) return;
    this.st.samplesIn += block.length;
    // A copy: the caller may reuse its block, and the bytes may wait here a while.
    this.pending.push(Buffer.from(new Uint8Array(block.buffer, block.byteOffset, block.byteLength)));
    this.pendingSamples += block.length;
    this.pump();
  }

  /**
   * Ends the current Ogg chain and starts a new one whose comment header carries `title`.
   * No PCM is lost: new input goes to the new ffmpeg while the old one flushes.
   */
  rechain(title: string | null): void {
    this.title = title;
    if (this.stopped || !this.current) return;
    const old = this.current;
    old.expectedExit = true;
    old.child.stdin.end();
    this.st.rechains++;
    this.spawnCurrent();
    this.emit('restart', { reason: 'rechain' });
    // A hung old encoder must not hold the new chain's output back for long.
    void old.child.waitOrKill(RECHAIN_GRACE_MS);
  }

  /** Flushes (hands over what waits, closes stdin, waits for ffmpeg to finish) unless `immediate`; then stops. */
  async stop(immediate = false): Promise<void> {
    if (!immediate && this.current && !this.current.exited) {
      for (const b of this.pending) this.current.child.stdin.write(b);
      this.st.samplesToFfmpeg += this.pendingSamples;
    } else {
      this.st.samplesLost += this.pendingSamples;
    }
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.restartTimer = this.watchTimer = null;
    this.current = null;
    this.pending = [];
    this.pendingSamples = 0;
    const waits = this.procs.map((p) => {
      p.expectedExit = true;
      if (immediate) p.child.kill('SIGKILL');
      else p.child.stdin.end();
      return p.child.waitOrKill(FLUSH_GRACE_MS);
    });
    await Promise.all(waits);
  }

  /**
   * Hands waiting PCM to the current ffmpeg while its stdin takes it (Node's buffer below its
   * high-water mark), then waits for 'drain'. What cannot go in stays here, bounded.
   */
  private pump(): void {
    const cur = this.current;
    if (cur && !cur.exited && cur.blockedAt === null) {
      while (this.pending.length > 0) {
        const b = this.pending.shift()!;
        this.pendingSamples -= b.length / BYTES_PER_SAMPLE;
        this.st.samplesToFfmpeg += b.length / BYTES_PER_SAMPLE;
        if (!cur.child.stdin.write(b)) {
          cur.blockedAt = this.now();
          cur.child.stdin.once('drain', () => {
            cur.readAt ??= this.now();
            cur.blockedAt = null;
            if (cur === this.current) this.pump();
          });
          break;
        }
      }
    }
    this.trim();
  }

  private trim(): void {
    while (this.pendingSamples > this.maxPending && this.pending.length > 1) {
      const old = this.pending.shift()!;
      this.pendingSamples -= old.length / BYTES_PER_SAMPLE;
      this.st.samplesLost += old.length / BYTES_PER_SAMPLE;
    }
  }

  /** An ffmpeg that stopped reading (after it had started to) or never started is killed. */
  private watch(): void {
    const cur = this.current;
    if (!cur || cur.exited) return;
    const now = this.now();
    if (cur.blockedAt === null) return;
    if (cur.readAt === null) {
      // Its pipe is full and it has not read a byte of it (an idle one is not stuck).
      if (now - cur.startedAt > this.startupTimeoutMs) {
        this.fail(cur, new EncoderError('encoder_stuck', `the ${this.plan.format} encoder read no input and produced nothing for ${this.startupTimeoutMs / 1000} s after its start; restarting it`));
      }
      return;
    }
    // Waiting since before its first read counts from that read: a fresh ffmpeg is slow to begin.
    const since = Math.max(cur.blockedAt, cur.readAt);
    if (now - since > this.stallMs) {
      this.fail(cur, new EncoderError('encoder_stuck', `the ${this.plan.format} encoder stopped reading its input for over ${this.stallMs / 1000} s; restarting it`));
    }
  }

  private spawnCurrent(): void {
    const args = encoderArgs(this.plan, this.inputRate, this.title);
    const child = new SupervisedChild(this.bin, args, { name: 'ffmpeg', installHint: FFMPEG_INSTALL_HINT, stdin: 'pipe', stderrTailChars: 4000 });
    const proc: Proc = {
      child, startedAt: this.now(), held: this.procs.length > 0 ? [] : null,
      outputAt: null, readAt: null, blockedAt: null, healthy: false, expectedExit: false, exited: false,
    };
    this.procs.push(proc);
    this.current = proc;
    if (this.spawned++ > 0) this.st.restarts++;
    child.stdout.on('data', (chunk: Buffer) => this.onOutput(proc, chunk));
    void child.exited.then((exit) => this.onExit(proc, exit));
    this.pump();
  }

  private onOutput(proc: Proc, chunk: Buffer): void {
    const now = this.now();
    this.lastOutputAt = now;
    if (proc.outputAt === null) {
      proc.outputAt = now;
      proc.readAt ??= now;
      if (proc === this.current) this.emit('running');
    } else if (!proc.healthy && now - proc.outputAt >= this.healthyRunMs) {
      // Encoding for a while: whatever killed the ones before is over.
      proc.healthy = true;
      if (proc === this.current) {
        this.failures = 0;
        this.quickFailures = 0;
      }
    }
    if (proc.held) proc.held.push(chunk);
    else this.out(chunk);
  }

  private out(chunk: Buffer): void {
    this.st.bytesOut += chunk.length;
    this.emit('data', chunk);
  }

  private onExit(proc: Proc, exit: ChildExit): void {
    if (proc.exited) return;
    proc.exited = true;
    const idx = this.procs.indexOf(proc);
    if (idx >= 0) this.procs.splice(idx, 1);
    // The next process in line now owns the output: release what it held.
    const head = this.procs[0];
    if (idx === 0 && head?.held) {
      const held = head.held;
      head.held = null;
      for (const c of held) this.out(c);
    }
    if (proc !== this.current || this.stopped || proc.expectedExit) return;
    this.dropStdin(proc);
    this.current = null;
    const ranMs = this.now() - proc.startedAt;
    const notRunnable = exit.kind === 'spawn_failed' && (exit.spawnError.code === 'ENOENT' || exit.spawnError.code === 'EACCES');
    const why =
      exit.kind === 'spawn_failed'
        ? exit.spawnError.code === 'ENOENT' ? 'not found' : exit.spawnError.message
        : lastLine(proc.child.stderr) || (exit.kind === 'killed' ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
    if (notRunnable) {
      this.report(new EncoderError('ffmpeg_missing', `ffmpeg at ${this.bin} could not run (${why}). Set a working ffmpeg in the settings or reinstall the app.`));
    } else if (exit.kind === 'exited' && proc.outputAt === null && ranMs < 2000 && ++this.quickFailures >= 2) {
      // Exiting by itself at once, twice: this ffmpeg cannot encode the format. (A signal is
      // someone else's doing and says nothing about the binary.)
      this.report(new EncoderError('ffmpeg_broken', `ffmpeg exits at once when encoding ${this.plan.format} (${why}). The ffmpeg in use may lack the ${this.plan.format} encoder: use the bundled ffmpeg or one built with it.`));
    } else {
      this.report(new EncoderError('encoder_exit', `the ${this.plan.format} encoder stopped (${why}); restarting it`));
    }
    this.scheduleRestart(proc.outputAt !== null);
  }

  private fail(proc: Proc, err: EncoderError): void {
    this.dropStdin(proc);
    proc.expectedExit = true;
    proc.child.kill('SIGKILL');
    this.current = null;
    this.report(err);
    this.scheduleRestart(proc.outputAt !== null);
  }

  /** Whatever sat in a dead ffmpeg's stdin buffer is gone with it. */
  private dropStdin(proc: Proc): void {
    const queued = Math.floor(proc.child.stdin.writableLength / BYTES_PER_SAMPLE);
    this.st.samplesLost += queued;
    this.st.samplesToFfmpeg -= queued;
  }

  private report(err: EncoderError): void {
    this.st.lastError = err.message;
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private scheduleRestart(worked: boolean): void {
    if (this.stopped || this.restartTimer) return;
    const cap = worked ? this.workedMaxDelay : this.maxDelay;
    const delay = Math.min(cap, this.minDelay * 2 ** Math.min(this.failures, 30));
    this.failures++;
    this.st.restartDelayMs = delay;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.spawnCurrent();
      this.emit('restart', { reason: 'died' });
    }, delay);
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1]?.trim().slice(0, 300) ?? '';
}
