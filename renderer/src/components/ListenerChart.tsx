import { useEffect, useRef } from 'react';
import type { ListenerSeries } from '@contract';
import { cssVar, fitCanvas } from '../lib/canvas';

/**
 * A mount's listeners over 24 h on a canvas (no chart library: nothing that needs inline
 * styles or eval). Unknown minutes are gaps. `compact` is the tile's sparkline: no axis text.
 */
export function ListenerChart({ series, compact = false }: { series: ListenerSeries; compact?: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const known = series.samples.filter((s) => s.listeners !== null).length;

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const draw = (): void => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const { width: w, height: h } = canvas;
      ctx.clearRect(0, 0, w, h);
      const samples = series.samples;
      if (samples.length === 0) return;
      const dpr = window.devicePixelRatio || 1;
      const pad = compact ? 2 * dpr : 14 * dpr;
      const top = Math.max(1, series.peak ?? 0, ...samples.map((s) => s.listeners ?? 0));
      const t0 = samples[0]!.at;
      const span = Math.max(1, samples[samples.length - 1]!.at - t0);
      const x = (at: number): number => pad + ((at - t0) / span) * (w - 2 * pad);
      const y = (n: number): number => h - pad - (n / top) * (h - 2 * pad);
      if (!compact) {
        ctx.strokeStyle = cssVar('--border', '#2a3441');
        ctx.lineWidth = dpr;
        ctx.beginPath();
        ctx.moveTo(pad, y(0));
        ctx.lineTo(w - pad, y(0));
        ctx.stroke();
        ctx.fillStyle = cssVar('--muted', '#8b98a5');
        ctx.font = `${10 * dpr}px sans-serif`;
        ctx.fillText(String(top), 0, pad + 3 * dpr);
        ctx.fillText('0', 0, y(0));
      }
      ctx.strokeStyle = cssVar('--accent', '#3b82f6');
      ctx.lineWidth = (compact ? 1.5 : 2) * dpr;
      ctx.beginPath();
      let pen = false;
      for (const s of samples) {
        if (s.listeners === null) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(x(s.at), y(s.listeners));
        else ctx.moveTo(x(s.at), y(s.listeners));
        pen = true;
      }
      ctx.stroke();
    };
    const unfit = fitCanvas(canvas, draw);
    draw();
    return unfit;
  }, [series, compact]);

  return (
    <canvas
      ref={ref}
      className={compact ? 'listener-sparkline' : 'listener-chart'}
      data-testid={`listener-chart-${series.mount}`}
      data-points={known}
      aria-label={`Listeners on ${series.mount} over 24 h: peak ${series.peak ?? 'unknown'}, now ${series.current ?? 'unknown'}`}
      role="img"
    />
  );
}
