import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Alert, ExportFormat, HistoryFilter, HistoryStorage, Settings } from '../../contract';
import type { SameTables } from '../../core/alerts';
import type { EngineEventMap, LogEvent } from '../event-sink';
import type { Logger } from '../log';
import type { ProblemBoard } from '../status/problem-board';
import { AlertDesk } from './alert-desk';
import { journalEngineEvents } from './event-journal';
import { AlertHistory } from './history/alert-history';
import { exportStream } from './history/history-export';
import { Retention } from './history/retention';
import { recoverRecordings } from './recording-recovery';
import { realTimers, WriteBehind, type Timers } from './write-behind';

export interface AlertRoomOptions {
  dataDir: string;
  /** Default DATA_DIR/history.sqlite; ':memory:' for tests. */
  historyFile?: string;
  tables: SameTables;
  log: Logger;
  logEvent: LogEvent;
  /** The engine: events go out through it, and its failovers and source changes are journalled. */
  events: Pick<EventEmitter<EngineEventMap>, 'emit' | 'on' | 'off'>;
  onAir(sourceId: string, alert: Alert | null): void;
  settings: { get(): Settings };
  problems: ProblemBoard;
  timers?: Timers;
  /** Retry period of history writes that failed, ms. */
  retryMs?: number;
}

/**
 * The alert desk's room, composed: the history database (opened and migrated; a data dir that
 * cannot be opened throws HistoryOpenError naming it), the write-behind in front of it,
 * recordings left incomplete by the last run repaired, the desk itself, retention and the
 * event journal.
 */
export class AlertRoom {
  readonly history: AlertHistory;
  readonly writes: WriteBehind;
  readonly desk: AlertDesk;
  readonly retention: Retention;
  private stopJournal: (() => void) | null = null;
  private closed = false;
  private readonly log: Logger;

  constructor(o: AlertRoomOptions) {
    this.log = o.log;
    const timers = o.timers ?? realTimers;
    this.history = new AlertHistory(o.historyFile ?? join(o.dataDir, 'history.sqlite'));
    const repaired = recoverRecordings(this.history, o.log);
    this.writes = new WriteBehind({
      history: this.history,
      dir: o.dataDir,
      problems: o.problems,
      log: o.log,
      timers,
      retryMs: o.retryMs,
      onRecovered: (written, was) => {
        o.logEvent('info', `history writable again (was ${was}): ${written} waiting changes written`);
        this.desk.eventLog.add('history', 'info', `history writable again (was ${was}): ${written} waiting changes written`);
      },
    });
    const settings = o.settings;
    this.desk = new AlertDesk({
      history: this.history,
      writes: this.writes,
      tables: o.tables,
      log: o.log,
      events: o.events,
      logEvent: o.logEvent,
      onAir: o.onAir,
      relevance: () => settings.get().alerts.relevance,
      problems: o.problems,
      dataDir: o.dataDir,
      timers,
      timeZone: () => settings.get().timeZone,
    });
    for (const r of repaired) {
      const kept = r.durationS === null ? 'the file is gone' : `${r.durationS.toFixed(1)} s kept`;
      this.desk.eventLog.add('recording', 'warn', `recording ${r.file} was cut short when the engine stopped; repaired (${kept})`, { sourceId: r.sourceId });
    }
    this.retention = new Retention({
      history: this.history,
      settings: () => settings.get().alerts.retention,
      eventLog: this.desk.eventLog,
      timers,
      onDeleted: (ids) => this.desk.forget(ids),
    });
    this.stopJournal = journalEngineEvents(o.events, this.desk.eventLog);
  }

  start(): void {
    this.retention.startDaily();
  }

  storage(): HistoryStorage {
    return {
      ...this.history.storage(),
      writable: this.writes.failing === null,
      pendingWrites: this.writes.pending,
      lastRetention: this.retention.lastReport,
    };
  }

  /** A filtered export, streamed a page at a time. */
  exportAlerts(filter: HistoryFilter, format: ExportFormat): Readable {
    return exportStream((cursor, limit) => this.desk.page(filter, cursor, limit), format);
  }

  /** Last writes are tried once more; what still cannot be written is said in the log. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.retention.stop();
    this.stopJournal?.();
    this.desk.close();
    // Nothing else can hold unwritten changes once the process ends: the log says what was lost.
    if (!this.writes.flush()) this.log.error({ pending: this.writes.pending, failing: this.writes.failing }, 'history changes could not be written before stopping');
    this.writes.close();
    this.history.close();
  }
}
