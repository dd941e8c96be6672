import { useEffect, useRef, useState } from 'react';
import type { AlertRecording } from '@contract';
import { useApi } from '../api/context';
import { cssVar, fitCanvas } from '../lib/canvas';
import { onAnimationFrame } from '../lib/frame-loop';
import { drawPeaks, wavePeaks } from '../lib/wave-peaks';

const BUCKETS = 800;

type Loaded = { peaks: Float32Array; durationS: number; blobUrl: string };

function mmss(s: number): string {
  const t = Math.max(0, Math.floor(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/**
 * Play control for an alert's recording: the WAV is fetched once (when the row scrolls into
 * view), decoded by the browser for the waveform, and played from a blob: URL so seeking needs
 * no range requests. A plain <audio> and our own canvas rather than wavesurfer.js: wavesurfer
 * puts an inline <style> in its shadow root, which the console's CSP (style-src 'self', no
 * nonces: the page is static) blocks.
 */
export function AlertAudio({ alertId, recording }: { alertId: string; recording: AlertRecording }) {
  const api = useApi();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const [visible, setVisible] = useState(false);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);

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
    (async () => {
      const res = await fetch(api.alertAudioUrl(alertId), { credentials: 'same-origin' });
      if (!res.ok) throw new Error(res.status === 404 ? 'the recording is gone from the data directory' : `HTTP ${res.status}`);
      const bytes = await res.arrayBuffer();
      if (cancelled) return;
      blobUrl = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
      // decodeAudioData detaches its input, so the blob above was made first.
      const ctx = new OfflineAudioContext(1, 1, 22050);
      const buf = await ctx.decodeAudioData(bytes);
      if (cancelled) return;
      setLoaded({ peaks: wavePeaks(buf.getChannelData(0), BUCKETS), durationS: buf.duration, blobUrl });
    })().catch((err: unknown) => {
      if (!cancelled) setError(`Cannot load the recording: ${err instanceof Error ? err.message : String(err)}`);
    });
    return () => {
      cancelled = true;
      if (blobUrl) URL.revokeObjectURL(blobUrl);
    };
  }, [api, alertId, visible]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !loaded) return;
    const played = cssVar('--wave-program', '#33d1ff');
    const rest = cssVar('--wave', '#7f9cc0');
    const draw = (): void => {
      const a = audio.current;
      const p = a && loaded.durationS > 0 ? a.currentTime / loaded.durationS : 0;
      drawPeaks(c, loaded.peaks, p, played, rest);
    };
    const unfit = fitCanvas(c, draw);
    draw();
    if (!playing) return unfit;
    const stop = onAnimationFrame(() => {
      draw();
      setPosition(audio.current?.currentTime ?? 0);
    });
    return () => {
      stop();
      unfit();
    };
  }, [loaded, playing]);

  const toggle = (): void => {
    const a = audio.current;
    if (!a) return;
    if (a.paused) a.play().catch((err: Error) => setError(`Cannot play: ${err.message}`));
    else a.pause();
  };

  const seek = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const a = audio.current;
    if (!a || !loaded) return;
    const r = e.currentTarget.getBoundingClientRect();
    a.currentTime = ((e.clientX - r.left) / r.width) * loaded.durationS;
    setPosition(a.currentTime);
    drawPeaks(e.currentTarget, loaded.peaks, a.currentTime / loaded.durationS, cssVar('--wave-program', '#33d1ff'), cssVar('--wave', '#7f9cc0'));
  };

  const total = loaded?.durationS ?? recording.durationS;
  return (
    <div className="alert-audio" ref={box} data-testid={`alert-audio-${alertId}`} data-state={error ? 'error' : loaded ? 'ready' : 'loading'}>
      <button type="button" onClick={toggle} disabled={!loaded} aria-label={playing ? 'Pause recording' : 'Play recording'}>
        {playing ? '❚❚' : '▶'}
      </button>
      <canvas ref={canvas} className="alert-audio-wave" onClick={seek} />
      <span className="mono small">
        {mmss(position)} / {total === null ? '…' : mmss(total)}
        {!recording.complete && ' (still recording or cut short)'}
      </span>
      {loaded && (
        <audio
          ref={audio}
          src={loaded.blobUrl}
          preload="auto"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPosition(0);
          }}
        />
      )}
      {error && <span className="error-text">{error}</span>}
    </div>
  );
}
