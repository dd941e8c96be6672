import './listen.css';
import { useState } from 'react';
import type { StreamStatus } from '@contract';
import { chooseListenPath, listenAvailable, listenTo, setListenVolume, stopListening, toggleListenMute, useListen, type ListenChoice } from '../../audio/listen-store';
import { count, duration } from '../../lib/format';

const choiceValue = (c: ListenChoice): string => (typeof c === 'string' ? c : `stream:${c.streamId}`);
const parseChoice = (v: string): ListenChoice => (v.startsWith('stream:') ? { streamId: v.slice('stream:'.length) } : v === 'direct' ? 'direct' : 'auto');

/** Peak of what plays, as dBFS on the meter's -60..0 scale. */
const meterValue = (peak: number): number => (peak > 0 ? Math.max(0, 1 + (20 * Math.log10(peak)) / 60) : 0);

function mountLine(mount: StreamStatus | undefined): string {
  if (!mount) return 'from Icecast';
  const parts = [`from Icecast ${mount.mount ?? ''}`.trim()];
  if (mount.bitrateKbps !== null) parts.push(`${Math.round(mount.bitrateKbps)} kbps`);
  parts.push(mount.listeners === null ? 'listeners unknown' : count(mount.listeners, 'listener'));
  parts.push(`up ${duration(mount.uptimeS)}`);
  return parts.join(' · ');
}

/**
 * A source tile's Listen button and, while it plays, the player: which path (an Icecast mount
 * with its bitrate, listeners and uptime, or direct from the engine), volume, mute and a meter
 * of what actually plays.
 */
export function ListenControls({ sourceId, running, streams }: { sourceId: string; running: boolean; streams: StreamStatus[] }) {
  const mine = useListen((s) => s.sourceId === sourceId);
  const phase = useListen((s) => (s.sourceId === sourceId ? s.phase : 'idle'));
  const error = useListen((s) => (s.sourceId === sourceId ? s.error : null));
  const path = useListen((s) => (s.sourceId === sourceId ? s.path : null));
  const streamId = useListen((s) => (s.sourceId === sourceId ? s.streamId : null));
  const fallback = useListen((s) => (s.sourceId === sourceId ? s.fallbackReason : null));
  const volume = useListen((s) => s.volume);
  const muted = useListen((s) => s.muted);
  const peak = useListen((s) => (s.sourceId === sourceId ? s.peak : 0));
  const stats = useListen((s) => (s.sourceId === sourceId ? s.stats : null));
  const choice = useListen((s) => choiceValue(s.choice));
  const pickReason = useListen((s) => (s.sourceId === sourceId ? s.pickReason : null));
  /** The choice for the next Listen on this tile, while another source (or none) plays. */
  const [nextChoice, setNextChoice] = useState('auto');
  const available = listenAvailable();
  const renditions = streams.filter((st) => st.sourceId === sourceId && st.listenUrl);

  if (!mine) {
    return (
      <div className="listen-controls" data-testid={`listen-${sourceId}`} data-phase="idle">
        <button
          type="button"
          onClick={() => void listenTo(sourceId, parseChoice(nextChoice))}
          disabled={!available || !running}
          title={
            !available
              ? 'Listening in the desktop app is not built yet; open the serve console in a browser.'
              : !running
                ? 'The source is not running.'
                : 'Listen to this source (stops any other)'
          }
          data-testid={`listen-button-${sourceId}`}
        >
          Listen
        </button>
        {renditions.length > 1 && (
          <RenditionPicker sourceId={sourceId} value={nextChoice} onChange={setNextChoice} streams={renditions} disabled={!available || !running} />
        )}
      </div>
    );
  }
  const where = path === 'icecast' ? mountLine(streams.find((s) => s.streamId === streamId)) : path === 'direct' ? 'direct from the engine' : '';
  return (
    <div className="listen-controls active" data-testid={`listen-${sourceId}`} data-phase={phase} data-path={path ?? ''} data-stream={streamId ?? ''}>
      <button type="button" onClick={stopListening} data-testid={`listen-stop-${sourceId}`}>
        Stop
      </button>
      <button type="button" onClick={toggleListenMute} aria-pressed={muted} data-testid={`listen-mute-${sourceId}`}>
        {muted ? 'Unmute' : 'Mute'}
      </button>
      <RenditionPicker sourceId={sourceId} value={choice} onChange={(v) => chooseListenPath(parseChoice(v))} streams={renditions} />
      <input type="range" min={0} max={1} step={0.05} value={volume} aria-label="Volume" onChange={(e) => setListenVolume(Number(e.currentTarget.value))} />
      <meter className="listen-meter" min={0} max={1} low={0.7} high={0.9} optimum={0.5} value={meterValue(peak)} aria-label="Level of what plays" />
      <span className="listen-status">
        {phase === 'error' ? (
          <span className="listen-error">Not playing: {error}</span>
        ) : (
          <>
            {phase === 'starting' ? 'Starting' : phase === 'buffering' ? 'Buffering' : 'Playing'} {where}
            {stats && path === 'direct' && phase === 'playing' && ` · ${Math.round(stats.bufferedMs)} ms buffered`}
            {stats && stats.underruns > 0 && ` · ${count(stats.underruns, 'dropout')}`}
            {fallback && path === 'direct' && <span className="listen-fallback"> ({fallback})</span>}
            {pickReason && path !== 'direct' && (
              <span className="listen-why" data-testid={`listen-why-${sourceId}`}>
                {' '}
                — {pickReason}
              </span>
            )}
          </>
        )}
      </span>
    </div>
  );
}

/**
 * Auto (the console picks a rendition by measured throughput), direct from the engine, or one
 * rendition by hand. Renditions not live are listed only while chosen, so a choice that went
 * off air still shows what was asked for.
 */
function RenditionPicker({
  sourceId,
  value,
  onChange,
  streams,
  disabled,
}: {
  sourceId: string;
  value: string;
  onChange(v: string): void;
  streams: StreamStatus[];
  disabled?: boolean;
}) {
  const shown = [...streams]
    .filter((st) => st.state === 'live' || `stream:${st.streamId}` === value)
    .sort((a, b) => (b.bitrateKbps ?? 0) - (a.bitrateKbps ?? 0));
  return (
    <select value={value} disabled={disabled} onChange={(e) => onChange(e.currentTarget.value)} aria-label="Listen through" data-testid={`listen-choice-${sourceId}`}>
      <option value="auto">Auto (best rendition for the link, else direct)</option>
      <option value="direct">Direct from the engine</option>
      {shown.map((st) => (
        <option key={st.streamId} value={`stream:${st.streamId}`}>
          Icecast {st.mount ?? st.streamId}
          {st.format ? ` (${st.format}${st.bitrateKbps !== null ? ` ${Math.round(st.bitrateKbps)} kbps` : ''})` : ''}
          {st.state === 'live' ? '' : ' — not live'}
        </option>
      ))}
    </select>
  );
}
