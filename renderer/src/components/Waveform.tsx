import { useEffect, useRef } from 'react';
import { cssVar, fitCanvas } from '../lib/canvas';
import { onAnimationFrame } from '../lib/frame-loop';
import { HISTORY_MS, levelHistory } from '../lib/level-history';

/** No frame for this long: the card says so instead of showing a frozen waveform. */
const STALE_MS = 1500;

/**
 * The last ~5 s of a source as a scrolling min/max waveform, newest at the right. Drawn in
 * requestAnimationFrame straight from the level history, so 30 frames/s never touch React.
 */
export function Waveform({ sourceId, program }: { sourceId: string; program: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const wave = cssVar(program ? '--wave-program' : '--wave', program ? '#33d1ff' : '#7f9cc0');
    const grid = cssVar('--grid', '#233040');
    const muted = cssVar('--muted', '#8b98a5');
    // Per-column min/max, reused across frames: no allocation in the draw loop.
    let colMin = new Float32Array(0);
    let colMax = new Float32Array(0);
    const unfit = fitCanvas(canvas);

    const draw = (now: number): void => {
      const w = canvas.width;
      const h = canvas.height;
      if (colMin.length !== w) {
        colMin = new Float32Array(w);
        colMax = new Float32Array(w);
      }
      colMin.fill(2);
      colMax.fill(-2);
      ctx.clearRect(0, 0, w, h);
      const mid = h / 2;
      ctx.fillStyle = grid;
      ctx.fillRect(0, Math.floor(mid), w, 1);

      const hist = levelHistory.get(sourceId);
      if (hist) {
        const pxPerMs = w / HISTORY_MS;
        for (const f of hist.frames) {
          const n = f.peaks.length >> 1;
          if (n === 0) continue;
          const start = f.at - f.span;
          const step = f.span / n;
          for (let i = 0; i < n; i++) {
            // Each pair covers its slice of time, however many pixels that is: sparse frames
            // (few pairs) still draw a continuous waveform, dense ones merge into a column.
            const x0 = Math.max(0, Math.floor(w - (now - (start + i * step)) * pxPerMs));
            const x1 = Math.min(w, Math.max(x0 + 1, Math.floor(w - (now - (start + (i + 1) * step)) * pxPerMs)));
            const lo = f.peaks[2 * i]!;
            const hi = f.peaks[2 * i + 1]!;
            for (let x = x0; x < x1; x++) {
              if (lo < colMin[x]!) colMin[x] = lo;
              if (hi > colMax[x]!) colMax[x] = hi;
            }
          }
        }
        ctx.fillStyle = wave;
        for (let x = 0; x < w; x++) {
          const hi = colMax[x]!;
          if (hi < -1.5) continue;
          const top = mid - hi * mid;
          const bottom = mid - colMin[x]! * mid;
          ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
        }
      }
      if (!hist || now - hist.lastAt > STALE_MS) {
        ctx.fillStyle = muted;
        ctx.font = `${Math.round(13 * (window.devicePixelRatio || 1))}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(hist ? 'no audio data for this source right now' : 'waiting for audio…', w / 2, mid - 12 * (window.devicePixelRatio || 1));
      }
    };
    const stop = onAnimationFrame(draw);
    return () => {
      stop();
      unfit();
    };
  }, [sourceId, program]);

  return <canvas ref={ref} className="waveform" data-testid={`waveform-${sourceId}`} aria-label="waveform, last 5 seconds" />;
}
