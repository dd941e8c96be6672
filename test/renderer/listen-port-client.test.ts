// The page's end of the Electron listening port (renderer/src/api/listen-port-client.ts) talking
// to the main process's bridge (electron/main/listen-port.ts) over a worker_threads
// MessageChannel, as a MessagePort pair would carry it: one protocol, both ends real.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_RATE, LISTEN_ACK_SAMPLES, LISTEN_CLOSE, LISTEN_HEADER_BYTES } from '../../electron/contract';
import { ListenHub } from '../../electron/engine/listen/listen-hub';
import { bridgeListenPort } from '../../electron/main/listen-port';
import { HandBus } from '../helpers/hand-bus';
import { waitFor } from '../helpers/wait';

import {
  LISTEN_PORT_LOST,
  LISTEN_PORT_REFUSED,
  PortListenClient,
  type ListenSink,
  type PortListenClientOptions,
} from '../../renderer/src/api/listen-port-client';


/** What one listen's sink was told, in order. */
function recorder() {
  const log: Array<{ hello: number } | { frame: number; samples: number; first: number } | { closed: number; reason: string }> = [];
  const sink: ListenSink = {
    hello: (rate) => log.push({ hello: rate }),
    frame: (f) => {
      const s = new Int16Array(f, LISTEN_HEADER_BYTES);
      log.push({ frame: new DataView(f).getFloat64(0, true), samples: s.length, first: s[0]! });
    },
    closed: (code, reason) => log.push({ closed: code, reason }),
  };
  return { log, sink, frames: () => log.filter((e) => 'frame' in e) };
}

const ones = (block: Int16Array, _at: number, b: number): void => void block.fill(b + 1);
const buses = { a: new HandBus('a', ones), b: new HandBus('b', ones) };
const hub = new ListenHub({ lookup: (id) => buses[id as 'a' | 'b'] });
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function connectWith(opts: PortListenClientOptions) {
  const c = new MessageChannel();
  channels.push(c);
  const bridge = bridgeListenPort(c.port1, hub);
  const problems: string[] = [];
  const client = new PortListenClient(c.port2 as never, { onProblem: (m) => problems.push(m), ...opts });
  return { bridge, client, problems };
}
const connect = () => connectWith({});

describe('the page end of the listening port', () => {
  it('hears hello, then frames, and nothing of a listen it replaced', async () => {
    const { client, bridge } = connect();
    const first = recorder();
    const one = client.open('a', first.sink);
    await waitFor('hello for source a', () => first.log.length > 0, 10_000);
    expect(first.log[0]).toEqual({ hello: BUS_RATE });
    buses.a.push(2);
    await waitFor('2 frames of a', () => first.frames().length === 2, 10_000);

    // Switching sources: a's blocks still in flight must not reach the new listen.
    const second = recorder();
    const two = client.open('b', second.sink);
    buses.a.push(3);
    await waitFor('hello for source b', () => second.log.length > 0, 10_000);
    buses.b.push(2);
    await waitFor('2 frames of b', () => second.frames().length === 2, 10_000);
    expect(second.log[0]).toEqual({ hello: BUS_RATE });
    expect(second.frames().every((f) => 'frame' in f && f.samples === 441)).toBe(true);
    expect(first.frames()).toHaveLength(2);
    expect(buses.a.listeners.size, 'a is no longer listened to').toBe(0);

    one.close(); // an old handle: changes nothing
    expect(bridge.listening()).toBe(true);
    two.close();
    await waitFor('the bridge to stop listening', () => !bridge.listening(), 10_000);
    expect(buses.b.listeners.size).toBe(0);
  });

  it('acknowledges what it took, so a long listen keeps flowing past the engine\'s window', async () => {
    const { client, bridge } = connect();
    const r = recorder();
    client.open('a', r.sink);
    await waitFor('hello', () => r.log.length > 0, 10_000);
    // 10 s of audio in 441-sample blocks, fed a second at a time as the page takes it.
    const perSecond = Math.round(BUS_RATE / 441);
    for (let s = 1; s <= 10; s++) {
      buses.a.push(perSecond);
      await waitFor(`${s} s of frames`, () => r.frames().length === s * perSecond, 10_000, { detail: () => `${r.frames().length} frames` });
    }
    expect(LISTEN_ACK_SAMPLES).toBeLessThan(BUS_RATE);
    bridge.close();
  });

  it('is told when the source is not running', async () => {
    const { client } = connect();
    const r = recorder();
    client.open('nope', r.sink);
    await waitFor('the end of the listen', () => r.log.length > 0, 10_000);
    expect(r.log).toEqual([{ closed: LISTEN_CLOSE.unknownSource, reason: 'no such running source' }]);
  });
});

describe('a listen the port cannot carry', () => {
  it('ends with a retry code and the port given up when no hello comes in time', async () => {
    // A port with nothing at the other end: the main side that was never there, or went away unseen.
    const c = new MessageChannel();
    channels.push(c);
    let dead = 0;
    const client = new PortListenClient(c.port2 as never, { helloTimeoutMs: 50, onDead: () => dead++, onProblem: () => {} });
    const r = recorder();
    client.open('a', r.sink);
    await waitFor('the unanswered listen to end', () => r.log.length > 0, 10_000);
    expect(r.log).toEqual([{ closed: LISTEN_PORT_LOST, reason: 'the engine did not answer the listen within 0.05 s' }]);
    expect(dead).toBe(1);
    expect(client.alive()).toBe(false);
    // A listen opened on a dead port ends at once rather than waiting for nothing.
    const again = recorder();
    client.open('a', again.sink);
    await waitFor('the listen on a dead port to end', () => again.log.length > 0, 10_000);
    expect(again.log).toEqual([{ closed: LISTEN_PORT_LOST, reason: 'the listening channel to the engine closed' }]);
  });

  it('has no hello timeout once the hello came', async () => {
    const { client } = connectWith({ helloTimeoutMs: 50 });
    const r = recorder();
    client.open('a', r.sink);
    await waitFor('hello for a', () => r.log.length > 0, 10_000);
    buses.a.push(1);
    await waitFor('a frame well after the hello timeout', () => r.frames().length === 1, 10_000);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.log.filter((e) => 'closed' in e)).toEqual([]);
    expect(client.alive()).toBe(true);
  });

  it('ends a start the engine refused, without a retry code', async () => {
    const { client, problems } = connect();
    const r = recorder();
    client.open('x'.repeat(65), r.sink);
    await waitFor('the refused listen to end', () => r.log.length > 0, 10_000);
    expect(r.log).toHaveLength(1);
    expect(r.log[0]).toMatchObject({ closed: LISTEN_PORT_REFUSED });
    expect(problems.join('\n')).toMatch(/refused/);
    // The port itself is fine: the next listen plays.
    const next = recorder();
    client.open('a', next.sink);
    await waitFor('hello after a refusal', () => next.log.length > 0, 10_000);
    expect(next.log[0]).toEqual({ hello: BUS_RATE });
  });

  it('ends the listen and gives up the port when the main side closes it', async () => {
    let dead = 0;
    const { client, bridge } = connectWith({ onDead: () => dead++ });
    const r = recorder();
    client.open('a', r.sink);
    await waitFor('hello for a', () => r.log.length > 0, 10_000);
    bridge.close();
    await waitFor('the listen to end with the port', () => r.log.some((e) => 'closed' in e), 10_000);
    expect(r.log.at(-1)).toEqual({ closed: LISTEN_PORT_LOST, reason: 'the listening channel to the engine closed' });
    expect(dead).toBe(1);
  });
});
