import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

/** What to do when no ffmpeg runs. */
export const FFMPEG_INSTALL_HINT = 'reinstall the app (npm ci restores the bundled ffmpeg) or set EAS_FFMPEG to an ffmpeg binary';

export class FfmpegMissingError extends Error {
  constructor(detail: string) {
    super(`ffmpeg not found (${detail}). Reinstall the app (npm ci restores the bundled ffmpeg) or set EAS_FFMPEG to an ffmpeg binary.`);
    this.name = 'FfmpegMissingError';
  }
}

/**
 * The ffmpeg to run: EAS_FFMPEG (or the settings override) first, then the bundled one from
 * @ffmpeg-installer. In a packaged app electron-builder puts it outside the asar archive.
 */
export function ffmpegPath(override?: string | null, from: string = import.meta.url): string {
  const chosen = override || process.env.EAS_FFMPEG;
  if (chosen) {
    if (!existsSync(chosen)) throw new FfmpegMissingError(`configured path ${chosen} does not exist`);
    return chosen;
  }
  let bundled: string;
  try {
    // `from` is where the package is resolved from (this module; a test passes a simulated app.asar).
    bundled = (createRequire(from)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (err) {
    throw new FfmpegMissingError(`@ffmpeg-installer/ffmpeg did not load: ${(err as Error).message}`);
  }
  const unpacked = bundled.replace(`app.asar${'/'}`, `app.asar.unpacked/`);
  if (existsSync(unpacked)) return unpacked;
  throw new FfmpegMissingError(`bundled binary missing at ${bundled}`);
}
