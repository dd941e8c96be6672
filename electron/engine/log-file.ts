import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotationLimits {
  /** The live file is rotated once it would grow past this. */
  maxBytes: number;
  /** Rotated files kept (file.1 newest .. file.N oldest); older ones are deleted. */
  maxFiles: number;
}

export const DEFAULT_ROTATION: RotationLimits = { maxBytes: 5 * 1024 * 1024, maxFiles: 5 };

/**
 * A log file that rotates itself by size (file -> file.1 -> ... -> file.N), so a station left
 * alone for months never fills its disk with logs. Writes are synchronous: log lines are few
 * and small, and a line written before a crash is the one that explains it. A failing write
 * (disk full) drops the line and counts it rather than throwing into the engine.
 */
export class RotatingLogFile {
  private fd: number | null = null;
  private size = 0;
  /** Lines lost to write errors since the last one that got through. */
  dropped = 0;

  constructor(
    readonly file: string,
    private readonly limits: RotationLimits = DEFAULT_ROTATION,
  ) {
    if (limits.maxBytes < 1024 || limits.maxFiles < 1) throw new Error('log rotation needs maxBytes >= 1024 and maxFiles >= 1');
  }

  write(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    try {
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes > this.limits.maxBytes) this.rotate();
      if (this.dropped) {
        const note = `{"level":40,"time":${Date.now()},"msg":"${this.dropped} log lines were lost (write errors)"}\n`;
        this.size += writeSync(this.fd!, note);
        this.dropped = 0;
      }
      this.size += writeSync(this.fd!, line);
      return true;
    } catch {
      this.dropped++;
      this.closeFd();
      return false;
    }
  }

  close(): void {
    this.closeFd();
  }

  /** The live file then the rotated ones, newest first (those that exist). */
  files(): string[] {
    const out = [this.file];
    for (let i = 1; i <= this.limits.maxFiles; i++) out.push(`${this.file}.${i}`);
    return out.filter((f) => existsSync(f));
  }

  private open(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.closeFd();
    rmSync(`${this.file}.${this.limits.maxFiles}`, { force: true });
    for (let i = this.limits.maxFiles - 1; i >= 1; i--) {
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    renameSync(this.file, `${this.file}.1`);
    this.open();
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already gone */
    }
    this.fd = null;
  }
}
