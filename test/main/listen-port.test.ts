// The Electron direct listening path's main side (electron/main/listen-port.ts), run under Node
// with worker_threads' MessageChannel (Electron's MessagePortMain has the same postMessage /
// on('message') / close shape) against the real listen hub: on a real engine's demo source,
// and on a bus this test drives block by block where counting frames must be exact.
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUS_RATE, LISTEN_CLOSE, LISTEN_HEADER_BYTES, listenPortNonce, type ListenPortNotice } from '../../electron/contract';
import { ListenHub } from '../../electron/engine/listen/listen-hub';
import { bridgeListenPort, listenFrameBuffer, ListenPorts, MAX_UNACKED_SAMPLES, type ListenPortBridge } from '../../electron/main/listen-port';
import { encodeListenFrame } from '../../electron/serve/listen-socket';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { HandBus } from '../helpers/hand-bus';
import { waitFor } from '../helpers/wait';

const DEMO = { id: 'demo', name: 'Demo', uri: 'demo:?every=0', priority: 10, enabled: true };

/** The page's end of a channel: everything it received, in order. */
class PageEnd {
  readonly got: Array<ArrayBuffer | ListenPortNotice> = [];
  constructor(readonly port: MessagePort) {
    port.on('message', (m: ArrayBuffer | ListenPortNotice) => this.got.push(m));
  }
  send(m: unknown): void {
    this.port.postMessage(m);
  }
  frames(): ArrayBuffer[] {
    return this.got.filter((m): m is ArrayBuffer => m instanceof ArrayBuffer);
  }
  notices(): ListenPortNotice[] {
    return this.got.filter((m): m is ListenPortNotice => !(m instanceof ArrayBuffer));
  }
  /**
   * Everything the bridge posted before now has arrived: a bad message is answered with a
   * 'refused' notice, and a port delivers in order, so its answer comes after all of it.
   */
  async barrier(): Promise<void> {
    const before = this.notices().filter((n) => n.t === 'refused').length;
    this.send('barrier');
    await waitFor('the bridge to answer the barrier message', () => this.notices().filter((n) => n.t === 'refused').length > before, 10_000);
  }
}

const header = (f: ArrayBuffer): number => new DataView(f).getFloat64(0, true);
const samplesOf = (f: ArrayBuffer): Int16Array => new Int16Array(f, LISTEN_HEADER_BYTES);


const channels: MessageChannel[] = [];
function channel(): MessageChannel {
  const c = new MessageChannel();
  channels.push(c);
  return c;
}
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** A bridge on one end of a fresh channel, and the page on the other. */
function bridged(hub: ListenHub, opts?: Parameters<typeof bridgeListenPort>[2]): { bridge: ListenPortBridge; page: PageEnd } {
  const { port1, port2 } = channel();
  return { bridge: bridgeListenPort(port1, hub, opts), page: new PageEnd(port2) };
}

