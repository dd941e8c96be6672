import { useEffect, useRef } from 'react';
import type { ArchiveTimeline } from '@contract';

interface Props {
  timeline: ArchiveTimeline;
  markers: Array<{ t: number; label: string }>;
  playheadMs: number | null;
  onSeek(t: number): void;
  /** An alert marker was picked (its reception time). */
  onMarker(t: number): void;
}

const HEIGHT = 80;

/** The kept audio of a range: RMS and peak per column, gaps shaded, alerts as red marks. */
export function TimelineCanvas({ timeline, markers, playheadMs, onSeek, onMarker }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const w = (c.width = c.clientWidth || 800);
    c.height = HEIGHT;
    const span = timeline.toMs - timeline.fromMs;
    const x = (t: number) => ((t - timeline.fromMs) / span) * w;
    g.clearRect(0, 0, w, HEIGHT);
    g.fillStyle = 'rgba(128,128,128,0.25)';
    for (const gap of timeline.gaps) g.fillRect(x(gap.fromMs), 0, Math.max(1, x(gap.toMs) - x(gap.fromMs)), HEIGHT);
    const n = timeline.peak.length;
    const col = w / n;
    for (let i = 0; i < n; i++) {
      const p = timeline.peak[i]!;
      const r = timeline.rms[i]!;
      if (p < 0) continue;
      const ph = (p / 255) * HEIGHT;
      const rh = (r / 255) * HEIGHT;
      g.fillStyle = '#4a7fb5';
      g.fillRect(i * col, (HEIGHT - ph) / 2, Math.max(1, col), ph);
      g.fillStyle = '#1f4e79';
      g.fillRect(i * col, (HEIGHT - rh) / 2, Math.max(1, col), rh);
    }
    g.fillStyle = '#d03030';
    for (const m of markers) if (m.t >= timeline.fromMs && m.t < timeline.toMs) g.fillRect(x(m.t) - 1, 0, 3, HEIGHT);
    if (playheadMs !== null) {
      g.fillStyle = '#f0c020';
      g.fillRect(x(playheadMs), 0, 2, HEIGHT);
    }
  }, [timeline, markers, playheadMs]);

  return (
    <div className="archive-timeline">
      <canvas
        ref={canvas}
        style={{ width: '100%', height: HEIGHT, cursor: 'pointer' }}
        data-testid="archive-timeline"
        onClick={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          onSeek(timeline.fromMs + ((e.clientX - rect.left) / rect.width) * (timeline.toMs - timeline.fromMs));
        }}
      />
      <div className="archive-markers small">
        {markers
          .filter((m) => m.t >= timeline.fromMs && m.t < timeline.toMs)
          .map((m, i) => (
            <button key={`${m.t}-${i}`} onClick={() => onMarker(m.t)} data-testid="archive-marker">
              {m.label} {new Date(m.t).toLocaleTimeString()}
            </button>
          ))}
      </div>
    </div>
  );
}
