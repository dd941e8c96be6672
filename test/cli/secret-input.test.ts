import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseToken, fillStreamPassword, scrubSecretEnv } from '../../electron/cli/secret-input';
import { sourcesFromUris, streamsFromArgs } from '../../electron/cli/serve';

const dir = mkdtempSync(join(tmpdir(), 'eas-secret-in-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chooseToken', () => {
  it('reads the first line of --token-file, and warns when others can read it', () => {
    const f = join(dir, 'token');
    writeFileSync(f, 'file-token-0123456789\nsecond line\n', { mode: 0o600 });
    expect(chooseToken({ tokenFile: f, env: {} })).toEqual({ token: 'file-token-0123456789', from: 'file', warnings: [] });
    const loose = join(dir, 'loose');
    writeFileSync(loose, 'file-token-0123456789', { mode: 0o644 });
    expect(chooseToken({ tokenFile: loose, env: {} }).warnings.join()).toMatch(/chmod 600/);
  });

  it('takes EAS_TOKEN when neither option is given; warns about --token in the process list', () => {
    expect(chooseToken({ env: { EAS_TOKEN: 'env-token-0123456789' } })).toMatchObject({ token: 'env-token-0123456789', from: 'environment', warnings: [] });
    expect(chooseToken({ token: 'arg-token-0123456789', env: {} }).warnings.join()).toMatch(/process list/);
    expect(chooseToken({ env: {} })).toMatchObject({ token: null, from: 'none' });
  });

  it('refuses what cannot work, naming where it came from', () => {
    expect(() => chooseToken({ token: 'a', tokenFile: 'b', env: {} })).toThrow(/either --token or --token-file/);
    expect(() => chooseToken({ tokenFile: join(dir, 'missing'), env: {} })).toThrow(/--token-file .*no such file/);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(() => chooseToken({ tokenFile: empty, env: {} })).toThrow(/is empty/);
    expect(() => chooseToken({ env: { EAS_TOKEN: 'has space' } })).toThrow(/EAS_TOKEN contains spaces/);
    expect(chooseToken({ env: { EAS_TOKEN: 'short' } }).warnings.join()).toMatch(/shorter than 16/);
  });
});

describe('stream passwords from EAS_STREAM_PASSWORD', () => {
  const env = { EAS_STREAM_PASSWORD: 'p@ss:w/rd' };

  it('an empty password in the URI takes the variable, escaped', () => {
    expect(fillStreamPassword('icecast://source:@127.0.0.1:8000/live.mp3', env)).toBe('icecast://source:p%40ss%3Aw%2Frd@127.0.0.1:8000/live.mp3');
    expect(fillStreamPassword('icecast://source:given@h/m', env)).toBe('icecast://source:given@h/m');
    expect(() => fillStreamPassword('icecast://source:@h/m', {})).toThrow(/EAS_STREAM_PASSWORD/);
  });

  it('streamsFromArgs hands the password over apart from the config', () => {
    const sources = sourcesFromUris(['demo:']);
    const tokens = [
      { kind: 'option', name: 'source', value: 'demo:' },
      { kind: 'option', name: 'stream', value: 'icecast://source:@127.0.0.1:8000/live.mp3?format=mp3' },
    ];
    const [s] = streamsFromArgs(tokens, sources, env);
    expect(s!.password).toBe('p@ss:w/rd');
    expect(JSON.stringify(s!.config)).not.toContain('p@ss');
    expect(() => streamsFromArgs(tokens, sources, {})).toThrow(/--stream icecast:\/\/source:\*\*\*@127.0.0.1:8000.*EAS_STREAM_PASSWORD/);
  });

  it('scrubSecretEnv removes both, so child processes do not inherit them', () => {
    const e: NodeJS.ProcessEnv = { EAS_TOKEN: 'x', EAS_STREAM_PASSWORD: 'y', PATH: '/bin' };
    scrubSecretEnv(e);
    expect(e).toEqual({ PATH: '/bin' });
  });
});