describe('the port request nonce', () => {
  it('passes the page\'s hex token through and nothing else', () => {
    const n = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    expect(listenPortNonce(n)).toBe(n);
    for (const bad of [undefined, null, 5, '', 'short', 'A1B2C3D4E5F60718', 'x'.repeat(16), '0'.repeat(65), { nonce: n }]) {
      expect(listenPortNonce(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('listen frames', () => {
  it('carry the same bytes as the WebSocket frame, in a buffer of their own', () => {
    const block = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const frame = listenFrameBuffer(block, 123_456_789);
    expect(Buffer.from(frame)).toEqual(encodeListenFrame(block, 123_456_789));
    expect(frame.byteLength).toBe(LISTEN_HEADER_BYTES + block.byteLength);
  });
});

describe('the listen port on a real engine', () => {
  let te: TestEngine;
  let hub: ListenHub;
  beforeAll(async () => {
    te = await startTestEngine({ sources: [DEMO] });
    hub = new ListenHub({ lookup: (id) => te.engine.bus(id) });
  });
  afterAll(async () => {
    await te?.cleanup();
  });

  it('sends hello, then the demo source as transferred, contiguous frames, until stop', async () => {
    const { port1, port2 } = channel();
    // Watch what the bridge transfers: each frame's own buffer, detached on this side once sent.
    const transfers: Array<{ value: unknown; listed: boolean; detached: boolean }> = [];
    const post = port1.postMessage.bind(port1);
    port1.postMessage = (value: unknown, list?: readonly unknown[]) => {
      post(value, list as never);
      if (value instanceof ArrayBuffer) transfers.push({ value, listed: !!list?.includes(value), detached: value.byteLength === 0 });
    };
    const bridge = bridgeListenPort(port1, hub);
    const page = new PageEnd(port2);
    page.send({ t: 'start', id: 1, sourceId: 'demo' });
    await waitFor('20 frames from the demo source', () => page.frames().length >= 20, 15_000, { detail: () => JSON.stringify(page.notices()) });
    expect(page.got[0]).toEqual({ t: 'hello', id: 1, sourceId: 'demo', rate: BUS_RATE });
    expect(hub.listeners()).toBe(1);
    expect(bridge.listening()).toBe(true);

    const frames = page.frames();
    for (let i = 1; i < frames.length; i++) {
      const prev = frames[i - 1]!;
      expect(header(frames[i]!), `frame ${i} follows frame ${i - 1}`).toBe(header(prev) + samplesOf(prev).length);
    }
    expect(frames.some((f) => samplesOf(f).some((s) => s !== 0)), 'frames carry audio').toBe(true);
    expect(transfers.length).toBeGreaterThanOrEqual(20);
    expect(transfers.every((t) => t.listed && t.detached), 'every frame transferred, not copied').toBe(true);

    page.send({ t: 'stop', id: 1 });
    await waitFor('the hub to drop the listener after stop', () => hub.listeners() === 0, 10_000);
    expect(bridge.listening()).toBe(false);
    bridge.close();
  });

  it('says a source that is not running ended, and a new start replaces the old listen', async () => {
    const { bridge, page } = bridged(hub);
    page.send({ t: 'start', id: 1, sourceId: 'nope' });
    await waitFor('the answer for an unknown source', () => page.notices().length > 0, 10_000);
    expect(page.notices()[0]).toEqual({ t: 'ended', id: 1, code: LISTEN_CLOSE.unknownSource, reason: 'no such running source' });
    expect(hub.listeners()).toBe(0);

    page.send({ t: 'start', id: 2, sourceId: 'demo' });
    page.send({ t: 'start', id: 3, sourceId: 'demo' });
    await waitFor('hello for listen 3', () => page.notices().some((n) => n.t === 'hello' && n.id === 3), 10_000);
    expect(hub.listeners(), 'one source at a time per port').toBe(1);
    // A late stop of the listen it replaced changes nothing.
    page.send({ t: 'stop', id: 2 });
    await page.barrier();
    expect(hub.listeners()).toBe(1);
    bridge.close();
    expect(hub.listeners()).toBe(0);
  });

  it('unsubscribes when the page closes its port', async () => {
    const { page } = bridged(hub);
    page.send({ t: 'start', id: 1, sourceId: 'demo' });
    await waitFor('a frame', () => page.frames().length > 0, 10_000);
    expect(hub.listeners()).toBe(1);
    page.port.close();
    await waitFor('the hub to drop the listener of a closed port', () => hub.listeners() === 0, 10_000);
  });
});

describe('the listen port on a hand-fed bus', () => {
  const bus = new HandBus('hand');
  const hub = new ListenHub({ lookup: (id) => (id === 'hand' ? bus : undefined) });

  it('refuses bad messages with the field named, and goes on working', async () => {
    const refused: string[] = [];
    const { bridge, page } = bridged(hub, { onRefused: (m) => refused.push(m) });
    const bad: Array<[unknown, string | undefined]> = [
      [{ t: 'start', id: 1, sourceId: 5 }, 'sourceId'],
      [{ t: 'start', id: 1, sourceId: '' }, 'sourceId'],
      [{ t: 'start', id: -1, sourceId: 'hand' }, 'id'],
      [{ t: 'start', sourceId: 'hand' }, 'id'],
      [{ t: 'ack', id: 1, samples: 1.5 }, 'samples'],
      [{ t: 'play', id: 1 }, 't'],
      [new ArrayBuffer(8), 't'],
      ['start', undefined],
      [null, undefined],
    ];
    for (const [msg] of bad) page.send(msg);
    await waitFor('an answer to every bad message', () => page.notices().length >= bad.length, 10_000, { detail: () => JSON.stringify(page.notices()) });
    const fields = page.notices().map((n) => (n.t === 'refused' ? n.error.field : `not refused: ${n.t}`));
    expect(fields).toEqual(bad.map(([, f]) => f));
    expect(page.notices().every((n) => n.t === 'refused' && n.error.code === 'invalid_payload')).toBe(true);
    expect(refused).toHaveLength(bad.length);
    expect(hub.listeners(), 'no bad message started a listen').toBe(0);

    page.send({ t: 'start', id: 7, sourceId: 'hand' });
    await waitFor('hello after the refusals', () => page.notices().some((n) => n.t === 'hello'), 10_000);
    bus.push(3);
    await waitFor('3 frames', () => page.frames().length === 3, 10_000);
    bridge.close();
  });

  it('drops blocks for a page that stops acknowledging, and resumes once it does', async () => {
    const { bridge, page } = bridged(hub);
    page.send({ t: 'start', id: 1, sourceId: 'hand' });
    await waitFor('hello', () => page.notices().some((n) => n.t === 'hello'), 10_000);
    const perBlock = 441;
    const allowed = Math.floor(MAX_UNACKED_SAMPLES / perBlock) + 1;
    bus.push(allowed + 50, perBlock);
    await page.barrier();
    expect(page.frames().length, 'frames sent without an ack: about 3 s, then none').toBe(allowed);

    page.send({ t: 'ack', id: 1, samples: allowed * perBlock });
    await page.barrier();
    bus.push(5, perBlock);
    await page.barrier();
    expect(page.frames().length).toBe(allowed + 5);
    // The jump in the frame index tells the player where blocks were dropped.
    const last = page.frames().at(-1)!;
    expect(header(last) - header(page.frames()[allowed - 1]!)).toBe((50 + 5) * perBlock);

    page.send({ t: 'stop', id: 1 });
    await page.barrier();
    expect(bus.listeners.size).toBe(0);
    bus.push(5);
    await page.barrier();
    expect(page.frames().length, 'no frame after stop').toBe(allowed + 5);
    bridge.close();
  });

  it('keeps one port per page, and closes it when the page (webContents) is destroyed', async () => {
    const ports = new ListenPorts(hub);
    const owner = Object.assign(new EventEmitter(), { id: 42 });
    const first = channel();
    const a = ports.open(owner, first.port1);
    const pageA = new PageEnd(first.port2);
    pageA.send({ t: 'start', id: 1, sourceId: 'hand' });
    await waitFor('hello on the first port', () => pageA.notices().some((n) => n.t === 'hello'), 10_000);
    expect(hub.listeners()).toBe(1);

    // A reload asks again: the old port goes, the new one works.
    const second = channel();
    const b: ListenPortBridge = ports.open(owner, second.port1);
    expect(a.listening()).toBe(false);
    expect(hub.listeners()).toBe(0);
    expect(ports.size()).toBe(1);
    const pageB = new PageEnd(second.port2);
    pageB.send({ t: 'start', id: 1, sourceId: 'hand' });
    await waitFor('hello on the second port', () => pageB.notices().some((n) => n.t === 'hello'), 10_000);
    expect(b.listening()).toBe(true);

    owner.emit('destroyed');
    expect(b.listening()).toBe(false);
    expect(hub.listeners()).toBe(0);
    expect(ports.size()).toBe(0);
    expect(bus.listeners.size).toBe(0);
  });
});
