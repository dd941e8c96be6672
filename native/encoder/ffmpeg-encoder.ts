import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { ffmpegPath } from '../ffmpeg-path';
import { encoderPlan, type EncoderPlan, type StreamFormat } from './formats';

export type EncoderErrorCode = 'ffmpeg_missing' | 'ffmpeg_broken' | 'encoder_exit' | 'encoder_stuck';

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
  /** Restart delay after an encoder death: doubles from minMs to maxMs. */
  restartDelay?: { minMs?: number; maxMs?: number };
  /** PCM held while no encoder runs (restart in progress), in samples; default 10 s. */
  maxPendingSamples?: number;
  /** PCM queued on ffmpeg's stdin before the encoder counts as stuck; default 5 s. */
  maxStdinSamples?: number;
}

export interface EncoderStats {
  /** Samples accepted by write() (the whole PCM input, in order). */
  samplesIn: number;
  /** Samples written to an ffmpeg's stdin. */
  samplesToFfmpeg: number;
  /** Samples the encoder had to throw away (no ffmpeg ran for longer than maxPendingSamples). */
  samplesLost: number;
  bytesOut: number;
  /** Encoder processes started after the first (deaths and rechains). */
  restarts: number;
  rechains: number;
  pid: number | null;
  running: boolean;
  lastError: string | null;
}

interface EncoderEvents {
  /** Encoded bytes, in stream order (across restarts and rechains). */
  data: [Buffer];
  /** A failure; the encoder restarts after a delay unless stopped. */
  error: [EncoderError];
  /** A new ffmpeg took over (after a death, or a rechain). */
  restart: [{ reason: 'died' | 'rechain' }];
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

interface Proc {
  child: Child;
  startedAt: number;
  /** Output held until the processes ahead of this one (draining after a rechain) finish. */
  held: Buffer[] | null;
  gotOutput: boolean;
  stderr: string;
  expectedExit: boolean;
  exited: boolean;
}

const BYTES_PER_SAMPLE = 2;
const HEALTHY_RUN_MS = 30_000;

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
 * input: PCM written while ffmpeg restarts waits (bounded) for the next one. The output keeps
 * its order across restarts; for Ogg each new ffmpeg starts a new chain with fresh headers.
 */
export class FfmpegEncoder extends EventEmitter<EncoderEvents> {
  readonly plan: EncoderPlan;
  private readonly inputRate: number;
  private readonly bin: string;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly maxPending: number;
  private readonly maxStdin: number;
  private title: string | null;
  /** Oldest first: processes draining after a rechain, then the current one. */
  private procs: Proc[] = [];
  private current: Proc | null = null;
  private pending: Buffer[] = [];
  private pendingSamples = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private quickFailures = 0;
  private stopped = true;
  private spawned = 0;
  private st: EncoderStats = {
    samplesIn: 0, samplesToFfmpeg: 0, samplesLost: 0, bytesOut: 0, restarts: 0, rechains: 0, pid: null, running: false, lastError: null,
  };

  /** Throws FfmpegMissingError when no ffmpeg can be found. */
  constructor(opts: FfmpegEncoderOptions) {
    super();
    this.plan = encoderPlan(opts.format, opts.bitrateKbps);
    this.inputRate = opts.inputRate ?? 22050;
    this.bin = ffmpegPath(opts.ffmpeg);
    this.title = opts.title ?? null;
    this.minDelay = opts.restartDelay?.minMs ?? 250;
    this.maxDelay = opts.restartDelay?.maxMs ?? 10_000;
    this.maxPending = opts.maxPendingSamples ?? this.inputRate * 10;
    this.maxStdin = (opts.maxStdinSamples ?? this.inputRate * 5) * BYTES_PER_SAMPLE;
  }

  get stats(): EncoderStats {
    return { ...this.st, pid: this.current?.child.pid ?? null, running: this.current !== null };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.spawnCurrent();
  }

