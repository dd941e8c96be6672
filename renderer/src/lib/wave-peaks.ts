/**
 * Min/max pairs of `samples` in `buckets` columns: out[2k] is column k's minimum, out[2k+1] its
 * maximum. Enough to draw a waveform at any width up to `buckets` pixels.
 */
export function wavePeaks(samples: Float32Array, buckets: number): Float32Array {
  const out = new Float32Array(buckets * 2);
  const n = samples.length;
  if (n === 0) return out;
  for (let k = 0; k < buckets; k++) {
    const from = Math.floor((k * n) / buckets);
    const to = Math.max(from + 1, Math.floor(((k + 1) * n) / buckets));
    let lo = 0;
    let hi = 0;
    for (let i = from; i < to && i < n; i++) {
      const v = samples[i]!;
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    out[2 * k] = lo;
    out[2 * k + 1] = hi;
  }
  return out;
}

/** Draws peaks as vertical bars; columns left of `progress` (0..1) in `played`, the rest in `rest`. */
export function drawPeaks(canvas: HTMLCanvasElement, peaks: Float32Array, progress: number, played: string, rest: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const buckets = peaks.length / 2;
  if (buckets === 0) return;
  const mid = h / 2;
  const split = Math.round(progress * w);
  for (let x = 0; x < w; x++) {
    const k = Math.min(buckets - 1, Math.floor((x * buckets) / w));
    const lo = peaks[2 * k]!;
    const hi = peaks[2 * k + 1]!;
    ctx.fillStyle = x < split ? played : rest;
    const top = mid - hi * mid;
    ctx.fillRect(x, top, 1, Math.max(1, (hi - lo) * mid));
  }
}

/** A recording marker as a span in seconds (endS null: an instant). */
export interface WaveMarker {
  kind: string;
  startS: number;
  endS: number | null;
}

/** Shades each marker's span (a thin line for an instant) over an already drawn waveform. */
export function drawMarkers(canvas: HTMLCanvasElement, markers: readonly WaveMarker[], durationS: number, colours: Record<string, string>): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || durationS <= 0) return;
  const w = canvas.width;
  const h = canvas.height;
  for (const m of markers) {
    const colour = colours[m.kind] ?? '#ffffff';
    const x0 = Math.round((m.startS / durationS) * w);
    const x1 = m.endS === null ? x0 + 2 : Math.max(x0 + 2, Math.round((m.endS / durationS) * w));
    ctx.globalAlpha = 0.25;
    ctx.fillStyle = colour;
    ctx.fillRect(x0, 0, x1 - x0, h);
    ctx.globalAlpha = 1;
    ctx.fillRect(x0, 0, 2, h);
  }
  ctx.globalAlpha = 1;
}
