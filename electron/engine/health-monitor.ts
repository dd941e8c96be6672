import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface EngineHealth {
  /** Event-loop delay of the engine thread over the last window, ms. */
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Resident memory of the whole process (engine + source workers), MB. */
  rssMb: number;
  /** CPU of the whole process over the last window, % of one core. */
  cpuPct: number;
  windowS: number;
}

/** Sampling period of the delay histogram; its samples include this period, so it is taken off. */
const RESOLUTION_MS = 10;

/**
 * The engine watching itself, for /api/status and the benchmark: a station's monitoring
 * can alarm on a blocked loop or a growing process before anything is missed.
 */
export class HealthMonitor {
  private readonly hist: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private windowStart = performance.now();
  private cpuStart = process.cpuUsage();
  private last: EngineHealth | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(windowMs = 10_000) {
    this.hist.enable();
    this.timer = setInterval(() => this.roll(), windowMs);
    this.timer.unref();
  }

  private measure(): EngineHealth {
    const wallS = (performance.now() - this.windowStart) / 1000;
    const cpu = process.cpuUsage(this.cpuStart);
    const ms = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
    return {
      eventLoopP50Ms: ms(this.hist.percentile(50)),
      eventLoopP99Ms: ms(this.hist.percentile(99)),
      eventLoopMaxMs: ms(this.hist.max),
      rssMb: Math.round((process.memoryUsage.rss() / 2 ** 20) * 10) / 10,
      cpuPct: wallS > 0 ? Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 1000) / 10 : 0,
      windowS: Math.round(wallS * 10) / 10,
    };
  }

  private roll(): void {
    this.last = this.measure();
    this.hist.reset();
    this.windowStart = performance.now();
    this.cpuStart = process.cpuUsage();
  }

  /** The last complete window, or the current partial one before the first completes. */
  current(): EngineHealth {
    return this.last ?? this.measure();
  }

  stop(): void {
    clearInterval(this.timer);
    this.hist.disable();
  }
}
