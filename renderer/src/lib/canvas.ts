/**
 * Keeps a canvas's backing store at its CSS size times devicePixelRatio, so lines stay sharp
 * on HiDPI screens; returns a cleanup function.
 */
export function fitCanvas(canvas: HTMLCanvasElement, onResize?: () => void): () => void {
  const fit = (): void => {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      onResize?.();
    }
  };
  fit();
  const ro = new ResizeObserver(fit);
  ro.observe(canvas);
  return () => ro.disconnect();
}

/** Reads a CSS custom property once, so canvases use the same palette as the stylesheet. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}
