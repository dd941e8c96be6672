import { useEffect, useRef, useState } from 'react';
import '../audio/wave-player.css';
import WaveSurfer from 'wavesurfer.js';
import RegionsPlugin from 'wavesurfer.js/plugins/regions';
import TimelinePlugin from 'wavesurfer.js/plugins/timeline';
import type { AlertRecording } from '@contract';
import { withShadowStyles } from '../audio/shadow-styles';
import { cssVar } from '../lib/canvas';
import { alertAudioUrl } from '../store/actions';

const MARKER_LABEL: Record<string, string> = { header: 'header', attention: 'attention', message: 'message', eom: 'EOM' };
/** Zoom steps in pixels per second; 0 fits the whole recording to the width. */
const ZOOMS = [0, 20, 50, 100, 200, 500];

/** One legend entry per kind (three header bursts are one "header ×3"), at its first occurrence. */
function markerGroups(markers: AlertRecording['markers']): Array<{ kind: string; startS: number; count: number }> {
  const groups = new Map<string, { kind: string; startS: number; count: number }>();
  for (const m of markers) {
    const g = groups.get(m.kind);
    if (g) {
      g.count++;
      g.startS = Math.min(g.startS, m.startS);
    } else groups.set(m.kind, { kind: m.kind, startS: m.startS, count: 1 });
  }
  return [...groups.values()].sort((a, b) => a.startS - b.startS);
}

/** The marker palette, read from the stylesheet so the legend and the regions agree. */
function markerColours(): Record<string, string> {
  return {
    header: cssVar('--red', '#ff4d4f'),
    attention: cssVar('--amber', '#f5b02a'),
    message: cssVar('--green', '#2fd072'),
    eom: cssVar('--blue', '#3b9eff'),
  };
}

/** Any CSS colour at `alpha`, for region fills that leave the waveform visible (the canvas normalises it to #rrggbb). */
function translucent(colour: string, alpha: number): string {
  const ctx = document.createElement('canvas').getContext('2d');
  if (ctx) ctx.fillStyle = colour;
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(String(ctx?.fillStyle ?? ''));
  if (!m) return `rgba(128, 128, 128, ${alpha})`;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
}

type Loaded = { samples: Float32Array; durationS: number; blobUrl: string };

