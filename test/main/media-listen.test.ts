// eas-media://listen/<streamId> (electron/main/media-protocol.ts): the desktop page's Icecast
// listening path. A local HTTP server stands in for the mount (real sockets, real bytes); the
// relay must only reach our own live streams and must stop pulling when the page stops.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamStatus } from '../../electron/contract';
import { CSP } from '../../electron/contract/csp';
import { mediaHandler } from '../../electron/main/media-protocol';
import { waitFor } from '../helpers/wait';

let server: Server;
let port = 0;
const open = new Set<ServerResponse>();
let closedByPeer = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/moved.mp3') return void res.writeHead(302, { location: `http://127.0.0.1:${port}/demo.mp3` }).end();
    if (req.url !== '/demo.mp3') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      closedByPeer++;
    });
    const timer = setInterval(() => res.write(Buffer.alloc(1024, 0xff)), 20);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const r of open) r.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

function stream(state: StreamStatus['state'], path = '/demo.mp3'): StreamStatus {
  return { streamId: 'demo', sourceId: 'demo', state, listeners: null, listenUrl: `http://127.0.0.1:${port}${path}` } as unknown as StreamStatus;
}

let relays = 0;
const handlerFor = (st: StreamStatus | undefined) =>
  mediaHandler(() => null, () => Promise.reject(new Error('unused')), CSP, undefined, {
    relayOpened: () => {
      relays++;
      return () => relays--;
    },
    archive: { timeline: () => { throw new Error('unused'); }, segmentFile: () => null, export: () => { throw new Error('unused'); } },
    stream: (id) => (st && id === st.streamId ? st : undefined),
  });

describe('eas-media://listen', () => {
  it('relays a live mount with its content type, CORS for the file:// page and the CSP', async () => {
    const res = await handlerFor(stream('live'))(new Request('eas-media://listen/demo'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    const reader = res.body!.getReader();
    let got = 0;
    while (got < 4096) {
      const next = await reader.read();
      expect(next.done, 'the relay ended before 4 KB arrived').toBe(false);
      got += next.value!.byteLength;
    }
    expect(relays, 'the relay is the console\'s own listener while it plays').toBe(1);
    const before = closedByPeer;
    await reader.cancel();
    expect(relays).toBe(0);
    await waitFor('the relay to close the upstream mount after the page cancelled', () => closedByPeer > before, 5000);
  });

  it('refuses a stream that is not live, an unknown stream and a path with more in it', async () => {
    for (const [st, url] of [
      [stream('retrying'), 'eas-media://listen/demo'],
      [stream('live'), 'eas-media://listen/other'],
      [stream('live'), 'eas-media://listen/demo/x'],
    ] as const) {
      const res = await handlerFor(st)(new Request(url));
      expect(res.status, url).toBe(404);
      expect(await res.text()).toMatch(/not live/);
    }
  });

  it('says so when Icecast answers with an error, and follows no redirect', async () => {
    const res = await handlerFor(stream('live', '/gone.mp3'))(new Request('eas-media://listen/demo'));
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('Icecast answered 404.');
    const moved = await handlerFor(stream('live', '/moved.mp3'))(new Request('eas-media://listen/demo'));
    expect(moved.status).toBe(502);
    expect(await moved.text()).toBe('Icecast answered 302.');
  });
});
