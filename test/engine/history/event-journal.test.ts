import { afterEach, describe, expect, it } from 'vitest';
import type { SourceStatus, StreamStatus } from '../../../electron/contract';
import { journalEngineEvents } from '../../../electron/engine/alerts/event-journal';
import { idleStreamStatus } from '../../../electron/engine/streams/idle-status';
import { deskFixture, type DeskFixture } from './desk-fixture';

const open: DeskFixture[] = [];
afterEach(() => {
  for (const f of open.splice(0)) f.close();
});

const source = (state: SourceStatus['state'], error: string | null = null): SourceStatus => ({
  id: 'nwr', name: 'NOAA', kind: 'rtlsdr', uri: 'rtlsdr:', priority: 1, enabled: true, state, program: true, error,
  peakDb: null, rmsDb: null, signalDb: null, nowPlaying: null, samples: 0,
});
const stream = (state: StreamStatus['state'], reconnects: number, lastError: string | null = null): StreamStatus => ({
  ...idleStreamStatus({ streamId: 'nwr-mp3', sourceId: 'nwr', enabled: true, state, format: 'mp3', mount: '/nwr.mp3', message: null }),
  reconnects,
  lastError,
});

describe('the event journal', () => {
  it('logs failovers and the changes into and out of trouble, not every status push', () => {
    const f = deskFixture({ start: '2026-04-15T17:00:00Z' });
    open.push(f);
    const stop = journalEngineEvents(f.events, f.desk.eventLog);
    f.events.emit('sources.changed', [source('starting')]);
    f.events.emit('sources.changed', [source('running')]);
    f.events.emit('sources.changed', [source('running')]);
    f.events.emit('sources.changed', [source('stalled', 'no samples for 5 s')]);
    f.events.emit('program.changed', { sourceId: 'fm', previous: 'nwr', reason: 'nwr stalled', at: '2026-04-15T17:00:05.000Z' });
    f.events.emit('sources.changed', [source('starting')]);
    f.events.emit('sources.changed', [source('running')]);
    f.events.emit('streams.changed', [stream('live', 0)]);
    f.events.emit('streams.changed', [stream('retrying', 0, 'connection refused')]);
    f.events.emit('streams.changed', [stream('live', 1)]);
    stop();
    f.events.emit('sources.changed', [source('failed', 'gone')]);
    const entries = f.history.eventLog({}, undefined, 20).entries.reverse();
    expect(entries.map((e) => [e.kind, e.level, e.message])).toEqual([
      ['source', 'warn', 'NOAA (nwr) running -> stalled: no samples for 5 s'],
      ['failover', 'info', 'program source nwr -> fm (nwr stalled)'],
      ['source', 'info', 'NOAA (nwr) stalled -> starting'],
      ['source', 'info', 'NOAA (nwr) starting -> running'],
      ['stream', 'warn', 'stream /nwr.mp3 of nwr live -> retrying: connection refused'],
      ['stream', 'info', 'stream /nwr.mp3 of nwr reconnected (1 reconnects so far)'],
      ['stream', 'info', 'stream /nwr.mp3 of nwr retrying -> live'],
    ]);
    expect(f.history.eventLog({ level: 'warn' }, undefined, 20).entries).toHaveLength(2);
    expect(f.history.eventLog({ kinds: ['failover'] }, undefined, 20).entries.map((e) => e.sourceId)).toEqual(['fm']);
  });
});
