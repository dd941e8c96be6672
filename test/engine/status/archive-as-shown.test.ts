import { describe, expect, it } from 'vitest';
import { archiveAsShown } from '../../../electron/engine/status/status-view';

describe('the archive state a source tile shows', () => {
  it('says recording only while the source delivers audio (silence is audio too)', () => {
    const recording = { state: 'recording', error: null } as const;
    expect(archiveAsShown(recording, 'running')).toEqual(recording);
    expect(archiveAsShown(recording, 'silent')).toEqual(recording);
    for (const s of ['stalled', 'retrying', 'failed', 'starting', 'stopped'] as const) {
      expect(archiveAsShown(recording, s), s).toEqual({ state: 'idle', error: null });
    }
  });

  it('keeps a pause and its reason whatever the source does', () => {
    const paused = { state: 'paused', error: { code: 'archive_disk_full', message: 'disk full' } } as const;
    expect(archiveAsShown(paused as never, 'stalled')).toEqual(paused);
  });
});
