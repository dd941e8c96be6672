import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listensOnPort } from '../../../native/icecast/port-owner';
import { waitFor } from '../../helpers/wait';

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('listensOnPort', () => {
  it('tells our own listener from another process on the same port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      if (listensOnPort(process.pid, port) === null) {
        console.log('skipped: /proc/net/tcp is not readable here');
        return;
      }
      expect(listensOnPort(process.pid, port)).toBe(true);
      const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      children.push(other);
      await waitFor('the other process to start', () => other.pid !== undefined, 5000);
      expect(listensOnPort(other.pid!, port)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(listensOnPort(process.pid, port)).toBe(false);
  });
});
