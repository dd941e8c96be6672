import type { LevelFrame } from '@contract';

/** How much waveform a card shows. */
export const HISTORY_MS = 5000;
/** A frame never spans more than this, so a gap (tab hidden, socket stall) stays a gap. */
const MAX_SPAN_MS = 120;

export interface StoredFrame {
  /** performance.now() when the frame arrived; its audio ends here. */
  at: number;
  /** How much time the frame's peaks cover, ending at `at`. */
  span: number;
  /** min,max pairs in -1..1. */
  peaks: Float32Array;
}

export interface SourceLevels {
  frames: StoredFrame[];
  peakDb: number;
  rmsDb: number;
  /** performance.now() of the newest frame, 0 before any. */
  lastAt: number;
}

/**
 * Waveform and meter data per source, outside React on purpose: levels arrive ~30 times a
 * second per source, and only the canvases (drawn in requestAnimationFrame) need them. Frames
 * are placed on the time axis by arrival, which keeps the scroll smooth whatever batch size
 * and peak density the engine chooses.
 */
export class LevelHistory {
  private readonly bySource = new Map<string, SourceLevels>();

  push(frames: readonly LevelFrame[], now: number): void {
    for (const f of frames) {
      let s = this.bySource.get(f.sourceId);
      if (!s) this.bySource.set(f.sourceId, (s = { frames: [], peakDb: f.peakDb, rmsDb: f.rmsDb, lastAt: 0 }));
      const span = s.lastAt > 0 ? Math.min(MAX_SPAN_MS, Math.max(1, now - s.lastAt)) : 33;
      s.frames.push({ at: now, span, peaks: Float32Array.from(f.peaks) });
      s.peakDb = f.peakDb;
      s.rmsDb = f.rmsDb;
      s.lastAt = now;
      this.trim(s, now);
    }
  }

  get(sourceId: string): SourceLevels | undefined {
    return this.bySource.get(sourceId);
  }

  /** Drop sources that no longer exist so their buffers do not linger. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.bySource.keys()) if (!ids.has(id)) this.bySource.delete(id);
  }

  private trim(s: SourceLevels, now: number): void {
    const oldest = now - HISTORY_MS - MAX_SPAN_MS;
    let drop = 0;
    while (drop < s.frames.length && s.frames[drop]!.at < oldest) drop++;
    if (drop > 0) s.frames.splice(0, drop);
  }
}

export const levelHistory = new LevelHistory();
