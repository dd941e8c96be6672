import { ContractError, type Settings } from '../contract';
import { checkFfmpegBinary } from '../../native/ffmpeg-check';
import type { Logger } from './log';

/**
 * The ffmpegPath part of settings.update: a new path must name a real ffmpeg before it is
 * saved (it runs for every source and stream on the next start), and every change is logged
 * so an operator can see who pointed the station at another binary, and when.
 */
export async function checkFfmpegPathChange(patch: unknown, before: Settings): Promise<void> {
  const next = ffmpegPathIn(patch);
  if (typeof next !== 'string' || next === before.ffmpegPath) return;
  const r = await checkFfmpegBinary(next);
  if (!r.ok) throw new ContractError('invalid_settings', `ffmpegPath: ${r.reason}`, 'ffmpegPath');
}

export function logFfmpegPathChange(log: Logger, before: Settings, after: Settings): void {
  if (before.ffmpegPath === after.ffmpegPath) return;
  log.warn(
    { from: before.ffmpegPath ?? 'bundled', to: after.ffmpegPath ?? 'bundled' },
    'settings: ffmpegPath changed; the new ffmpeg runs from the next start',
  );
}

function ffmpegPathIn(patch: unknown): unknown {
  return patch && typeof patch === 'object' && 'ffmpegPath' in patch ? (patch as { ffmpegPath: unknown }).ffmpegPath : undefined;
}
