import { afterEach, describe, expect, it } from 'vitest';
import { ListenHub } from '../../../electron/engine/listen/listen-hub';
import { startTestEngine, type TestEngine } from '../../helpers/engine';
import { waitFor } from '../../helpers/wait';

const DEMO = { id: 'demo', name: 'Demo', uri: 'demo:?every=0', priority: 10, enabled: true };

/** Blocks a listener received, with their bus positions, for continuity checks. */
function collector() {
  const blocks: Array<{ start: number; length: number }> = [];
  return { blocks, sink: (b: Int16Array, start: number) => blocks.push({ start, length: b.length }) };
}

describe('ListenHub on a real engine', () => {
  let te: TestEngine | undefined;
  afterEach(async () => {
    await te?.cleanup();
    te = undefined;
  });

  it('delivers contiguous bus PCM only while listening', async () => {
    te = await startTestEngine({ sources: [DEMO] });
    const engine = te.engine;
    const hub = new ListenHub({ lookup: (id) => engine.bus(id) });
    expect(hub.listen('nope', () => {}, () => {})).toBeNull();
    const c = collector();
    const listening = hub.listen('demo', c.sink, () => {});
    expect(listening).not.toBeNull();
    expect(hub.listeners()).toBe(1);
    await waitFor('10 PCM blocks from the demo source', () => (c.blocks.length >= 10 ? true : null), 10_000);
    for (let i = 1; i < c.blocks.length; i++) expect(c.blocks[i]!.start).toBe(c.blocks[i - 1]!.start + c.blocks[i - 1]!.length);
    listening!.stop();
    listening!.stop();
    expect(hub.listeners()).toBe(0);
    const seen = c.blocks.length;
    // A stopped listener gets nothing more, whoever else listens.
    const other = collector();
    const probe = hub.listen('demo', other.sink, () => {});
    await waitFor('PCM for a second listener', () => (other.blocks.length >= 3 ? true : null), 10_000);
    probe!.stop();
    expect(c.blocks.length).toBe(seen);
  });

  it('follows a source whose pipeline a settings change replaced, and ends when it is removed', async () => {
    te = await startTestEngine({ sources: [DEMO] });
    const engine = te.engine;
    const hub = new ListenHub({ lookup: (id) => engine.bus(id), recheckMs: 50, graceMs: 2000 });
    const c = collector();
    let ended = 0;
    const listening = hub.listen('demo', c.sink, () => ended++);
    await waitFor('PCM before the change', () => (c.blocks.length >= 3 ? true : null), 10_000);
    const first = engine.bus('demo');
    await engine.call('settings.update', { sources: [{ ...DEMO, uri: 'demo:?every=0&first=0' }] });
    await waitFor('a new pipeline for the demo source', () => (engine.bus('demo') && engine.bus('demo') !== first ? true : null), 10_000);
    const at = c.blocks.length;
    await waitFor('PCM from the new pipeline', () => (c.blocks.length >= at + 3 ? true : null), 10_000);
    expect(ended).toBe(0);

    await engine.call('settings.update', { sources: [{ ...DEMO, id: 'other' }] });
    await waitFor('the listener told that its source ended', () => (ended === 1 ? true : null), 10_000);
    expect(hub.listeners()).toBe(0);
    listening!.stop();
    expect(hub.listeners()).toBe(0);
  });
});
