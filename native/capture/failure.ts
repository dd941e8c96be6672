/**
 * A named capture failure from the native layer: `code` for programs, `message` for people,
 * `hint` saying what to do. Engine adapters turn it into a CaptureError one to one; the
 * native layer does not import the engine.
 */
export class CaptureFailure extends Error {
  readonly code: string;
  readonly hint: string;
  /** False when retrying cannot help (wrong configuration, missing program). */
  readonly retryable: boolean;
  constructor(code: string, message: string, hint: string, retryable = true) {
    super(message);
    this.name = 'CaptureFailure';
    this.code = code;
    this.hint = hint;
    this.retryable = retryable;
  }
}
