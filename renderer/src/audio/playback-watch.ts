// DOM-free (the <audio> element stays in icecast-player.ts), so the unit tests run it under
// Node with a hand clock.

/** No new audio for this long while playing is a dropped mount, even if the element just waits. */
export const STALL_MS = 4000;
/**
 * Waiting this long for data after playing is an underrun worth a lower rendition; a shorter
 * wait is the element's own rebuffering at the live edge, which a lower bitrate would not cure.
 */
export const STALL_REPORT_MS = 400;
/**
 * No data this long after the start (or since the last data, before the first play) is a
 * mount that sends nothing (a relay that answered 200 and then no audio): the player falls
 * back rather than "Starting" forever. Data that arrives is a slow start, not a dead mount:
 * Chromium buffers several seconds of a low-bitrate MP3 before it plays.
 */
export const START_TIMEOUT_MS = 6000;
/** Data arriving and still no `playing` after this long: the element will not play this mount. */
export const START_MAX_MS = 30_000;

export type WatchVerdict = { kind: 'stalled' } | { kind: 'failed'; reason: string } | null;

/**
 * The element's health over time, apart from the element so it is tested with a hand clock:
 * the start timeout, the underrun report and the dropped-mount detection.
 */
export class PlaybackWatch {
  private started = false;
  /** When data last arrived before the first play, or null before any. */
  private dataAt: number | null = null;
  private lastTime = 0;
  private lastProgressAt: number;
  /** When the element began waiting for data after it had played, or null while it plays. */
  private waitingSince: number | null = null;
  private stallReported = false;

  constructor(private readonly startAt: number) {
    this.lastProgressAt = startAt;
  }

  playing(now: number): void {
    this.started = true;
    this.waitingSince = null;
    this.stallReported = false;
    this.lastProgressAt = now;
  }

  /** The element received data (its `progress` event). */
  progress(now: number): void {
    if (!this.started) this.dataAt = now;
  }

  /** True when this wait is news (the tile should say buffering). */
  waiting(now: number): boolean {
    if (!this.started || this.waitingSince !== null) return false;
    this.waitingSince = now;
    return true;
  }

  tick(now: number, currentTime: number): WatchVerdict {
    if (!this.started) {
      if (this.dataAt === null) return now - this.startAt >= START_TIMEOUT_MS ? { kind: 'failed', reason: 'the mount sent no audio' } : null;
      if (now - this.dataAt >= START_TIMEOUT_MS) return { kind: 'failed', reason: 'the mount stopped sending audio before it played' };
      return now - this.startAt >= START_MAX_MS ? { kind: 'failed', reason: 'the mount did not start playing' } : null;
    }
    if (this.waitingSince !== null && !this.stallReported && now - this.waitingSince >= STALL_REPORT_MS) {
      this.stallReported = true;
      return { kind: 'stalled' };
    }
    if (currentTime !== this.lastTime) {
      this.lastTime = currentTime;
      this.lastProgressAt = now;
    } else if (now - this.lastProgressAt > STALL_MS) {
      return { kind: 'failed', reason: 'the mount stopped delivering audio' };
    }
    return null;
  }
}
