import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { f32ToS16Sample } from '../../core/dsp/pcm16';
import { WavFileWriter } from './wav-file-writer';

/** What the recorder tells its owner; `startSample` is the bus sample index of the file's first sample. */
export interface RecordingEvent {
  phase: 'start' | 'end';
  file: string;
  startSample: number;
  /** Seconds of audio in the file; null while it is still being written. */
  durationS: number | null;
  /** Set on 'end' when the file could not be written completely (disk full, say). */
  error: string | null;
}

export interface AlertRecorderOptions {
  /** The engine's data dir; files go to DATA_DIR/recordings/YYYY-MM-DD/. */
  dataDir: string;
  sourceId: string;
  sampleRate: number;
  onEvent: (e: RecordingEvent) => void;
  /** Audio kept from before the header's first burst. */
  preRollS?: number;
  /** Audio kept after the EOM. */
  postRollS?: number;
  /** Longest recording, counted from the pre-roll of the latest header. */
  maxS?: number;
  /** Wall clock for file names (tests). */
  now?: () => Date;
}

/**
 * The decoder reports a header only once its bursts are over (three bursts plus the assembler's
 * group gap, ~8 s after the first one), and the pre-roll is counted from the first burst, so the
 * ring keeps this much more than the pre-roll.
 */
const REPORT_LAG_S = 12;

interface Active {
  writer: WavFileWriter;
  startSample: number;
  /** Bus sample where the file ends: after the EOM's post-roll, or at the length limit. */
  stopAt: number;
  limitAt: number;
}

/**
 * Keeps the recent bus in a ring and, from a header to shortly after its EOM, writes it to a
 * 16-bit WAV. Lives in the source worker, next to the decoder, so no PCM crosses threads for it.
 * One recording per source at a time: a header heard while recording extends the current file.
 */
export class AlertRecorder {
  private readonly rate: number;
  private readonly preRoll: number;
  private readonly postRoll: number;
  private readonly maxLen: number;
  private readonly ring: Int16Array;
  /** Samples pushed so far: the bus index one past the newest sample. */
  private pushed = 0;
  private active: Active | null = null;
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly opts: AlertRecorderOptions) {
    this.rate = opts.sampleRate;
    this.preRoll = Math.round((opts.preRollS ?? 5) * this.rate);
    this.postRoll = Math.round((opts.postRollS ?? 3) * this.rate);
    this.maxLen = Math.round((opts.maxS ?? 240) * this.rate);
    this.ring = new Int16Array(this.preRoll + REPORT_LAG_S * this.rate);
  }

  get recording(): boolean {
    return this.active !== null;
  }

  /** Feeds one bus block; call before the decoder sees it, so a header's own block is in the ring. */
  push(block: Float32Array): void {
    const n = block.length;
    if (n === 0) return;
    const ring = this.ring;
    const cap = ring.length;
    const a = this.active;
    // While recording the block is converted once into a buffer the write stream keeps.
    const pcm = a ? new Int16Array(n) : null;
    let w = this.pushed % cap;
    for (let i = 0; i < n; i++) {
      const s = f32ToS16Sample(block[i]!);
      ring[w] = s;
      if (pcm) pcm[i] = s;
      if (++w === cap) w = 0;
    }
    const blockStart = this.pushed;
    this.pushed += n;
    if (a && pcm) {
      const end = Math.min(a.stopAt, a.limitAt);
      const keep = Math.max(0, Math.min(n, end - blockStart));
      a.writer.write(keep === n ? pcm : pcm.subarray(0, keep));
      if (this.pushed >= end) this.finish();
    }
  }

  /** A header starting at bus sample `sample` (its first burst). */
  header(sample: number): void {
    const a = this.active;
    if (a) {
      a.stopAt = Number.POSITIVE_INFINITY;
      a.limitAt = Math.max(a.limitAt, Math.max(a.startSample, sample - this.preRoll) + this.maxLen);
      return;
    }
    const oldest = Math.max(0, this.pushed - this.ring.length);
    const from = Math.min(this.pushed, Math.max(oldest, sample - this.preRoll));
    const now = (this.opts.now ?? (() => new Date()))();
    const iso = now.toISOString();
    const dir = join(this.opts.dataDir, 'recordings', iso.slice(0, 10));
    mkdirSync(dir, { recursive: true });
    // ':' is not allowed in Windows file names.
    const file = join(dir, `${this.opts.sourceId}-${iso.replace(/:/g, '-')}.wav`);
    const writer = new WavFileWriter(file, this.rate);
    writer.write(this.ringSlice(from, this.pushed));
    this.active = { writer, startSample: from, stopAt: Number.POSITIVE_INFINITY, limitAt: from + this.maxLen };
    this.opts.onEvent({ phase: 'start', file, startSample: from, durationS: null, error: null });
    if (this.pushed >= this.active.limitAt) this.finish();
  }

  /**
   * An EOM whose first burst starts at `sample`. The decoder reports it a group gap (~3 s) after
   * its last burst, so the file ends `postRollS` after the first burst or now, whichever is later.
   */
  eom(sample: number): void {
    const a = this.active;
    if (!a) return;
    a.stopAt = Math.max(sample + this.postRoll, this.pushed);
    if (this.pushed >= Math.min(a.stopAt, a.limitAt)) this.finish();
  }

  /** Ends the current recording (the source stopped) and waits for every file to be closed. */
  async close(): Promise<void> {
    this.finish();
    await Promise.all([...this.closing]);
  }

  private finish(): void {
    const a = this.active;
    if (!a) return;
    this.active = null;
    const { writer, startSample } = a;
    const done = writer
      .close()
      .then(
        () => null,
        (err: Error) => `recording ${writer.path} is incomplete: ${err.message}; check free disk space in the data directory`,
      )
      .then((error) => {
        this.opts.onEvent({ phase: 'end', file: writer.path, startSample, durationS: writer.samples / this.rate, error });
      });
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }

  /** A copy of bus samples [from, to), which must still be in the ring. */
  private ringSlice(from: number, to: number): Int16Array {
    const cap = this.ring.length;
    const out = new Int16Array(to - from);
    for (let s = from, i = 0; s < to; s++, i++) out[i] = this.ring[s % cap]!;
    return out;
  }
}
