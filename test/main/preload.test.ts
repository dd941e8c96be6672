// The preload runs against the fake electron: window.eas must expose the contract's commands
// and events and nothing else.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { commands, events, IPC_CALL, IPC_EVENT, LISTEN_PORT_CHANNEL, LISTEN_PORT_GRANT, LISTEN_PORT_REQUEST } from '../../electron/contract';
import type { createFakePreloadElectron } from './fake-electron';

const fake = vi.hoisted(() => ({ current: null as null | ReturnType<typeof createFakePreloadElectron> }));
vi.mock('electron', async () => {
  const { createFakePreloadElectron } = await import('./fake-electron');
  fake.current = createFakePreloadElectron();
  return fake.current.electron;
});

type Api = {
  call(cmd: unknown, args: unknown): Promise<unknown>;
  on(name: unknown, listener: (p: unknown) => void): () => void;
  alertAudioUrl(id: unknown): string;
};
let api: Api;

/** The page's window as the preload sees it: window messages, with transferred objects as ports. */
class FakeWindow extends EventTarget {
  readonly posted: Array<{ message: unknown; origin: string; transfer: unknown[] }> = [];
  postMessage(message: unknown, origin: string, transfer: unknown[] = []): void {
    this.posted.push({ message, origin, transfer });
    this.dispatchEvent(Object.assign(new Event('message'), { data: message, ports: transfer }));
  }
}
const page = new FakeWindow();

beforeAll(async () => {
  vi.stubGlobal('window', page);
  await import('../../electron/preload/index');
  api = fake.current!.control.exposed.get('eas') as Api;
});

async function refusal(p: Promise<unknown>): Promise<{ code?: string } | null> {
  try {
    await p;
    return null;
  } catch (err) {
    return err as { code?: string };
  }
}

describe('preload (window.eas)', () => {
  it('exposes one object, window.eas, with the ConsoleApi members only', () => {
    const { exposed } = fake.current!.control;
    expect([...exposed.keys()]).toEqual(['eas']);
    expect(Object.keys(api).sort()).toEqual(['alertAudioUrl', 'call', 'on']);
  });

  it('passes every contract command to the main process, and no other name', async () => {
    const { invokes } = fake.current!.control;
    for (const cmd of Object.keys(commands)) {
      const before = invokes.length;
      const err = await refusal(api.call(cmd, {}));
      // A command with required arguments is refused for its payload, never as unknown.
      if (err) expect(err.code, `${cmd}: ${JSON.stringify(err)}`).toBe('invalid_payload');
      else expect(invokes.slice(before), cmd).toEqual([{ channel: IPC_CALL, args: [cmd, {}] }]);
    }
    const before = invokes.length;
    for (const name of ['', 'nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.info ', 'APP.INFO', 'settings.get.x', 42, null]) {
      expect((await refusal(api.call(name, {})))?.code, String(name)).toBe('unknown_command');
    }
    expect(invokes.length - before, 'calls that reached ipcRenderer').toBe(0);
  });

  it('subscribes to every contract event, delivers only that event, and refuses other names', () => {
    const { send, listeners } = fake.current!.control;
    for (const name of Object.keys(events)) {
      const got: unknown[] = [];
      const off = api.on(name, (p) => got.push(p));
      send(IPC_EVENT, 'some.other.event', { no: 1 });
      send(IPC_EVENT, name, { yes: 1 });
      expect(got, name).toEqual([{ yes: 1 }]);
      off();
    }
    expect(listeners(IPC_EVENT), 'listeners left after unsubscribing').toBe(0);
    for (const name of ['nope', '__proto__', 'toString', 'levels ', 7]) {
      expect(() => api.on(name, () => undefined), String(name)).toThrow();
    }
    expect(() => api.on('levels', 'not a function' as never)).toThrow();
  });

  it('turns an alert id into the media URL, encoded', () => {
    expect(api.alertAudioUrl('a/b c')).toBe('eas-media://alerts/a%2Fb%20c/audio');
    expect(() => api.alertAudioUrl(5)).toThrow();
  });

  it('relays the listening port: the page asks by window message, the port from main goes on to the page', () => {
    const { sends, postPorts } = fake.current!.control;
    const before = sends.length;
    page.postMessage({ type: 'something else' }, '*');
    page.postMessage('not even an object', '*');
    expect(sends.length - before, 'other window messages reach nothing').toBe(0);
    page.postMessage({ type: LISTEN_PORT_REQUEST }, '*');
    expect(sends.slice(before)).toEqual([{ channel: LISTEN_PORT_CHANNEL, args: [] }]);

    const { port1, port2 } = new MessageChannel();
    try {
      const posted = page.posted.length;
      postPorts(LISTEN_PORT_CHANNEL, [port2]);
      expect(page.posted.slice(posted)).toEqual([{ message: { type: LISTEN_PORT_GRANT }, origin: '*', transfer: [port2] }]);
      // An answer without a port hands the page nothing.
      postPorts(LISTEN_PORT_CHANNEL, []);
      expect(page.posted.length).toBe(posted + 1);
    } finally {
      port1.close();
    }
  });
});
