import { safeStorage } from 'electron';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileSecretStore, type SecretStore } from '../engine/secrets';

/**
 * Passwords encrypted with the OS keyring through Electron's safeStorage (libsecret/kwallet
 * on Linux). Where no keyring is available safeStorage would fall back to a hard-coded key,
 * which is no better than a 0600 file, so then the plain file store is used and said so.
 */
export function createSecretStore(dataDir: string, warn: (msg: string) => void): SecretStore {
  if (!safeStorage.isEncryptionAvailable() || safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    warn('no OS keyring available: passwords are kept in a 0600 file in the data dir');
    return new FileSecretStore(dataDir);
  }
  return new SafeStorageSecretStore(join(dataDir, 'secrets.enc.json'));
}

class SafeStorageSecretStore implements SecretStore {
  private cache: Record<string, string> | null = null;
  constructor(private readonly path: string) {}

  get(key: string): string | null {
    const enc = this.load()[key];
    return enc ? safeStorage.decryptString(Buffer.from(enc, 'base64')) : null;
  }

  set(key: string, value: string): void {
    this.save({ ...this.load(), [key]: safeStorage.encryptString(value).toString('base64') });
  }

  delete(key: string): void {
    const all = { ...this.load() };
    delete all[key];
    this.save(all);
  }

  private load(): Record<string, string> {
    if (this.cache) return this.cache;
    this.cache = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>) : {};
    return this.cache;
  }

  private save(all: Record<string, string>): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
    this.cache = all;
  }
}
