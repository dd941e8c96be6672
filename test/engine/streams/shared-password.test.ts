// A rendition added to a source in one step (renderer's "Add rendition") carries no password:
// the engine takes the one a stream of ours already uses on that server and user.
import { describe, expect, it } from 'vitest';
import { cfg, manager } from './manager-fixture';

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

  it('never offers a one-run (serve --stream) password, which the caller would store', () => {
    const m = manager([], {});
    m.addStream(cfg('run'), 'fromcli');
    expect(m.sharedPassword(cfg('run-64'))).toBeNull();
  });

  it('never offers a password used over TLS to a plain-HTTP stream, or the other way round', () => {
    const m = manager([cfg('secure', { tls: true })], { secure: 'overtls' });
    expect(m.sharedPassword(cfg('plain'))).toBeNull();
    expect(m.sharedPassword(cfg('secure-hq', { tls: true }))).toBe('overtls');
    const p = manager([cfg('plain')], { plain: 'clear' });
    expect(p.sharedPassword(cfg('secure', { tls: true }))).toBeNull();
  });
});
