import type { PcmBus, PcmListener } from '../bus';

export interface ListenHubOptions {
  /** The current bus of a source; a reconfigured source gets a new one. */
  lookup: (sourceId: string) => PcmBus | undefined;
  /** How often a listener checks that its source's bus is still the same one. */
  recheckMs?: number;
  /**
   * How long a source may be missing before its listeners are told it ended: a settings
   * change stops the old pipeline before it starts the new one.
   */
  graceMs?: number;
}

export interface Listening {
  /** Ends this listener; the last one of a source turns the worker's PCM tap off. */
  stop(): void;
}

/**
 * Who is listening to what: each listener subscribes to its source's PCM bus only while it
 * listens (the bus turns the worker's tap on for the first subscriber and off after the
 * last), and follows the source when its pipeline is replaced by a settings change.
 */
export class ListenHub {
  private readonly recheckMs: number;
  private readonly graceMs: number;
  private active = 0;

  constructor(private readonly opts: ListenHubOptions) {
    this.recheckMs = opts.recheckMs ?? 1000;
    this.graceMs = opts.graceMs ?? 10_000;
  }

  /** Listeners now, all sources. */
  listeners(): number {
    return this.active;
  }

  /** Null when the source is not running. `onEnded` is told when the source goes away. */
  listen(sourceId: string, sink: PcmListener, onEnded: () => void): Listening | null {
    let bus = this.opts.lookup(sourceId);
    if (!bus) return null;
    let unsubscribe = bus.onPcm(sink);
    let stopped = false;
    let missingChecks = 0;
    this.active++;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      this.active--;
    };
    const timer = setInterval(() => {
      const now = this.opts.lookup(sourceId);
      if (now === bus) return;
      if (!now) {
        if (++missingChecks * this.recheckMs < this.graceMs) return;
        stop();
        onEnded();
        return;
      }
      missingChecks = 0;
      unsubscribe();
      bus = now;
      unsubscribe = now.onPcm(sink);
    }, this.recheckMs);
    timer.unref?.();
    return { stop };
  }
}
