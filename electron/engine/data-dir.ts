import { homedir } from 'node:os';
import { join } from 'node:path';

/** XDG data dir for settings, database and recordings: $XDG_DATA_HOME/eas-console. */
export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'eas-console');
}
