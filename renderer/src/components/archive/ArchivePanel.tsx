import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import './archive.css';
import type { Alert, ArchiveSegment, ArchiveTimeline } from '@contract';
import { archiveAlerts, archiveBase, archiveTimeline } from '../../store/actions';
import { useConsole } from '../../store/console-store';
import { ExportBox } from './ExportBox';
import { SegmentPlayer, ZOOMS } from './SegmentPlayer';
import { TimelineCanvas } from './TimelineCanvas';

const HOUR = 3_600_000;
const SPANS = [
  { label: '1 h', ms: HOUR },
  { label: '6 h', ms: 6 * HOUR },
  { label: '24 h', ms: 24 * HOUR },
  { label: '7 days', ms: 7 * 24 * HOUR },
] as const;
const SPEEDS = [1, 1.5, 2] as const;
/** "Go live" starts this far behind the newest audio indexed. */
const LIVE_BEHIND_S = 5;
/** At the end of the newest segment, how often and how many times to look for more audio. */
const FOLLOW_EVERY_MS = 1500;
const FOLLOW_TRIES = 8;

interface Playing {
  seg: ArchiveSegment;
  offsetS: number;
  /** Each seek is a new player (a new range request from that moment). */
  seek: number;
}

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
  const [playing, setPlayingState] = useState<Playing | null>(null);
  /** Where in the playing segment playback is, s (the timeline's playhead follows it). */
  const [position, setPosition] = useState(0);
  const [speed, setSpeed] = useState<number>(1);
  const [zoom, setZoom] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  /** What Export cuts: an alert with 30 s either side once a marker was picked, else the last minute. */
  const [exportSpan, setExportSpan] = useState<{ from: number; to: number } | null>(null);
  const seekCount = useRef(0);
  const follow = useRef<{ timer: ReturnType<typeof setTimeout> | null }>({ timer: null });
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

  const stopFollowing = () => {
    if (follow.current.timer) clearTimeout(follow.current.timer);
    follow.current.timer = null;
  };
  /** False once unmounted: a lookup still under way must not play or schedule anything. */
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      stopFollowing();
    };
  }, []);

  const setPlaying = (p: { seg: ArchiveSegment; offsetS: number } | null) => {
    stopFollowing();
    setNote(null);
    setPosition(p?.offsetS ?? 0);
    // Counted also when nothing plays (a gap picked): a lookup under way sees the choice changed.
    const seek = ++seekCount.current;
    setPlayingState(p ? { ...p, seek } : null);
  };

  const playAt = (t: number) => {
    if (!timeline) return;
    setPlaying(segmentAt(timeline.segments, t));
  };

  /** The segments from `fromMs` to now, fresh from the index (the view's may be 15 s old). */
  const fresh = async (fromMs: number): Promise<ArchiveSegment[]> => (await archiveTimeline(src, fromMs, Date.now() + 1000, 1)).segments;

  /**
   * A segment played to its end: the next one, looked up fresh, as the newest audio may have
   * been written since the view was loaded. At the live edge the segment being written has
   * grown meanwhile: it goes on from where it stopped; with nothing new yet it looks again.
   */
  const onEnded = (playedS: number) => {
    if (!playing) return;
    const cur = playing.seg;
    const tryNext = async (left: number): Promise<void> => {
      // The operator may pick another moment (a new seek) while the lookup is under way: then
      // what it finds is no longer wanted.
      const seek = seekCount.current;
      const stale = (): boolean => !mounted.current || seekCount.current !== seek;
      let segs: ArchiveSegment[];
      try {
        segs = await fresh(cur.startUtcMs);
      } catch (err) {
        if (!stale()) setNote(`playback stopped: ${(err as Error).message}`);
        return;
      }
      if (stale()) return;
      const next = segs.find((x) => x.startUtcMs > cur.startUtcMs);
      const same = segs.find((x) => x.id === cur.id);
      if (next) setPlaying({ seg: next, offsetS: 0 });
      else if (same && same.durationMs / 1000 > playedS + 0.5) setPlaying({ seg: same, offsetS: playedS });
      else if (left > 0) follow.current.timer = setTimeout(() => void tryNext(left - 1), FOLLOW_EVERY_MS);
      else setNote('no newer audio in the archive: the source may be down or not archived');
    };
    void tryNext(FOLLOW_TRIES);
  };

  const goLive = async () => {
    try {
      const last = (await fresh(Date.now() - 10 * 60_000)).at(-1) ?? timeline?.segments.at(-1);
      if (last) setPlaying({ seg: last, offsetS: Math.max(0, last.durationMs / 1000 - LIVE_BEHIND_S) });
      else setNote('nothing archived in the last 10 minutes');
      void load();
    } catch (err) {
      setNote((err as Error).message);
    }
  };
  const markers = useMemo(() => {
    const byId = new Map<string, Alert>();
    for (const a of [...pastAlerts, ...alerts]) byId.set(a.id, a);
    return [...byId.values()].flatMap((a) => a.receptions.filter((r) => r.sourceId === src).map((r) => ({ t: Date.parse(r.receivedAt), label: a.eventName })));
  }, [alerts, pastAlerts, src]);
  const url = playing && base ? `${base}archive/${encodeURIComponent(src)}/audio/${playing.seg.name}` : null;
  const playheadMs = playing ? playing.seg.startUtcMs + position * 1000 : null;
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
        <button onClick={() => void goLive()} data-testid="archive-live">
          Go live
        </button>
        <span className="archive-zoom-buttons" data-testid="archive-zoom-level" data-zoom={`${ZOOMS[zoom]}x`}>
          <button aria-label="Zoom out" title="Zoom out (the whole segment)" disabled={zoom === 0} onClick={() => setZoom((z) => Math.max(0, z - 1))} data-testid="archive-zoom-out">
            −
          </button>
          <button aria-label="Zoom in" title="Zoom in around the playhead" disabled={zoom === ZOOMS.length - 1} onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))} data-testid="archive-zoom-in">
            +
          </button>
        </span>
      </div>
      {error && <p className="error">{error}</p>}
      {timeline && <TimelineCanvas
          timeline={timeline}
          markers={markers}
          playheadMs={playheadMs}
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
          {url && playing && (
            <SegmentPlayer
              key={`${playing.seg.name}@${playing.seek}`}
              url={url}
              seg={playing.seg}
              offsetS={playing.offsetS}
              speed={speed}
              zoom={zoom}
              onTime={setPosition}
              onEnded={onEnded}
            />
          )}
          {note && (
            <p className="small" data-testid="archive-note">
              {note}
            </p>
          )}
          {span && <ExportBox base={base} sourceId={src} fromMs={span.from} toMs={span.to} />}
        </>
      )}
    </section>
  );
}
