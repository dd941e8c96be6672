import type { EventLogEntry, EventLogKind } from '../../contract';
import type { EventSink } from '../event-sink';
import type { Timers } from './write-behind';
import type { WriteBehind } from './write-behind';

/**
 * The station's event log: failovers, source and stream trouble, decoder anomalies, recording
 * and history problems, retention. Each entry is pushed (`events.logged`) first and stored
 * behind, like alerts, so a failing disk cannot stop it being seen.
 */
export class EventLog {
  private seq = 0;
  private readonly prefix = Math.random().toString(36).slice(2, 6);

  constructor(
    private readonly writes: WriteBehind,
    private readonly events: EventSink,
    private readonly timers: Pick<Timers, 'now'>,
  ) {}

  add(kind: EventLogKind, level: EventLogEntry['level'], message: string, about: { sourceId?: string | null; alertId?: string | null } = {}): EventLogEntry {
    const at = this.timers.now();
    const entry: EventLogEntry = {
      id: `${at.toString(36)}-${this.prefix}${(this.seq++).toString(36)}`,
      at: new Date(at).toISOString(),
      kind,
      level,
      sourceId: about.sourceId ?? null,
      alertId: about.alertId ?? null,
      message,
    };
    try {
      this.events.emit('events.logged', entry);
    } catch {
      // A listener that fails must not stop the entry being stored.
    }
    this.writes.put(`log:${entry.id}`, (h) => h.addLogEntry(entry), true);
    return entry;
  }
}
