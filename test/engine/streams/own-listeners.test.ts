// The console's own player relays a mount (serve's /api/listen, Electron's eas-media://listen):
// Icecast counts it as a listener, so the engine says how many of the count are ours.
import { describe, expect, it } from 'vitest';
import { cfg, manager } from './manager-fixture';

describe('StreamManager.relayOpened', () => {
  it('counts the console\'s own relays of a mount, tells the UI at once, and releases each once', async () => {
    const m = manager([cfg('main')], { main: 'hackme' });
    const heard: Array<number | undefined> = [];
    m.on('changed', (all) => heard.push(all.find((s) => s.streamId === 'main')?.consoleListeners));
    const a = m.relayOpened('main');
    const b = m.relayOpened('main');
    await Promise.resolve();
    expect(m.status('main')?.consoleListeners).toBe(2);
    a();
    a();
    await Promise.resolve();
    expect(m.status('main')?.consoleListeners).toBe(1);
    b();
    await Promise.resolve();
    expect(m.status('main')?.consoleListeners).toBe(0);
    expect(heard).toEqual([2, 1, 0]);
  });
});
