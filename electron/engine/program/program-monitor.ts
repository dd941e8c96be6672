import type { FailoverSettings, ProgramChange, SourceState } from '../../contract';
import { ProgramSelection } from '../../core/sources';
import type { EventSink, LogEvent } from '../event-sink';
import type { CaptureState } from '../pipeline/messages';


/** How many program changes the status keeps. */
const KEEP_CHANGES = 100;

/**
 * Program and health bookkeeping: feeds each source's capture state and level batches to the
 * ProgramSelection, turns its transitions into ProgramChange records, and says which state a
 * source shows (a running capture that is silent or stalled shows as such).
 */
export class ProgramMonitor {
  private readonly selection: ProgramSelection;
  private readonly changes: ProgramChange[] = [];

  constructor(
    settings: FailoverSettings,
    /** Pushes `program.changed`. */
    private readonly events: EventSink,
    private readonly logEvent: LogEvent,
  ) {
    this.selection = new ProgramSelection(settings);
  }

  get program(): string | null {
    return this.selection.program;
  }

  configure(settings: FailoverSettings, priorities: readonly string[]): void {
    this.selection.setSettings(settings);
    this.selection.setPriorities(priorities);
  }

  setPriorities(priorities: readonly string[]): void {
    this.selection.setPriorities(priorities);
  }

  captureState(id: string, state: CaptureState, errorMessage: string | null, nowMs: number): void {
    // A retried source goes from "retrying" straight to "running" (no "starting" between
    // tries), so its first audio starts the health clock afresh too.
    if (state === 'starting' || state === 'running') this.selection.sourceStarted(id, nowMs);
    else if (state === 'failed' || state === 'retrying' || state === 'ended') {
      this.selection.sourceFailed(id, nowMs, errorMessage ?? state);
    }
  }

  levels(id: string, nowMs: number, rmsDb: number, samples: number): void {
    this.selection.sourceLevels(id, nowMs, rmsDb, samples);
  }

  /** The engine's tick. True when the source list shows something new (program or health). */
  tick(nowMs: number): boolean {
    const update = this.selection.update(nowMs);
    for (const t of update.transitions) {
      const pc: ProgramChange = { sourceId: t.to, previous: t.from, reason: t.reason, at: new Date(t.atMs).toISOString() };
      this.changes.push(pc);
      if (this.changes.length > KEEP_CHANGES) this.changes.shift();
      this.logEvent('info', `program: ${t.from ?? 'none'} -> ${t.to ?? 'none'} (${t.reason})`);
      this.events.emit('program.changed', pc);
    }
    return update.transitions.length > 0 || update.healthChanged;
  }

  recentChanges(limit: number): ProgramChange[] {
    return this.changes.slice(-limit);
  }

  /** The state a source shows: its capture state, refined by its health. */
  publicState(id: string, state: CaptureState): SourceState {
    const h = this.selection.healthOf(id)?.state;
    if (state === 'running' && (h === 'silent' || h === 'stalled')) return h;
    switch (state) {
      case 'running':
        return 'running';
      case 'starting':
        return 'starting';
      case 'retrying':
        return 'retrying';
      case 'failed':
        return 'failed';
      case 'ended':
      case 'stopped':
        return 'stopped';
    }
  }
}
