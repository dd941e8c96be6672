import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore, MemorySecretStore, streamPasswordKey } from '../../electron/engine/secrets';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('secret stores', () => {
  it('file store: 0600 file, survives a new instance, delete removes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-secrets-'));
    dirs.push(dir);
    const a = new FileSecretStore(join(dir, 'data'));
    expect(a.get('x')).toBeNull();
    a.set(streamPasswordKey('kec61-mp3'), 'hunter2');
    a.set('icecast:admin', 'ädmin');
    expect(statSync(a.path).mode & 0o777).toBe(0o600);
    const b = new FileSecretStore(join(dir, 'data'));
    expect(b.get('stream:kec61-mp3:password')).toBe('hunter2');
    expect(b.get('icecast:admin')).toBe('ädmin');
    b.delete('icecast:admin');
    expect(new FileSecretStore(join(dir, 'data')).get('icecast:admin')).toBeNull();
    expect(readFileSync(a.path, 'utf8')).not.toContain('ädmin');
  });

  it('file store: a corrupt file is a named error saying what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eas-secrets-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'secrets.json'), '{not json');
    expect(() => new FileSecretStore(dir).get('x')).toThrow(/re-enter/);
  });

  it('memory store', () => {
    const m = new MemorySecretStore();
    m.set('k', 'v');
    expect(m.get('k')).toBe('v');
    m.delete('k');
    expect(m.get('k')).toBeNull();
  });
});
