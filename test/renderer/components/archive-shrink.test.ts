import { describe, expect, it } from 'vitest';
import type { SettingsPatch } from '../../../electron/contract';
import { defaultSettings } from '../../../electron/engine/settings-store';
import { archiveShrinkWarning } from '../../../renderer/src/components/archive-shrink';

const saved = defaultSettings();
const patch = (archive: Partial<typeof saved.archive>): SettingsPatch => ({ archive: { ...saved.archive, ...archive } }) as SettingsPatch;

describe('archiveShrinkWarning (Save asks first when it would delete archived audio)', () => {
  it('names a lowered age limit and a lowered size limit, with the old values', () => {
    expect(archiveShrinkWarning(saved, patch({ maxAgeDays: 0.7 }))).toBe(
      `Saving deletes archived audio older than 0.7 days (now ${saved.archive.maxAgeDays}) now, except alert audio of the last 90 days`,
    );
    const both = archiveShrinkWarning(saved, patch({ maxAgeDays: 1, maxTotalMB: 512 }));
    expect(both).toMatch(/older than 1 days .* and the oldest archived audio beyond 512 MB \(now 5 GB\)/);
  });

  it('says nothing when no limit goes down, or when the archive is off', () => {
    expect(archiveShrinkWarning(saved, patch({}))).toBeNull();
    expect(archiveShrinkWarning(saved, patch({ maxAgeDays: 30, maxTotalMB: 10_240, bitrateKbps: 16 }))).toBeNull();
    expect(archiveShrinkWarning({ ...saved, archive: { ...saved.archive, enabled: false } }, patch({ maxAgeDays: 1 }))).toBeNull();
    expect(archiveShrinkWarning(saved, { stationName: 'x' } as SettingsPatch)).toBeNull();
  });
});
