import type { StreamStatus } from '@contract';
import { bytes, duration } from '../lib/format';
import { toggleStreams } from '../store/actions';
import { useConsole } from '../store/console-store';
import { AddRendition } from './listen/AddRendition';

const STATE_LABEL: Record<StreamStatus['state'], string> = {
  unconfigured: 'not configured',
  off: 'off',
  connecting: 'connecting',
  live: 'live',
  retrying: 'retrying',
  error: 'error',
};

export const STALE_TITLE = 'Last state received before the connection to the engine dropped; it may have changed since';

/** The one-click stream switch of a source and the state of each of its renditions. */
export function StreamControls({ sourceId, streams, stale = false }: { sourceId: string; streams: StreamStatus[]; stale?: boolean }) {
  const toggle = useConsole((s) => s.toggles[sourceId]);
  const enabled = streams.some((s) => s.enabled);
  const pending = toggle?.pending ?? false;

  return (
    <div className="streams">
      <div className="streams-head">
        <button
          type="button"
          role="switch"
          aria-checked={enabled}
          className={`stream-toggle ${enabled ? 'on' : 'off'}`}
          data-testid={`stream-toggle-${sourceId}`}
          disabled={pending}
          onClick={() => void toggleStreams(sourceId, !enabled)}
          title={enabled ? 'Stop streaming this source' : 'Start streaming this source'}
        >
          <span className="knob" aria-hidden="true" />
          <span>{pending ? 'Stream …' : enabled ? 'Stream ON' : 'Stream OFF'}</span>
        </button>
        {streams.length === 0 && <span className="muted">No stream set up for this source.</span>}
      </div>
      {toggle?.error && <div className="error-text">Stream toggle failed: {toggle.error}</div>}
      {streams.map((s) => (
        <div key={s.streamId} className="stream-row" data-testid={`stream-${s.streamId}`} data-state={s.state} data-stale={stale}>
          <span className={`pill stream-${s.state}`} title={stale ? STALE_TITLE : undefined}>
            {STATE_LABEL[s.state]}
            {stale && ' ?'}
          </span>
          {s.mount && <span className="stream-mount mono">{s.mount}</span>}
          {s.format && (
            <span className="muted">
              {s.format.toUpperCase()}
              {s.bitrateKbps !== null ? ` · ${Math.round(s.bitrateKbps)} kbit/s` : ''}
            </span>
          )}
          {s.listeners !== null && (
            <span className={stale ? 'muted' : undefined}>
              {listenerText(s, stale)}
            </span>
          )}
          {s.state === 'live' && !stale && <span className="muted">up {duration(s.uptimeS)}</span>}
          {s.bytesSent > 0 && <span className="muted">{bytes(s.bytesSent)} sent</span>}
          {s.reconnects > 0 && <span className="warn-text">{s.reconnects} reconnects</span>}
          {s.droppedBytes > 0 && <span className="warn-text">{bytes(s.droppedBytes)} dropped</span>}
          {s.message && <div className="stream-message">{s.message}</div>}
          {s.lastError && <div className="error-text">Last error: {s.lastError}</div>}
        </div>
      ))}
      <AddRendition sourceId={sourceId} streams={streams} />
    </div>
  );
}

/** A count from before the connection dropped says nothing about now. */
function listenerText(s: StreamStatus, stale: boolean): string {
  if (stale || s.listeners === null) return 'listeners unknown';
  const own = ownListeners(s);
  return `${s.listeners} ${s.listeners === 1 ? 'listener' : 'listeners'}${s.peakListeners !== null ? ` (peak ${s.peakListeners})` : ''}${
    own > 0 ? `, ${own} of them through this console` : ''
  }`;
}

/**
 * The console's own player is an Icecast listener too; a count polled before it connected
 * does not include it yet, so no more of the count is claimed as ours than there is.
 */
function ownListeners(s: StreamStatus): number {
  return Math.min(s.consoleListeners ?? 0, s.listeners ?? 0);
}
