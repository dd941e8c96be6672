import type { AlertDesk } from '../alerts/alert-desk';
import type { LogEvent } from '../event-sink';
import type { LevelBatcher } from '../levels/level-batcher';
import type { ProgramMonitor } from '../program/program-monitor';
import { SignalReport } from '../status/signal-report';
import type { StreamManager } from '../streams/stream-manager';
import { RetryLogGate } from './retry-log-gate';
import type { SourceObserver } from './source-registry';

export interface SourceWiring {
  program: ProgramMonitor;
  levels: LevelBatcher;
  streams: StreamManager;
  desk: AlertDesk;
  logEvent: LogEvent;
  /** The source list shows something new. */
  sourcesChanged(): void;
  now?: () => number;
}


/** Where each running source's news goes: failover, meters, streams, the alert desk, the UI. */
export function wireSources(w: SourceWiring): SourceObserver {
  const now = w.now ?? Date.now;
  const signals = new SignalReport();
  const retryLog = new RetryLogGate();
  return {
    levels: (id, lv) => {
      w.program.levels(id, now(), lv.rmsDb, lv.batchSamples);
      w.levels.push({ sourceId: id, t: lv.t, peakDb: lv.peakDb, rmsDb: lv.rmsDb, peaks: lv.peaks });
    },
    state: (id, state, error) => {
      const t = now();
      w.program.captureState(id, state, error?.message ?? null, t);
      if (retryLog.shouldLog(id, state, error?.code, t)) {
        const why = error ? ` — ${error.message}${error.hint ? ` (${error.hint})` : ''}` : '';
        const tries = state === 'retrying' && error && error.attempt > 1 ? ` (failed ${error.attempt} times in a row)` : '';
        w.logEvent(state === 'failed' || state === 'retrying' ? 'warn' : 'info', `${id}: ${state}${tries}${why}`);
      }
      w.sourcesChanged();
    },
    nowPlaying: (id, title) => {
      w.streams.setNowPlaying(id, title);
      w.sourcesChanged();
    },
    signal: (id, db) => {
      if (signals.shouldReport(id, db, now())) w.sourcesChanged();
    },
    decoder: (id, ev) => w.desk.decoder(id, ev),
    recording: (id, r) => w.desk.recording(id, r),
    log: (level, message) => w.logEvent(level, message),
    added: (p) => w.streams.attachSource(p, { name: p.config.name }),
    removing: (id) => {
      w.streams.detachSource(id);
      signals.forget(id);
      retryLog.forget(id);
    },
  };
}