function mmss(s: number): string {
  const t = Math.max(0, Math.floor(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/**
 * Play control for an alert's recording, on wavesurfer.js with its regions (header bursts,
 * attention signal, message, EOM) and timeline plugins, zoom, and keyboard seeking (arrows
 * ±1 s, Shift ±5 s, Home/End, Space, + and -). The WAV is fetched once (when the row scrolls
 * into view) and decoded by the browser; wavesurfer gets the samples and plays a blob: URL, so
 * it fetches nothing itself (connect-src has no blob:). Its shadow-root <style> goes into a
 * constructed sheet (audio/shadow-styles.ts), which keeps the CSP strict.
 */
export function AlertAudio({ alertId, recording }: { alertId: string; recording: AlertRecording }) {
  const box = useRef<HTMLDivElement>(null);
  const waveBox = useRef<HTMLDivElement>(null);
  const ws = useRef<WaveSurfer | null>(null);
  const regionsRef = useRef<RegionsPlugin | null>(null);
  const [visible, setVisible] = useState(false);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [zoom, setZoom] = useState(0);
  const [regionCount, setRegionCount] = useState(0);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        io.disconnect();
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, []);

  useEffect(() => {
    if (!visible) return;
    let cancelled = false;
    let blobUrl: string | null = null;
    // Once handed to the player, the blob URL is the player's to revoke (after it stopped using it).
    let handed = false;
    (async () => {
      const res = await fetch(alertAudioUrl(alertId), { credentials: 'same-origin' });
      if (!res.ok) throw new Error(res.status === 404 ? 'the recording is gone from the data directory' : `HTTP ${res.status}`);
      const bytes = await res.arrayBuffer();
      if (cancelled) return;
      blobUrl = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
      // decodeAudioData detaches its input, so the blob above was made first.
      const ctx = new OfflineAudioContext(1, 1, 22050);
      const buf = await ctx.decodeAudioData(bytes);
      if (cancelled) return;
      handed = true;
      setLoaded({ samples: buf.getChannelData(0), durationS: buf.duration, blobUrl });
    })().catch((err: unknown) => {
      if (!cancelled) setError(`Cannot load the recording: ${err instanceof Error ? err.message : String(err)}`);
    });
    return () => {
      cancelled = true;
      if (blobUrl && !handed) URL.revokeObjectURL(blobUrl);
    };
    // A recording still being written is fetched again once it is complete.
  }, [alertId, visible, recording.complete]);

  useEffect(() => {
    const container = waveBox.current;
    if (!container || !loaded) return;
    setError(null);
    const media = new Audio();
    media.preload = 'auto';
    const regions = RegionsPlugin.create();
    const surfer = withShadowStyles(() =>
      WaveSurfer.create({
        container,
        media,
        height: 72,
        waveColor: cssVar('--wave', '#7f9cc0'),
        progressColor: cssVar('--wave-program', '#33d1ff'),
        cursorColor: cssVar('--text', '#e6edf3'),
        normalize: true,
        dragToSeek: true,
        plugins: [regions, TimelinePlugin.create({ height: 14, style: { color: cssVar('--muted', '#8b98a5') } })],
      }),
    );
    ws.current = surfer;
    regionsRef.current = regions;
    const offs = [
      surfer.on('ready', () => setReady(true)),
      surfer.on('play', () => setPlaying(true)),
      surfer.on('pause', () => setPlaying(false)),
      surfer.on('finish', () => setPlaying(false)),
      surfer.on('timeupdate', (t) => setPosition(t)),
      surfer.on('error', (err) => setError(`Cannot play: ${err.message}`)),
    ];
    void surfer.load(loaded.blobUrl, [loaded.samples], loaded.durationS).catch((err: Error) => setError(`Cannot load the recording: ${err.message}`));
    return () => {
      for (const off of offs) off();
      ws.current = null;
      regionsRef.current = null;
      setReady(false);
      setPlaying(false);
      surfer.destroy();
      // wavesurfer leaves a media element it was given alone: stop its loading (it reads a blob
      // URL in ranges) before the URL is revoked, or it logs a failed load.
      media.pause();
      media.removeAttribute('src');
      media.load();
      // Only now that nothing plays it any more (its markers change while it records: not a reason).
      URL.revokeObjectURL(loaded.blobUrl);
    };
  }, [loaded]);

  // Markers arrive while the alert records; the regions follow without reloading the audio.
  const markersKey = JSON.stringify(recording.markers);
  useEffect(() => {
    const regions = regionsRef.current;
    if (!ready || !regions) return;
    const colours = markerColours();
    regions.clearRegions();
    for (const m of JSON.parse(markersKey) as AlertRecording['markers']) {
      const colour = colours[m.kind] ?? '#888888';
      regions.addRegion({
        start: m.startS,
        end: m.endS ?? m.startS,
        color: m.endS === null || m.endS === m.startS ? colour : translucent(colour, 0.2),
        content: MARKER_LABEL[m.kind] ?? m.kind,
        drag: false,
        resize: false,
      });
    }
    setRegionCount(regions.getRegions().length);
  }, [ready, markersKey]);

  useEffect(() => {
    if (ready) ws.current?.zoom(ZOOMS[zoom]!);
  }, [zoom, ready]);

  const toggle = (): void => {
    ws.current?.playPause().catch((err: Error) => setError(`Cannot play: ${err.message}`));
  };

  const jump = (s: number): void => {
    ws.current?.setTime(s);
    setPosition(s);
  };

  const onKey = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    const surfer = ws.current;
    if (!surfer || !ready) return;
    const step = e.shiftKey ? 5 : 1;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => surfer.skip(-step),
      ArrowRight: () => surfer.skip(step),
      Home: () => surfer.setTime(0),
      End: () => surfer.setTime(surfer.getDuration()),
      ' ': toggle,
      '+': () => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1)),
      '=': () => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1)),
      '-': () => setZoom((z) => Math.max(0, z - 1)),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
    setPosition(surfer.getCurrentTime());
  };

  const total = loaded?.durationS ?? recording.durationS;
  return (
    <div className="alert-audio-wrap">
      <div
        className="alert-audio"
        ref={box}
        data-testid={`alert-audio-${alertId}`}
        data-state={error ? 'error' : ready ? 'ready' : 'loading'}
        data-player="wavesurfer"
        data-regions={regionCount}
        data-position={position.toFixed(2)}
      >
        <button type="button" onClick={toggle} disabled={!ready} aria-label={playing ? 'Pause recording' : 'Play recording'}>
          {playing ? '❚❚' : '▶'}
        </button>
        <div
          ref={waveBox}
          className="alert-audio-wave"
          tabIndex={0}
          role="slider"
          aria-label="Recording position: arrows seek, + and - zoom, space plays"
          aria-valuemin={0}
          aria-valuemax={Math.round(total ?? 0)}
          aria-valuenow={Math.round(position)}
          onKeyDown={onKey}
          data-testid={`alert-wave-${alertId}`}
        />
        <span className="mono small">
          {mmss(position)} / {total === null ? '…' : mmss(total)}
          {!recording.complete && ' (still recording)'}
          {recording.cutShort && ' (cut short: the console stopped while recording)'}
        </span>
        {error && <span className="error-text">{error}</span>}
      </div>
      <span className="alert-audio-tools small">
          <span className="alert-audio-zoom" data-testid={`alert-zoom-${alertId}`}>
            <button type="button" className="small" aria-label="Zoom out" disabled={!ready || zoom === 0} onClick={() => setZoom((z) => Math.max(0, z - 1))}>
              −
            </button>
            <button type="button" className="small" aria-label="Zoom in" disabled={!ready || zoom === ZOOMS.length - 1} onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))}>
              +
            </button>
          </span>
      </span>
      {recording.markers.length > 0 && (
        <span className="wave-markers small">
          {markerGroups(recording.markers).map((g) => (
            <button
              type="button"
              key={g.kind}
              className={`marker-link marker-${g.kind}`}
              disabled={!ready}
              title={`Play from the ${MARKER_LABEL[g.kind] ?? g.kind}${g.count > 1 ? ` (the first of ${g.count})` : ''}`}
              onClick={() => jump(g.startS)}
            >
              {MARKER_LABEL[g.kind] ?? g.kind}
              {g.count > 1 ? ` ×${g.count}` : ''} {mmss(g.startS)}
            </button>
          ))}
        </span>
      )}
    </div>
  );
}
