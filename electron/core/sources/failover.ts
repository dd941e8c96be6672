import type { FailoverSettings } from '../../contract/dto';
import { DEFAULT_FAILOVER_SETTINGS, type HealthVerdict, type SourceHealthState } from './health';

export { classifyHealth, DEFAULT_FAILOVER_SETTINGS, HealthTracker } from './health';
export type { HealthObservation, HealthVerdict, SourceHealthState } from './health';

/** One change of the program source, with the reason shown in the UI and the log. */
export interface ProgramTransition {
  from: string | null;
  to: string | null;
  reason: string;
  atMs: number;
}

export interface FailoverDecision {
  /** The source on the program bus after this update, or null when none can carry it. */
  program: string | null;
  /** Why the program is what it is now (also when nothing changed). */
  reason: string;
  /** Changes made by this update, oldest first (at most one per update today). */
  transitions: ProgramTransition[];
}

/** Health per source id; a bare state is accepted where no reason is at hand. Ids missing count as failed. */
export type HealthInput =
  | ReadonlyMap<string, HealthVerdict | SourceHealthState>
  | Readonly<Record<string, HealthVerdict | SourceHealthState>>;

export interface FailoverOptions {
  /** Source ids, most preferred first (enabled sources only). */
  priorities: readonly string[];
  settings?: FailoverSettings;
}

/**
 * The program-source policy, a state machine with no timers: the engine calls update() on
 * its tick (~250 ms) with each source's health.
 * - Failover is immediate: when the program source stops running, the best running source
 *   takes over (preferring ones already healthy for the hold time, so a flapping source is
 *   not picked over a steady one).
 * - Failback waits: a more preferred source takes the program back only after it has run
 *   healthy without a break for holdSeconds, so flapping costs at most one switch per hold.
 * - With no running source the program stays on a silent one (silence is still audio: a
 *   quiet programme beats nothing) and otherwise goes to none, with the reason.
 * - At start (no program yet) a more preferred source that is still starting is waited for,
 *   so the program does not begin on a backup only because it connected first.
 */
export class FailoverPolicy {
  private priorities: string[];
  private settings: FailoverSettings;
  private current: string | null = null;
  private currentReason = 'no update yet';
  /** When each source began its current unbroken run of 'running'. */
  private readonly healthySince = new Map<string, number>();

  constructor(options: FailoverOptions) {
    this.priorities = [...options.priorities];
    this.settings = options.settings ?? DEFAULT_FAILOVER_SETTINGS;
  }

  get program(): string | null {
    return this.current;
  }

  get reason(): string {
    return this.currentReason;
  }

  /** New order or set of sources; takes effect on the next update (a removed program source is left at once there). */
  setPriorities(ids: readonly string[]): void {
    this.priorities = [...ids];
    for (const id of [...this.healthySince.keys()]) if (!ids.includes(id)) this.healthySince.delete(id);
  }

  setSettings(settings: FailoverSettings): void {
    this.settings = settings;
  }

  /** How long each source has run healthy without a break (ms), for the UI. */
  healthyForMs(id: string, nowMs: number): number {
    const since = this.healthySince.get(id);
    return since === undefined ? 0 : Math.max(0, nowMs - since);
  }

  update(nowMs: number, health: HealthInput): FailoverDecision {
    const verdicts = new Map<string, HealthVerdict>();
    for (const id of this.priorities) {
      const v = lookup(health, id);
      verdicts.set(id, v);
      if (v.state === 'running') {
        if (!this.healthySince.has(id)) this.healthySince.set(id, nowMs);
      } else {
        this.healthySince.delete(id);
      }
    }

    const { to, reason } = this.choose(nowMs, verdicts);
    const transitions: ProgramTransition[] = [];
    if (to !== this.current) {
      transitions.push({ from: this.current, to, reason, atMs: nowMs });
      this.current = to;
    }
    this.currentReason = reason;
    return { program: this.current, reason, transitions };
  }

  private choose(nowMs: number, verdicts: Map<string, HealthVerdict>): { to: string | null; reason: string } {
    const holdMs = this.settings.holdSeconds * 1000;
    const cur = this.current;
    const curIndex = cur === null ? -1 : this.priorities.indexOf(cur);
    const held = (id: string): boolean => this.healthyForMs(id, nowMs) >= holdMs && verdicts.get(id)!.state === 'running';
    const running = this.priorities.filter((id) => verdicts.get(id)!.state === 'running');

    if (cur !== null && curIndex < 0) {
      const next = this.pickRunning(running, held);
      return next
        ? { to: next, reason: `${cur} was removed from the sources; ${next} is the best running source` }
        : this.noneRunning(null, verdicts, `${cur} was removed from the sources`);
    }

    if (cur !== null && verdicts.get(cur)!.state === 'running') {
      // Failback: the most preferred source ahead of the program that has held its health.
      for (let i = 0; i < curIndex; i++) {
        const id = this.priorities[i]!;
        if (held(id)) {
          return { to: id, reason: `failback: ${id} healthy for ${Math.round(this.healthyForMs(id, nowMs) / 1000)} s (hold ${this.settings.holdSeconds} s)` };
        }
      }
      return { to: cur, reason: `${cur} running` };
    }

    if (cur === null) {
      // Start (or recovery from none): walk the list in order, waiting for a starting source ahead.
      for (const id of this.priorities) {
        const v = verdicts.get(id)!;
        if (v.state === 'running') return { to: id, reason: `${id} is the most preferred running source` };
        if (v.state === 'starting') return { to: null, reason: `waiting for ${id} to start` };
      }
      return this.noneRunning(null, verdicts, 'no source is running');
    }

    // Failover: the program source is silent, stalled, starting again or failed.
    const v = verdicts.get(cur)!;
    const why = `${cur} ${v.state} (${v.reason})`;
    const next = this.pickRunning(running, held);
    if (next) return { to: next, reason: `failover: ${why}; switched to ${next}` };
    return this.noneRunning(cur, verdicts, why);
  }

  private pickRunning(running: string[], held: (id: string) => boolean): string | null {
    return running.find(held) ?? running[0] ?? null;
  }

  /** No source runs: keep a silent program, else the most preferred silent one, else none. */
  private noneRunning(cur: string | null, verdicts: Map<string, HealthVerdict>, why: string): { to: string | null; reason: string } {
    const summary = this.priorities.map((id) => `${id} ${verdicts.get(id)!.state}`).join(', ') || 'no sources configured';
    if (cur !== null && verdicts.get(cur)!.state === 'silent') {
      return { to: cur, reason: `no healthy source (${summary}); staying on ${cur}` };
    }
    const silent = this.priorities.find((id) => verdicts.get(id)!.state === 'silent');
    if (silent) return { to: silent, reason: `${why}; no healthy source (${summary}); ${silent} is the best available` };
    return { to: null, reason: `${why}; no source delivering audio (${summary})` };
  }
}

function lookup(health: HealthInput, id: string): HealthVerdict {
  const record = health as Readonly<Record<string, HealthVerdict | SourceHealthState>>;
  // hasOwn: a source may be called "constructor"; inherited members are not health.
  const raw: HealthVerdict | SourceHealthState | undefined =
    health instanceof Map ? (health as ReadonlyMap<string, HealthVerdict | SourceHealthState>).get(id) : Object.hasOwn(record, id) ? record[id] : undefined;
  if (raw === undefined) return { state: 'failed', reason: 'no health reported' };
  return typeof raw === 'string' ? { state: raw, reason: raw } : raw;
}
