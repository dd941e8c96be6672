import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Alert, ArchiveSegment, ArchiveTimeline } from '@contract';
import { archiveAlerts, archiveBase, archiveTimeline } from '../../store/actions';
import { useConsole } from '../../store/console-store';
import { ExportBox } from './ExportBox';
import { TimelineCanvas } from './TimelineCanvas';

const HOUR = 3_600_000;
const SPANS = [
  { label: '1 h', ms: HOUR },
  { label: '6 h', ms: 6 * HOUR },
  { label: '24 h', ms: 24 * HOUR },
  { label: '7 days', ms: 7 * 24 * HOUR },
] as const;
const SPEEDS = [1, 1.5, 2] as const;

/** The segment holding `t` and the offset into it, or null in a gap. */
function segmentAt(segments: readonly ArchiveSegment[], t: number): { seg: ArchiveSegment; offsetS: number } | null {
  for (const seg of segments) {
    if (t >= seg.startUtcMs && t < seg.startUtcMs + seg.durationMs) return { seg, offsetS: (t - seg.startUtcMs) / 1000 };
  }
  const next = segments.find((s) => s.startUtcMs > t);
  return next ? { seg: next, offsetS: 0 } : null;
}

/**
 * The time-shift player: a source's kept audio as a timeline (levels, gaps shaded, alerts
 * marked), played from any moment segment by segment through the archive's range-served Ogg
 * files, at 1x, 1.5x or 2x, and a "go live" that jumps to the newest audio.
 */
export function ArchivePanel() {
  const sources = useConsole((s) => s.sources);
  const alerts = useConsole((s) => s.activeAlerts);
  const [sourceId, setSourceId] = useState<string>('');
  const [spanMs, setSpanMs] = useState<number>(HOUR);
  const [timeline, setTimeline] = useState<ArchiveTimeline | null>(null);
  const [pastAlerts, setPastAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<{ seg: ArchiveSegment; offsetS: number } | null>(null);
  const [speed, setSpeed] = useState<number>(1);
  /** What Export cuts: an alert with 30 s either side once a marker was picked, else the last minute. */
  const [exportSpan, setExportSpan] = useState<{ from: number; to: number } | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const base = useMemo(() => archiveBase(), []);
  const src = sourceId || sources[0]?.id || '';

  const load = useCallback(async () => {
    if (!src) return;
    const to = Date.now();
    try {
      setTimeline(await archiveTimeline(src, to - spanMs, to, 1000));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
    try {
      setPastAlerts(await archiveAlerts(src, to - spanMs, to));
    } catch {
      // Markers of past alerts are a help, not a need: the active ones still show.
      setPastAlerts([]);
    }
  }, [src, spanMs]);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 15_000);
    return () => clearInterval(t);
  }, [load]);

  // A new alert is a new marker: fetch the range up to now so it falls inside.
  useEffect(() => {
    void load();
  }, [alerts.length, load]);

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed, playing]);

  const playAt = (t: number) => {
    if (!timeline) return;
    setPlaying(segmentAt(timeline.segments, t));
  };
  const onEnded = () => {
    if (!timeline || !playing) return;
    const i = timeline.segments.findIndex((s) => s.id === playing.seg.id);
    const next = timeline.segments[i + 1];
    setPlaying(next ? { seg: next, offsetS: 0 } : null);
  };
  const goLive = () => {
    const last = timeline?.segments.at(-1);
    if (last) setPlaying({ seg: last, offsetS: Math.max(0, last.durationMs / 1000 - 5) });
  };
  const markers = useMemo(() => {
    const byId = new Map<string, Alert>();
    for (const a of [...pastAlerts, ...alerts]) byId.set(a.id, a);
    return [...byId.values()].flatMap((a) => a.receptions.filter((r) => r.sourceId === src).map((r) => ({ t: Date.parse(r.receivedAt), label: a.eventName })));
  }, [alerts, pastAlerts, src]);
  const url = playing && base ? `${base}archive/${encodeURIComponent(src)}/audio/${playing.seg.name}#t=${playing.offsetS.toFixed(2)}` : null;
  const span = exportSpan ?? (timeline ? { from: timeline.toMs - 60_000, to: timeline.toMs } : null);

  return (
    <section className="archive-panel" data-testid="archive-panel">
      <div className="archive-controls">
        <label>
          Source{' '}
          <select value={src} onChange={(e) => setSourceId(e.target.value)} data-testid="archive-source">
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {SPANS.map((s) => (
          <button key={s.label} className={spanMs === s.ms ? 'active' : ''} onClick={() => setSpanMs(s.ms)}>
            {s.label}
          </button>
        ))}
        <span className="archive-speed">
          {SPEEDS.map((v) => (
            <button key={v} className={speed === v ? 'active' : ''} onClick={() => setSpeed(v)} data-testid={`archive-speed-${v}`}>
              {v}x
            </button>
          ))}
        </span>
        <button onClick={goLive} data-testid="archive-live">
          Go live
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {timeline && <TimelineCanvas
          timeline={timeline}
          markers={markers}
          playheadMs={playing ? playing.seg.startUtcMs + playing.offsetS * 1000 : null}
          onSeek={playAt}
          onMarker={(t) => {
            setExportSpan({ from: t - 30_000, to: t + 30_000 });
            playAt(t - 10_000);
          }}
        />}
      {timeline && (
        <p className="small">
          {timeline.segments.length} segments kept in this view
          {timeline.gaps.length > 0 ? `, ${timeline.gaps.length} gaps (not recorded) shaded` : ''}.
        </p>
      )}
      {base === null ? (
        <p className="small">Playback and export of the archive are in the browser console for now (eas-console serve, or eas-console archive export).</p>
      ) : (
        <>
          {url && <audio ref={audio} key={url} src={url} controls autoPlay onEnded={onEnded} data-testid="archive-audio" />}
          {span && <ExportBox base={base} sourceId={src} fromMs={span.from} toMs={span.to} />}
        </>
      )}
    </section>
  );
}
