import { useEffect, useRef } from 'react';
import { cssVar, fitCanvas } from '../lib/canvas';
import { db } from '../lib/format';
import { onAnimationFrame } from '../lib/frame-loop';
import { levelHistory } from '../lib/level-history';

const FLOOR_DB = -60;
const TICKS = [-60, -48, -36, -24, -18, -12, -6, 0];
const HOLD_MS = 1500;
const STALE_MS = 1500;

const pos = (dbValue: number): number => Math.min(1, Math.max(0, (dbValue - FLOOR_DB) / -FLOOR_DB));

/**
 * Peak and RMS in dBFS on a -60..0 scale, with a peak hold. The numbers are also written to
 * data-rms-db / data-peak-db so tests and monitoring scrapers can read them off the page.
 */
export function LevelMeter({ sourceId, initialPeakDb, initialRmsDb }: { sourceId: string; initialPeakDb: number | null; initialRmsDb: number | null }) {
  const box = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rmsText = useRef<HTMLSpanElement>(null);
  const peakText = useRef<HTMLSpanElement>(null);
  const initial = useRef({ peak: initialPeakDb, rms: initialRmsDb });
  initial.current = { peak: initialPeakDb, rms: initialRmsDb };

  useEffect(() => {
    const canvas = canvasRef.current;
    const el = box.current;
    if (!canvas || !el) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const colors = {
      green: cssVar('--green', '#2ecc71'),
      amber: cssVar('--amber', '#f5a623'),
      red: cssVar('--red', '#ff4d4f'),
      track: cssVar('--meter-track', '#1b2531'),
      hold: cssVar('--text', '#e6edf3'),
    };
    const unfit = fitCanvas(canvas);
    let holdDb = -Infinity;
    let holdAt = 0;
    let shownRms = '';
    let shownPeak = '';

    const zoneColor = (d: number): string => (d >= -6 ? colors.red : d >= -18 ? colors.amber : colors.green);

    const draw = (now: number): void => {
      const hist = levelHistory.get(sourceId);
      const stale = !hist || now - hist.lastAt > STALE_MS;
      const peak = hist ? hist.peakDb : initial.current.peak;
      const rms = hist ? hist.rmsDb : initial.current.rms;
      if (peak !== null && (peak >= holdDb || now - holdAt > HOLD_MS)) {
        holdDb = peak;
        holdAt = now;
      }

      const w = canvas.width;
      const h = canvas.height;
      ctx.clearRect(0, 0, w, h);
      // Dim zones show where the colours change even when the meter is idle.
      ctx.globalAlpha = 1;
      ctx.fillStyle = colors.track;
      ctx.fillRect(0, 0, w, h);
      const barH = Math.round(h * 0.9);
      const y = Math.round((h - barH) / 2);
      ctx.globalAlpha = stale ? 0.35 : 1;
      if (peak !== null) {
        // Peak: a lighter bar behind the RMS bar.
        ctx.globalAlpha = (stale ? 0.35 : 1) * 0.45;
        fillZones(ctx, w, y, barH, pos(peak), colors);
      }
      if (rms !== null) {
        ctx.globalAlpha = stale ? 0.35 : 1;
        fillZones(ctx, w, y, barH, pos(rms), colors);
      }
      if (Number.isFinite(holdDb) && holdDb > FLOOR_DB) {
        ctx.globalAlpha = stale ? 0.35 : 1;
        ctx.fillStyle = zoneColor(holdDb) === colors.red ? colors.red : colors.hold;
        const x = Math.min(w - 2, Math.round(pos(holdDb) * w));
        ctx.fillRect(x, 0, Math.max(2, Math.round(w / 400)), h);
      }
      ctx.globalAlpha = 1;

      const r = db(rms);
      const p = db(peak);
      if (r !== shownRms) {
        shownRms = r;
        if (rmsText.current) rmsText.current.textContent = r;
        el.dataset.rmsDb = rms === null ? '' : rms.toFixed(2);
      }
      if (p !== shownPeak) {
        shownPeak = p;
        if (peakText.current) peakText.current.textContent = p;
        el.dataset.peakDb = peak === null ? '' : peak.toFixed(2);
      }
      el.dataset.stale = String(stale);
    };
    const stop = onAnimationFrame(draw);
    return () => {
      stop();
      unfit();
    };
  }, [sourceId]);

  return (
    <div className="meter" ref={box} data-testid={`level-meter-${sourceId}`}>
      <div className="meter-bar">
        <canvas ref={canvasRef} className="meter-canvas" aria-hidden="true" />
        <div className="meter-scale" aria-hidden="true">
          {TICKS.map((t) => (
            <span key={t} style={{ left: `${pos(t) * 100}%` }}>
              {t}
            </span>
          ))}
        </div>
      </div>
      <div className="meter-readout">
        <span className="meter-label">RMS</span>
        <span className="meter-value" ref={rmsText}>
          —
        </span>
        <span className="meter-label">PEAK</span>
        <span className="meter-value" ref={peakText}>
          —
        </span>
        <span className="meter-unit">dBFS</span>
      </div>
    </div>
  );
}

function fillZones(
  ctx: CanvasRenderingContext2D,
  w: number,
  y: number,
  h: number,
  fraction: number,
  colors: { green: string; amber: string; red: string },
): void {
  const end = fraction * w;
  const zones: Array<[number, number, string]> = [
    [0, pos(-18) * w, colors.green],
    [pos(-18) * w, pos(-6) * w, colors.amber],
    [pos(-6) * w, w, colors.red],
  ];
  for (const [a, b, c] of zones) {
    if (end <= a) break;
    ctx.fillStyle = c;
    ctx.fillRect(Math.round(a), y, Math.round(Math.min(b, end) - a), h);
  }
}
