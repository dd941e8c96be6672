import type { CaptureErrorCode } from '../../electron/contract/error-codes';
import { FfmpegMissingError } from '../ffmpeg-path';

export type { CaptureErrorCode };

/**
 * A source failure the user can act on: `code` for programs (the table and its meanings are
 * in electron/contract/error-codes.ts), `message` for people, `hint` saying what to do. The
 * native layer throws it (AlsaError, StreamError and the RTL errors are this class) and the
 * engine's adapters and worker handle it, so it lives here, below both.
 */
export class CaptureError extends Error {
  readonly code: CaptureErrorCode;
  readonly hint: string;
  /**
   * False when trying again at once cannot help (a missing file or program, a URL that serves
   * a web page): something outside must change first, so the pipeline retries slowly instead
   * of backing off. Either way it is retried; only an invalid URI (bad_config) is final.
   */
  readonly retryable: boolean;
  constructor(code: CaptureErrorCode, message: string, hint: string, retryable = true) {
    super(message);
    this.name = 'CaptureError';
    this.code = code;
    this.hint = hint;
    this.retryable = retryable;
  }
}

export const FFMPEG_MISSING_HINT = 'reinstall the app or set EAS_FFMPEG';

/**
 * Any error out of a capture as a CaptureError: a named one as it is, a missing ffmpeg as
 * ffmpeg_missing (retried slowly), and anything else as what `otherwise` makes of its message.
 */
export function toCaptureError(err: unknown, otherwise: (message: string) => CaptureError): CaptureError {
  if (err instanceof CaptureError) return err;
  if (err instanceof FfmpegMissingError) return new CaptureError('ffmpeg_missing', err.message, FFMPEG_MISSING_HINT, false);
  return otherwise(err instanceof Error ? err.message : String(err));
}
