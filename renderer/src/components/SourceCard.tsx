import type { SourceStatus, StreamStatus } from '@contract';
import { db } from '../lib/format';
import { LevelMeter } from './LevelMeter';
import { ListenControls } from './listen/ListenControls';
import { ListenerSparkline } from './listen/StreamLinks';
import { STALE_TITLE, StreamControls } from './StreamControls';
import { Waveform } from './Waveform';

const STATE_HINT: Record<SourceStatus['state'], string> = {
  starting: 'starting',
  running: 'running',
  silent: 'silent',
  stalled: 'stalled',
  retrying: 'retrying',
  failed: 'failed',
  stopped: 'stopped',
};

/** `stale`: the connection to the engine is down, so every state here is the last one received. */
export function SourceCard({ source, streams, stale = false }: { source: SourceStatus; streams: StreamStatus[]; stale?: boolean }) {
  const s = source;
  return (
    <article
      className={`card source-card state-${s.state}${s.program ? ' program' : ''}`}
      data-testid={`source-card-${s.id}`}
      data-state={s.state}
      data-program={s.program}
      data-stale={stale}
    >
      <header className="source-head">
        <div className="source-title">
          <h2>{s.name}</h2>
          <span className="kind">{s.kind}</span>
          {s.program && <span className="badge program-badge">PROGRAM</span>}
          {!s.enabled && <span className="badge muted-badge">disabled</span>}
        </div>
        <span
          className={`state-pill state-${s.state}`}
          data-testid={`source-state-${s.id}`}
          title={stale ? STALE_TITLE : undefined}
        >
          {STATE_HINT[s.state]}
          {stale && ' ?'}
        </span>
      </header>
      {s.error && <div className="error-box">{s.error}</div>}
      <Waveform sourceId={s.id} program={s.program} />
      <LevelMeter sourceId={s.id} initialPeakDb={s.peakDb} initialRmsDb={s.rmsDb} />
      <dl className="source-meta">
        {s.nowPlaying && (
          <>
            <dt>Now playing</dt>
            <dd className="now-playing">{s.nowPlaying}</dd>
          </>
        )}
        {s.signalDb !== null && (
          <>
            <dt>RF signal</dt>
            <dd>{db(s.signalDb)} dBFS</dd>
          </>
        )}
        <dt>Priority</dt>
        <dd>{s.priority}</dd>
        <dt>Input</dt>
        <dd className="mono uri" title={s.uri}>
          {s.uri}
        </dd>
      </dl>
      <ListenControls sourceId={s.id} running={s.state === 'running' || s.state === 'silent'} streams={streams} />
      <StreamControls sourceId={s.id} streams={streams} stale={stale} />
      <ListenerSparkline streams={streams} />
    </article>
  );
}
