import type { IcecastErrorCode } from '../../electron/contract/error-codes';

export type { IcecastErrorCode };

/**
 * Named failures of the Icecast server side (managed server, stats, admin). Each message says
 * what to do; none carries a password (messages are built from redacted text only). The codes
 * and their meanings are listed in electron/contract/error-codes.ts.
 */
export class IcecastError extends Error {
  readonly code: IcecastErrorCode;
  /** False when retrying the same request cannot help (wrong password, missing binary). */
  readonly retryable: boolean;
  constructor(code: IcecastErrorCode, message: string, retryable: boolean) {
    super(message);
    this.name = 'IcecastError';
    this.code = code;
    this.retryable = retryable;
  }
}

export class IcecastNotInstalledError extends IcecastError {
  constructor(detail?: string) {
    super('not_installed', `Icecast is not installed: apt-get install icecast2${detail ? ` (${detail})` : ''}`, false);
    this.name = 'IcecastNotInstalledError';
  }
}

export class IcecastStartError extends IcecastError {
  /** The server's own last words (stderr + error.log tail), redacted. */
  readonly logTail: string;
  constructor(message: string, logTail: string) {
    super('start_failed', message, true);
    this.name = 'IcecastStartError';
    this.logTail = logTail;
  }
}

export class IcecastAuthError extends IcecastError {
  constructor(what: string) {
    super(
      'unauthorized',
      `${what}: Icecast answered 401, the admin user or password is wrong. Check them against <admin-user> and <admin-password> in the server's icecast.xml (a managed server's are in the secret store).`,
      false,
    );
    this.name = 'IcecastAuthError';
  }
}

export class IcecastUnreachableError extends IcecastError {
  constructor(where: string, cause: string) {
    super('unreachable', `Icecast at ${where} is unreachable (${cause}). Check the host and port, and that the server is running.`, true);
    this.name = 'IcecastUnreachableError';
  }
}

export class NotIcecastError extends IcecastError {
  constructor(where: string, detail: string) {
    super('not_icecast', `The server at ${where} does not look like Icecast (${detail}). Check the host and port: they may point at another service.`, false);
    this.name = 'NotIcecastError';
  }
}

/** Replaces every secret (and its URL-encoded form) with ***, longest first. */
export function redact(text: string, secrets: readonly (string | undefined | null)[]): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  let out = text;
  for (const s of [...forms].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}
