import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { unackedBytes } from '../../../native/icecast/tcp-unacked';
import { waitFor, within } from '../../helpers/wait';

const cleanups: (() => void)[] = [];
// The tables are read at most every 200 ms on the clock passed in: each call here reads them afresh.
let clock = 0;
const fresh = (): number => (clock += 1000);
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('counts what a peer that stops reading has not acknowledged, and sees it drop once it reads', async () => {
  let peer: Socket | null = null;
  const server: Server = createServer((s) => {
    peer = s;
    s.pause();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => server.close());
  const port = (server.address() as { port: number }).port;
  const sock = connect({ host: '127.0.0.1', port });
  cleanups.push(() => sock.destroy());
  cleanups.push(() => peer?.destroy());
  await within('the socket to connect', new Promise<void>((r) => sock.once('connect', () => r())), 10_000);
  await waitFor('the peer socket', () => peer !== null);
  expect(unackedBytes(sock.localPort!, port, fresh())).toBe(0);
  // Far more than the peer's receive buffer: the rest stays unacknowledged on our side.
  const chunk = Buffer.alloc(65_536);
  for (let i = 0; i < 200; i++) sock.write(chunk);
  await waitFor('unacknowledged bytes', () => (unackedBytes(sock.localPort!, port, fresh()) ?? 0) > 100_000, 5000, { stepMs: 50 });
  peer!.resume();
  peer!.on('data', () => {});
  await waitFor('everything acknowledged', () => unackedBytes(sock.localPort!, port, fresh()) === 0, 10_000, { stepMs: 50 });
  // A connection that does not exist is unknown, not zero.
  expect(unackedBytes(1, 2, fresh())).toBeNull();
});
