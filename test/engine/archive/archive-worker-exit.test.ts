import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArchiveStatus } from '../../../electron/contract';
import { SourcePipeline } from '../../../electron/engine/pipeline/source-pipeline';
import { waitFor } from '../../helpers/wait';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a source worker that exits', () => {
  it('leaves its archive idle through the restart backoff, not "recording"', async () => {
    const root = mkdtempSync(join(tmpdir(), 'eas-archive-exit-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const pipeline = new SourcePipeline({ id: 'demo', name: 'Demo', uri: 'demo:?first=600&every=0', priority: 0, enabled: true });
    pipeline.archive = { root, bitrateKbps: 24, segmentSeconds: 2, minFreeBytes: 0 };
    const seen: ArchiveStatus[] = [];
    pipeline.on('archive', (s) => seen.push(s));
    cleanups.push(() => pipeline.stop());
    pipeline.start();
    await waitFor('the archive to record', () => seen.at(-1)?.state === 'recording', 20_000);
    // The worker dies the way a crash ends it: no goodbye from its recorder.
    const worker = (pipeline as unknown as { worker: Worker }).worker;
    await worker.terminate();
    await waitFor('the pipeline to report the worker exit', () => pipeline.state === 'retrying' && pipeline.error?.code === 'worker_exit', 5000);
    expect(seen.at(-1)).toEqual({ state: 'idle', error: null });
  });
});
