import { readFileSync, statSync } from 'node:fs';

/**
 * Secrets for `serve` that need not appear in the process arguments, which every local
 * user can read (ps, /proc/PID/cmdline): the token from a file or EAS_TOKEN, stream
 * passwords from EAS_STREAM_PASSWORD. The environment is readable only by this user.
 */
export const TOKEN_ENV = 'EAS_TOKEN';
export const STREAM_PASSWORD_ENV = 'EAS_STREAM_PASSWORD';

export interface TokenChoice {
  /** null: none given, pick a random one. */
  token: string | null;
  from: 'argument' | 'file' | 'environment' | 'none';
  warnings: string[];
}

/** Below this a token can be guessed by anyone who may try it often enough. */
const SHORT_TOKEN = 16;

/** The token from --token, --token-file or EAS_TOKEN (in that order; two of them is an error). */
export function chooseToken(opts: { token?: string; tokenFile?: string; env?: NodeJS.ProcessEnv }): TokenChoice {
  const env = opts.env ?? process.env;
  const warnings: string[] = [];
  if (opts.token !== undefined && opts.tokenFile !== undefined) throw new Error('give either --token or --token-file, not both');
  let token: string;
  let from: TokenChoice['from'];
  if (opts.tokenFile !== undefined) {
    token = readTokenFile(opts.tokenFile, warnings);
    from = 'file';
  } else if (opts.token !== undefined) {
    token = opts.token;
    from = 'argument';
    warnings.push(`--token is visible to every user of this machine in the process list; use --token-file FILE or ${TOKEN_ENV} instead`);
  } else if (env[TOKEN_ENV] !== undefined) {
    token = env[TOKEN_ENV]!;
    from = 'environment';
  } else {
    return { token: null, from: 'none', warnings };
  }
  const where = from === 'file' ? `the token in ${opts.tokenFile}` : from === 'argument' ? '--token' : TOKEN_ENV;
  if (token === '') throw new Error(`${where} is empty`);
  // The token travels in an Authorization header and a cookie, where these cannot go unescaped.
  if (/\s/.test(token) || [...token].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw new Error(`${where} contains spaces or control characters`);
  if (token.length < SHORT_TOKEN) warnings.push(`${where} is shorter than ${SHORT_TOKEN} characters and could be guessed; leave it out for a random one`);
  return { token, from, warnings };
}

function readTokenFile(file: string, warnings: string[]): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--token-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    if (statSync(file).mode & 0o077) warnings.push(`--token-file ${file} can be read by other users; chmod 600 it`);
  } catch {
    /* read already worked; the mode is advice only */
  }
  // One line as editors and `echo` write it; anything after the first line is not the token.
  return text.split(/\r?\n/, 1)[0]!.trim();
}

/**
 * `icecast://source:@host:port/mount` (an empty password) takes EAS_STREAM_PASSWORD, so the
 * password stays out of the arguments. Other URIs come back as given.
 */
export function fillStreamPassword(uri: string, env: NodeJS.ProcessEnv = process.env): string {
  const m = /^(icecasts?:\/\/[^/@:?#\s]*):@/i.exec(uri.trim());
  if (!m) return uri;
  const pw = env[STREAM_PASSWORD_ENV];
  if (pw === undefined || pw === '') {
    throw new Error(`the password is empty: put it in ${STREAM_PASSWORD_ENV} (the URI's empty password takes it from there) or in the URI`);
  }
  return `${m[1]}:${encodeURIComponent(pw)}@${uri.trim().slice(m[0].length)}`;
}

/** Read once at start; children (the terminal's shell, ffmpeg, workers) must not inherit them. */
export function scrubSecretEnv(env: NodeJS.ProcessEnv = process.env): void {
  delete env[TOKEN_ENV];
  delete env[STREAM_PASSWORD_ENV];
}
