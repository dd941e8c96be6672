import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, waitFor, type TestEngine } from '../helpers/engine';

let te: TestEngine;

beforeAll(async () => {
  te = await startTestEngine({
    sources: [
      { id: 'demo', name: 'Demo', uri: 'demo:?first=1', priority: 1, enabled: true },
      { id: 'demo2', name: 'Demo 2', uri: 'demo:?first=2', priority: 2, enabled: true },
    ],
  });
  await waitFor('both demo sources running', () => te.engine.sourceStatuses().every((s) => s.state === 'running'));
});

afterAll(async () => {
  await te?.cleanup();
});

describe('engine event loop', () => {
  it('stays free while demo sources run (p99 delay < 100 ms; bench reports the real figure)', async () => {
    const h = monitorEventLoopDelay({ resolution: 10 });
    let levelEvents = 0;
    const onLevels = (): void => {
      levelEvents++;
    };
    te.engine.on('levels', onLevels);
    h.enable();
    // Long enough to include an encoded alert being generated and decoded (first=1 s).
    await new Promise((r) => setTimeout(r, 3000));
    h.disable();
    te.engine.off('levels', onLevels);
    const p99Ms = h.percentile(99) / 1e6;
    expect(levelEvents).toBeGreaterThan(20);
    expect(p99Ms).toBeLessThan(100);
  });
});
