import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the engine keeps passwords (stream source passwords, a managed Icecast's passwords),
 * apart from the settings so that settings can be shown, exported and logged. Synchronous
 * because Electron's safeStorage is, and every implementation here is local.
 */
export interface SecretStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** The key of a stream's source password. */
export function streamPasswordKey(streamId: string): string {
  return `stream:${streamId}:password`;
}

/** For tests and for passwords given on the command line for one run (`serve --stream`). */
export class MemorySecretStore implements SecretStore {
  private readonly map = new Map<string, string>();
  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  set(key: string, value: string): void {
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/**
 * A JSON file readable only by the user (0600) in the data dir. Not encrypted: it protects
 * against other users, not against this one; the Electron main swaps in safeStorage.
 * Writes go to a temp file renamed over the old one, so a crash never leaves half a file.
 */
export class FileSecretStore implements SecretStore {
  readonly path: string;
  private cache: Record<string, string> | null = null;

  constructor(dataDir: string, fileName = 'secrets.json') {
    this.path = join(dataDir, fileName);
  }

  get(key: string): string | null {
    return this.load()[key] ?? null;
  }

  set(key: string, value: string): void {
    const all = { ...this.load(), [key]: value };
    this.save(all);
  }

  delete(key: string): void {
    const all = { ...this.load() };
    if (!(key in all)) return;
    delete all[key];
    this.save(all);
  }

  private load(): Record<string, string> {
    if (this.cache) return this.cache;
    if (!existsSync(this.path)) return (this.cache = {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new Error(`The secret store ${this.path} is unreadable (${(err as Error).message}): fix or delete it, then re-enter the stream and server passwords.`);
    }
    const out: Record<string, string> = {};
    if (parsed && typeof parsed === 'object') {
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    }
    return (this.cache = out);
  }

  private save(all: Record<string, string>): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
    this.cache = all;
  }
}
