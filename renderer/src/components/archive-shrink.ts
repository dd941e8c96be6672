import type { Settings as SettingsT, SettingsPatch } from '../../../electron/contract';

/**
 * What saving `patch` deletes from the archive at once, in words, or null when it lowers no
 * limit: retention runs on save, so a typo ("0.7" for "7" days) would otherwise take six days
 * of audio with one click. Alert audio of the last 90 days is kept whatever the limits.
 */
export function archiveShrinkWarning(saved: SettingsT, patch: SettingsPatch): string | null {
  // The patch's archive is checked by the engine (unknown in the patch type); fromDraft built it whole.
  const next = patch.archive as Partial<SettingsT['archive']> | undefined;
  if (!next || !saved.archive.enabled) return null;
  const parts: string[] = [];
  if (next.maxAgeDays !== undefined && next.maxAgeDays < saved.archive.maxAgeDays) {
    parts.push(`archived audio older than ${next.maxAgeDays} days (now ${saved.archive.maxAgeDays})`);
  }
  if (next.maxTotalMB !== undefined && next.maxTotalMB < saved.archive.maxTotalMB) {
    parts.push(`the oldest archived audio beyond ${mbText(next.maxTotalMB)} (now ${mbText(saved.archive.maxTotalMB)})`);
  }
  if (parts.length === 0) return null;
  return `Saving deletes ${parts.join(' and ')} now, except alert audio of the last 90 days`;
}

const mbText = (mb: number): string => (mb >= 1024 ? `${Math.round((mb / 1024) * 1000) / 1000} GB` : `${mb} MB`);