  /** Takes one PCM block (s16 mono at inputRate). Never blocks; copies the block. */
  write(block: Int16Array): void {
    if (this.stopped || block.length === 0) return;
    this.st.samplesIn += block.length;
    const bytes = Buffer.from(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
    const cur = this.current;
    if (cur && !cur.exited) {
      if (cur.child.stdin.writableLength > this.maxStdin) {
        this.fail(cur, new EncoderError('encoder_stuck', `the ${this.plan.format} encoder stopped reading its input for over ${this.maxStdin / BYTES_PER_SAMPLE / this.inputRate} s; restarting it`));
        this.hold(bytes);
        return;
      }
      cur.child.stdin.write(bytes);
      this.st.samplesToFfmpeg += block.length;
    } else {
      this.hold(bytes);
    }
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
    setTimeout(() => {
      if (!old.exited) old.child.kill('SIGKILL');
    }, 3000).unref();
  }

  /** Flushes (closes stdin and waits for ffmpeg to finish) unless `immediate`; then stops. */
  async stop(immediate = false): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.current = null;
    this.pending = [];
    this.pendingSamples = 0;
    const waits = this.procs.map((p) => {
      p.expectedExit = true;
      if (immediate) p.child.kill('SIGKILL');
      else p.child.stdin.end();
      return new Promise<void>((resolve) => {
        if (p.exited) return resolve();
        const t = setTimeout(() => p.child.kill('SIGKILL'), 2000);
        p.child.once('close', () => {
          clearTimeout(t);
          resolve();
        });
      });
    });
    await Promise.all(waits);
  }

  private hold(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingSamples += bytes.length / BYTES_PER_SAMPLE;
    while (this.pendingSamples > this.maxPending && this.pending.length > 1) {
      const old = this.pending.shift()!;
      this.pendingSamples -= old.length / BYTES_PER_SAMPLE;
      this.st.samplesLost += old.length / BYTES_PER_SAMPLE;
    }
  }

  private spawnCurrent(): void {
    const args = encoderArgs(this.plan, this.inputRate, this.title);
    let child: Child;
    try {
      child = spawn(this.bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      this.report(new EncoderError('ffmpeg_missing', `ffmpeg at ${this.bin} could not start (${(err as Error).message}). Set a working ffmpeg in the settings or reinstall the app.`));
      this.scheduleRestart();
      return;
    }
    const proc: Proc = { child, startedAt: Date.now(), held: this.procs.length > 0 ? [] : null, gotOutput: false, stderr: '', expectedExit: false, exited: false };
    this.procs.push(proc);
    this.current = proc;
    if (this.spawned++ > 0) this.st.restarts++;
    // EPIPE when ffmpeg dies with input queued: the exit handler deals with it.
    child.stdin.on('error', () => {});
    child.stdout.on('data', (chunk: Buffer) => {
      proc.gotOutput = true;
      if (proc.held) proc.held.push(chunk);
      else this.out(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      proc.stderr = (proc.stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      proc.stderr += `\n${code === 'ENOENT' ? 'not found' : err.message}`;
      if (!proc.exited) this.onExit(proc, null, null, code === 'ENOENT' || code === 'EACCES');
    });
    child.on('close', (code, signal) => this.onExit(proc, code, signal, false));
    for (const b of this.pending) child.stdin.write(b);
    this.st.samplesToFfmpeg += this.pendingSamples;
    this.pending = [];
    this.pendingSamples = 0;
  }

  private out(chunk: Buffer): void {
    this.st.bytesOut += chunk.length;
    this.emit('data', chunk);
  }

  private onExit(proc: Proc, code: number | null, signal: NodeJS.Signals | null, missing: boolean): void {
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
    this.current = null;
    const ranMs = Date.now() - proc.startedAt;
    if (ranMs > HEALTHY_RUN_MS) {
      this.failures = 0;
      this.quickFailures = 0;
    }
    const why = lastLine(proc.stderr) || (signal ? `killed by ${signal}` : `exit code ${code}`);
    if (missing) {
      this.report(new EncoderError('ffmpeg_missing', `ffmpeg at ${this.bin} could not run (${why}). Set a working ffmpeg in the settings or reinstall the app.`));
    } else if (!proc.gotOutput && ranMs < 2000 && ++this.quickFailures >= 2) {
      this.report(new EncoderError('ffmpeg_broken', `ffmpeg exits at once when encoding ${this.plan.format} (${why}). The ffmpeg in use may lack the ${this.plan.format} encoder: use the bundled ffmpeg or one built with it.`));
    } else {
      this.report(new EncoderError('encoder_exit', `the ${this.plan.format} encoder stopped (${why}); restarting it`));
    }
    this.scheduleRestart();
  }

  private fail(proc: Proc, err: EncoderError): void {
    // Whatever sat in its stdin is gone with it.
    this.st.samplesLost += proc.child.stdin.writableLength / BYTES_PER_SAMPLE;
    this.st.samplesToFfmpeg -= proc.child.stdin.writableLength / BYTES_PER_SAMPLE;
    proc.expectedExit = true;
    proc.child.kill('SIGKILL');
    this.current = null;
    this.report(err);
    this.scheduleRestart();
  }

  private report(err: EncoderError): void {
    this.st.lastError = err.message;
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private scheduleRestart(): void {
    if (this.stopped || this.restartTimer) return;
    const delay = Math.min(this.maxDelay, this.minDelay * 2 ** this.failures);
    this.failures++;
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
