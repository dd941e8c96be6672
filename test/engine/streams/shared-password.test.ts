// A rendition added to a source in one step (renderer's "Add rendition") carries no password:
// the engine takes the one a stream of ours already uses on that server and user.
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamConfig } from '../../../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../../../electron/engine/secrets';
import { StreamManager } from '../../../electron/engine/streams/stream-manager';

const managers: StreamManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

const cfg = (id: string, extra: Partial<StreamConfig> = {}): StreamConfig => ({
  id, sourceId: 'src', enabled: true, format: 'mp3', bitrateKbps: 64, host: 'ice.example', port: 8000, mount: `/${id}.mp3`, ...extra,
}) as StreamConfig;

function manager(streams: StreamConfig[], passwords: Record<string, string>): StreamManager {
  const secrets = new MemorySecretStore();
  for (const [id, pw] of Object.entries(passwords)) secrets.set(streamPasswordKey(id), pw);
  const m = new StreamManager({ secrets });
  managers.push(m);
  m.configure(streams);
  return m;
}

describe('StreamManager.sharedPassword', () => {
  it('is the password of another stream on the same host, port and user', () => {
    const m = manager([cfg('main'), cfg('other', { host: 'elsewhere' })], { main: 'hackme', other: 'nope' });
    expect(m.sharedPassword(cfg('main-hq'))).toBe('hackme');
    // "source" is Icecast's default user: an absent username and "source" are the same login.
    expect(m.sharedPassword(cfg('main-hq', { username: 'source' }))).toBe('hackme');
  });

  it('is null for another port or user, for the stream itself, and when no stream there has one', () => {
    const m = manager([cfg('main'), cfg('nopw', { port: 9000 })], { main: 'hackme' });
    expect(m.sharedPassword(cfg('x', { port: 8001 }))).toBeNull();
    expect(m.sharedPassword(cfg('x', { username: 'relay' }))).toBeNull();
    expect(m.sharedPassword(cfg('main'))).toBeNull();
    expect(m.sharedPassword(cfg('x', { port: 9000 }))).toBeNull();
  });

  it('takes a one-run (serve --stream) password too', () => {
    const m = manager([], {});
    m.addStream(cfg('run'), 'fromcli');
    expect(m.sharedPassword(cfg('run-64'))).toBe('fromcli');
  });
});
