import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_SETTINGS, type ArchiveSettings, type SourceConfig } from '../../../electron/contract';
import type { Engine } from '../../../electron/engine/engine';
import { startTestEngine, type TestEngine } from '../../helpers/engine';
import { waitFor } from '../../helpers/wait';

/** A source as `serve --source demo:` registers it: pinned to this run, not in the settings. */
const PINNED: SourceConfig = { id: 'src1', name: 'demo 1', uri: 'demo:?first=600&every=0', priority: 100, enabled: true };
const ARCHIVE: ArchiveSettings = { ...DEFAULT_ARCHIVE_SETTINGS, segmentSeconds: 2, bitrateKbps: 32 };

let te: TestEngine | null = null;
afterEach(async () => {
  await te?.cleanup();
  te = null;
});

async function archiveState(engine: Engine): Promise<string | undefined> {
  return (await engine.call('sources.list', {})).find((s) => s.id === PINNED.id)?.archive?.state;
}

/** Bytes per second of the closed segments that started after `fromMs`, once there are `n`. */
async function bytesPerSecond(engine: Engine, fromMs: number, n: number): Promise<number> {
  const segs = await waitFor(`${n} closed segments of the pinned source after ${new Date(fromMs).toISOString()}`, async () => {
    const tl = await engine.call('archive.timeline', { sourceId: PINNED.id, fromMs, toMs: Date.now() + 1000 });
    const closed = tl.segments.filter((s) => s.state === 'closed' && s.startUtcMs >= fromMs);
    return closed.length >= n ? closed : null;
  }, 30_000);
  const bytes = segs.reduce((a, s) => a + s.bytes, 0);
  const seconds = segs.reduce((a, s) => a + s.durationMs, 0) / 1000;
  return bytes / seconds;
}

describe('archive settings reach sources given on the command line', () => {
  it('turns the archive of a --source off and on and changes its bit rate without a restart', async () => {
    te = await startTestEngine({ sources: [], archive: ARCHIVE }, { extraSources: [PINNED] });
    const engine = te.engine;
    await waitFor('the pinned source to record', async () => (await archiveState(engine)) === 'recording', 20_000);
    const at32 = await bytesPerSecond(engine, Date.now(), 2);

    await engine.call('settings.update', { archive: { ...ARCHIVE, enabled: false } });
    await waitFor('the pinned source archive to be off', async () => (await archiveState(engine)) === 'off', 10_000);
    const samplesOff = (await engine.call('sources.list', {})).find((s) => s.id === PINNED.id)!.samples;

    await engine.call('settings.update', { archive: { ...ARCHIVE, bitrateKbps: 16 } });
    await waitFor('the pinned source to record again', async () => (await archiveState(engine)) === 'recording', 10_000);
    const on16 = Date.now();
    expect(engine.bus(PINNED.id)?.archive?.bitrateKbps).toBe(16);
    const at16 = await bytesPerSecond(engine, on16, 2);
    // The worker encodes at the new rate (VBR: not exactly half, but clearly less).
    expect(at16).toBeLessThan(at32 * 0.75);
    const status = (await engine.call('sources.list', {})).find((s) => s.id === PINNED.id)!;
    // The same worker, no restart: its sample count went on from where it was.
    expect(status.state).toBe('running');
    expect(status.samples).toBeGreaterThan(samplesOff);
    expect(status.error).toBeNull();
  }, 90_000);
});
