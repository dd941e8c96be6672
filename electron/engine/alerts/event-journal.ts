import type { EventEmitter } from 'node:events';
import type { ProgramChange, SourceState, SourceStatus, StreamStatus } from '../../contract';
import type { EngineEventMap } from '../event-sink';
import type { EventLog } from './event-log';

const SOURCE_TROUBLE: ReadonlySet<SourceState> = new Set(['failed', 'stalled', 'silent']);
const STREAM_TROUBLE: ReadonlySet<StreamStatus['state']> = new Set(['retrying', 'error']);

/**
 * Writes what the engine already announces into the station's event log: program failovers,
 * a source going into or out of trouble (failed, stalled, silent), a stream retrying or in
 * error, its reconnects. Only changes are logged, so the frequent status pushes cost a diff.
 */
export function journalEngineEvents(engine: Pick<EventEmitter<EngineEventMap>, 'on' | 'off'>, log: EventLog): () => void {
  const sources = new Map<string, { state: SourceState; troubled: boolean }>();
  const streams = new Map<string, { state: StreamStatus['state']; reconnects: number; troubled: boolean }>();

  const onProgram = (c: ProgramChange): void => {
    const from = c.previous ?? 'none';
    const to = c.sourceId ?? 'none';
    log.add('failover', c.sourceId === null ? 'warn' : 'info', `program source ${from} -> ${to}${c.reason ? ` (${c.reason})` : ''}`, { sourceId: c.sourceId });
  };

  const onSources = (list: SourceStatus[]): void => {
    for (const s of list) {
      const prev = sources.get(s.id);
      const trouble = SOURCE_TROUBLE.has(s.state);
      sources.set(s.id, { state: s.state, troubled: trouble || (prev?.troubled === true && s.state !== 'running') });
      if (prev?.state === s.state) continue;
      if (!trouble && !prev?.troubled) continue;
      const level = s.state === 'failed' ? 'error' : trouble ? 'warn' : 'info';
      const why = s.error ? `: ${s.error}` : '';
      log.add('source', level, `${s.name} (${s.id}) ${prev?.state ?? 'new'} -> ${s.state}${trouble ? why : ''}`, { sourceId: s.id });
    }
  };

  const onStreams = (list: StreamStatus[]): void => {
    for (const s of list) {
      if (s.state === 'unconfigured') continue;
      const prev = streams.get(s.streamId);
      const trouble = STREAM_TROUBLE.has(s.state);
      streams.set(s.streamId, { state: s.state, reconnects: s.reconnects, troubled: trouble || (prev?.troubled === true && s.state !== 'live') });
      const where = `stream ${s.mount ?? s.streamId} of ${s.sourceId}`;
      if (prev && s.reconnects > prev.reconnects) {
        log.add('stream', 'info', `${where} reconnected (${s.reconnects} reconnects so far)`, { sourceId: s.sourceId });
      }
      if (prev?.state === s.state) continue;
      if (!trouble && !prev?.troubled) continue;
      const level = s.state === 'error' ? 'error' : trouble ? 'warn' : 'info';
      const why = trouble && s.lastError ? `: ${s.lastError}` : '';
      log.add('stream', level, `${where} ${prev?.state ?? 'new'} -> ${s.state}${why}`, { sourceId: s.sourceId });
    }
  };

  engine.on('program.changed', onProgram);
  engine.on('sources.changed', onSources);
  engine.on('streams.changed', onStreams);
  return () => {
    engine.off('program.changed', onProgram);
    engine.off('sources.changed', onSources);
    engine.off('streams.changed', onStreams);
  };
}
