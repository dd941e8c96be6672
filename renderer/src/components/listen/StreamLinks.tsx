import './listen.css';
import type { StreamStatus } from '@contract';
import { listenAvailable, listenTo, stopListening, useListen } from '../../audio/listen-store';
import { count } from '../../lib/format';
import { useConsole } from '../../store/console-store';
import { ListenerChart } from '../ListenerChart';
import { CopyLink } from './CopyLink';
import { seriesFor, useListenerHistory } from './listener-history';

/** Our own mounts on the Icecast page: where listeners find them, their 24 h of listeners, and Listen. */
export function StreamLinks() {
  const streams = useConsole((s) => s.streams);
  const history = useListenerHistory();
  const ours = streams.filter((s) => s.listenUrl);
  if (ours.length === 0) return null;
  return (
    <section className="panel" data-testid="stream-links">
      <h3>Our streams</h3>
      {ours.map((s) => (
        <StreamLinkRow key={s.streamId} stream={s} history={history} />
      ))}
    </section>
  );
}

function StreamLinkRow({ stream: s, history }: { stream: StreamStatus; history: ReturnType<typeof useListenerHistory> }) {
  // This rendition, not just its source: the other rows of a source that plays offer Listen, which switches to them.
  const listeningHere = useListen((l) => l.sourceId === s.sourceId && l.path === 'icecast' && l.streamId === s.streamId);
  const series = seriesFor(history, s);
  return (
    <div className="stream-link-row" data-testid={`stream-links-${s.streamId}`}>
      <div className="stream-link-head">
        <span className="mono">{s.mount}</span> <span className={`pill state-${s.state}`}>{s.state}</span>{' '}
        <span className="muted small">{s.listeners === null ? 'listeners unknown' : count(s.listeners, 'listener')}</span>{' '}
        <button
          type="button"
          className="small"
          disabled={!listenAvailable()}
          onClick={() => (listeningHere ? stopListening() : void listenTo(s.sourceId, { streamId: s.streamId }))}
          data-testid={`stream-listen-${s.streamId}`}
        >
          {listeningHere ? 'Stop' : 'Listen'}
        </button>
      </div>
      {s.listenUrl && <CopyLink label="Stream" url={s.listenUrl} testId={`copy-listen-${s.streamId}`} />}
      {s.playlistUrls?.m3u && <CopyLink label=".m3u" url={s.playlistUrls.m3u} testId={`copy-m3u-${s.streamId}`} />}
      {s.playlistUrls?.pls && <CopyLink label=".pls" url={s.playlistUrls.pls} testId={`copy-pls-${s.streamId}`} />}
      {series ? (
        <div className="listener-history">
          <ListenerChart series={series} />
          <div className="muted small">
            24 h: peak {series.peak ?? '—'} · now {series.current ?? 'unknown'} · average {series.average === null ? '—' : series.average.toFixed(1)}
          </div>
        </div>
      ) : (
        <div className="muted small">No listener history yet.</div>
      )}
    </div>
  );
}

/** The tile's sparkline: the busiest of the source's mounts over 24 h. */
export function ListenerSparkline({ streams }: { streams: StreamStatus[] }) {
  const history = useListenerHistory();
  const series = streams
    .map((s) => seriesFor(history, s))
    .filter((x) => x !== null)
    .sort((a, b) => (b.peak ?? 0) - (a.peak ?? 0))[0];
  if (!series || series.samples.length < 2) return null;
  return (
    <div className="listener-spark" title={`Listeners on ${series.mount}, 24 h: peak ${series.peak ?? '—'}, now ${series.current ?? 'unknown'}`}>
      <span className="muted small">Listeners 24 h</span>
      <ListenerChart series={series} compact />
    </div>
  );
}
