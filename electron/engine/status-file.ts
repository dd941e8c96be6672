import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StatusSnapshot } from '../contract';

export function statusFile(dataDir: string): string {
  return join(dataDir, 'status.json');
}

/**
 * Keeps DATA_DIR/status.json as the last status snapshot (every `intervalMs` and once more on
 * stop), so `eas-console diagnostics` can report what the station looked like even when the
 * console is hung or gone. Atomic (temp file + rename): a reader never sees half a file.
 */
export class StatusFileWriter {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly snapshot: () => Promise<StatusSnapshot>,
    private readonly intervalMs = 15_000,
    private readonly onError: (msg: string) => void = () => undefined,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.writeNow();
    this.timer = setInterval(() => void this.writeNow(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes the final snapshot; call before the engine stops. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writeNow();
  }

  writeNow(): Promise<void> {
    // One write at a time, in order: a slow snapshot never lets an older one land last.
    this.writing = this.writing.then(async () => {
      try {
        const snap = await this.snapshot();
        mkdirSync(dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ writtenAt: new Date().toISOString(), status: snap }, null, 1));
        renameSync(tmp, this.file);
      } catch (err) {
        this.onError(`status file ${this.file}: ${(err as Error).message}`);
      }
    });
    return this.writing;
  }
}
