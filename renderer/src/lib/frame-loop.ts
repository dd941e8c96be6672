type Draw = (now: number) => void;

const draws = new Set<Draw>();
let handle = 0;

function tick(now: number): void {
  handle = 0;
  for (const d of draws) {
    try {
      d(now);
    } catch (err) {
      // One broken canvas must not freeze every meter on screen.
      console.warn('draw failed', err);
    }
  }
  if (draws.size > 0) handle = requestAnimationFrame(tick);
}

/** One requestAnimationFrame loop for every canvas on screen; runs only while someone draws. */
export function onAnimationFrame(draw: Draw): () => void {
  draws.add(draw);
  if (!handle) handle = requestAnimationFrame(tick);
  return () => {
    draws.delete(draw);
    if (draws.size === 0 && handle) {
      cancelAnimationFrame(handle);
      handle = 0;
    }
  };
}
