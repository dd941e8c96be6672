// Malformed HTTP on raw sockets against a real serve server: every request is answered with a
// status line, a refused one (4xx) comes with a closed socket, and the server keeps serving
// with no socket left behind. Sockets held by requests that never get answered are how
// 20,000 bad requests once used up the engine's file descriptors.
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station';
import { waitFor } from '../helpers/wait';
import { cases, FULL, params, SEED, timeoutMs } from './budget';

const TOKEN = 'fuzz-http-token-0123456789';
let station: TestStation;
let port = 0;

beforeAll(async () => {
  station = await startTestStation(TOKEN);
  port = station.server.port;
});

afterAll(async () => {
  await station?.cleanup();
});

interface Exchange {
  status: number | null;
  head: string;
  /** ms from the first byte of the answer to the server closing the socket; null if it did not. */
  closedAfterMs: number | null;
  /** The server closed the socket without a word (Node does that to CONNECT when no proxy listens). */
  closedUnanswered: boolean;
}

const ANSWER_WITHIN_MS = 3000;
/** Answers to well-formed requests, after which keep-alive is the client's right. */
const KEEPS_ALIVE = [200, 401, 404, 405];
/** A refused request's socket must close at once (refuseSocket gives a client 1 s to read). */
const CLOSE_WITHIN_MS = 2500;

/**
 * Sends `request` as is and reads until the server closes, or CLOSE_WITHIN_MS after the
 * answer began. The client never closes first, so a server that holds the socket shows.
 */
function exchange(request: Buffer | string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let answeredAt: number | null = null;
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(noAnswer);
      clearTimeout(holdTimer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve({
        status: m ? Number(m[1]) : null,
        head: data.slice(0, 300),
        closedAfterMs: closed && answeredAt !== null ? Date.now() - answeredAt : null,
        closedUnanswered: closed && answeredAt === null,
      });
    };
    const noAnswer = setTimeout(() => {
      if (answeredAt === null) {
        done = true;
        socket.destroy();
        reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms to ${JSON.stringify(request.toString().slice(0, 200))}`));
      }
    }, ANSWER_WITHIN_MS);
    let holdTimer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (answeredAt === null) {
        answeredAt = Date.now();
        // A well-formed request may keep its socket: no need to wait for a close there.
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
        holdTimer = setTimeout(() => finish(false), KEEPS_ALIVE.includes(status) ? 100 : CLOSE_WITHIN_MS);
      }
    });
    socket.on('error', () => {
      // ECONNRESET after the server refused: the close below reports it
    });
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(request, () => {
        // the server may already be gone: fine
      });
    });
  });
}

function hostLine(): string {
  return `Host: 127.0.0.1:${port}\r\n`;
}

/** Malformed requests the issue named, and their neighbours: each must be 4xx and closed. */
function malformed(): Array<[string, Buffer | string, number[]]> {
  const H = hostLine();
  const upgrade = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
  return [
    ['GET //', `GET // HTTP/1.1\r\n${H}\r\n`, [400]],
    ['GET //@', `GET //@ HTTP/1.1\r\n${H}\r\n`, [400]],
    ['GET //evil.example/', `GET //evil.example/ HTTP/1.1\r\n${H}\r\n`, [400]],
    ['GET /%zz', `GET /%zz HTTP/1.1\r\n${H}\r\n`, [400]],
    ['GET /%E0%A4%A', `GET /%E0%A4%A HTTP/1.1\r\n${H}\r\n`, [400]],
    ['token cookie with a broken %-escape', `GET / HTTP/1.1\r\n${H}Cookie: eas_token=%E0%A4%A\r\n\r\n`, [400]],
    ['token cookie %zz among others', `GET /api/status HTTP/1.1\r\n${H}Cookie: a=1; eas_token=%zz; b=2\r\n\r\n`, [400]],
    ['absolute-form target', `GET http://evil.example/ HTTP/1.1\r\n${H}\r\n`, [400]],
    ['asterisk target', `OPTIONS * HTTP/1.1\r\n${H}\r\n`, [400]],
    ['backslash path', `GET /\\..\\etc HTTP/1.1\r\n${H}\r\n`, [400]],
    ['no Host', 'GET / HTTP/1.1\r\n\r\n', [400]],
    ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n', [400]],
    ['Host with junk', `GET / HTTP/1.1\r\nHost: [::1\r\n\r\n`, [400, 403]],
    ['not HTTP at all', 'BLAH\r\n\r\n', [400]],
    ['binary junk', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]), [400]],
    ['NUL in the target', `GET /\u0000 HTTP/1.1\r\n${H}\r\n`, [400]],
    ['unknown version', `GET / HTTP/9.9\r\n${H}\r\n`, [400, 505]],
    ['header without a colon', `GET / HTTP/1.1\r\n${H}broken header\r\n\r\n`, [400]],
    ['bad Content-Length', `GET / HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\n`, [400]],
    ['broken chunked body', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n`, [400, 405]],
    ['huge header', `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(100_000)}\r\n\r\n`, [431, 400]],
    ['thousands of headers', `GET / HTTP/1.1\r\n${H}${'X-A: b\r\n'.repeat(5000)}\r\n`, [431, 400]],
    ['target longer than any route', `GET /${'a'.repeat(9000)} HTTP/1.1\r\n${H}\r\n`, [400, 414, 431]],
    ['upgrade to //ws', `GET //ws HTTP/1.1\r\n${H}${upgrade}\r\n`, [400]],
    ['upgrade with a broken cookie', `GET /ws HTTP/1.1\r\n${H}${upgrade}Cookie: eas_token=%E0%A4%A\r\n\r\n`, [400]],
    ['upgrade with no Host', `GET /ws?token=${TOKEN} HTTP/1.1\r\n${upgrade}\r\n`, [400]],
    ['upgrade with a foreign Origin', `GET /ws HTTP/1.1\r\n${H}${upgrade}Origin: http://127.0.0.1:1\r\nCookie: eas_token=${TOKEN}\r\n\r\n`, [403]],
  ];
}

const targetChars = fc.constantFrom(...'/%@?#&=.:;\\ azAZ09-_~!$\'()*+,[]{}|^`"<>'.split(''), '%00', '%zz', '%2f', '%E0%A4%A', '\u00e9', '\u0000', '\t');
const randomTarget = fc.oneof(
  fc.array(targetChars, { maxLength: 40 }).map((a) => a.join('')),
  fc.array(targetChars, { maxLength: 40 }).map((a) => `//${a.join('')}`),
  fc.string({ maxLength: 60 }),
);
const cookieValue = fc.oneof(
  fc.array(fc.constantFrom('%', 'z', 'E0', 'A4', '%A', '=', ';', ' ', 'a', '\u00ff'), { maxLength: 20 }).map((a) => a.join('')),
  fc.string({ maxLength: 40 }),
);
const header = fc.oneof(
  fc.tuple(fc.constantFrom('Cookie'), cookieValue).map(([k, v]) => `${k}: eas_token=${v}`),
  fc.tuple(fc.constantFrom('Host', 'Origin', 'Authorization', 'Content-Length', 'Transfer-Encoding', 'Upgrade', 'Connection', 'Sec-Fetch-Site'), fc.string({ maxLength: 40 })).map(([k, v]) => `${k}: ${v}`),
  fc.string({ maxLength: 60 }),
);
const randomRequest = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({ path: fc.array(targetChars, { maxLength: 20 }), headers: fc.array(header, { maxLength: 3 }) })
      .map((r) => `GET /${r.path.join('')} HTTP/1.1\r\n${hostLine()}${r.headers.map((h) => `${h}\r\n`).join('')}\r\n`),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        method: fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'CONNECT', 'TRACE', 'get'), fc.string({ maxLength: 8 })),
        target: randomTarget,
        version: fc.oneof(fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1 x', ''), fc.string({ maxLength: 10 })),
        host: fc.boolean(),
        headers: fc.array(header, { maxLength: 5 }),
      })
      .map((r) => `${r.method} ${r.target} ${r.version}\r\n${r.host ? hostLine() : ''}${r.headers.map((h) => `${h}\r\n`).join('')}\r\n`),
  },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.concat([Buffer.from(b), Buffer.from('\r\n\r\n')])) },
);

describe(`malformed HTTP (${FULL ? 'full' : 'short'} run, seed ${SEED})`, () => {
  it('each named malformed request is answered 4xx and its socket closed', async () => {
    const failures: string[] = [];
    for (const [name, request, statuses] of malformed()) {
      const r = await exchange(request).catch((err: Error) => ({ status: null, head: err.message, closedAfterMs: null, closedUnanswered: false }));
      if (r.status === null || !statuses.includes(r.status)) failures.push(`${name}: expected ${statuses.join('/')}, got ${r.status ?? 'no status'} (${JSON.stringify(r.head.slice(0, 120))})`);
      else if (r.closedAfterMs === null && !KEEPS_ALIVE.includes(r.status)) failures.push(`${name}: answered ${r.status} but the socket was held open`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it(
    'random requests are all answered; every 4xx closes its socket; the server serves on, holding nothing',
    async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(randomRequest, async (request) => {
          const r = await exchange(request);
          if (r.closedUnanswered && /^CONNECT /.test(request.toString())) return;
          if (r.status === null) throw new Error(`no status line in the answer to ${JSON.stringify(request.toString().slice(0, 200))}: ${JSON.stringify(r.head)}`);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (KEEPS_ALIVE.includes(r.status)) return;
          if (r.status >= 400 && r.status < 500 && r.closedAfterMs === null) {
            throw new Error(`answered ${r.status} but held the socket: ${JSON.stringify(request.toString().slice(0, 200))}`);
          }
        }),
        params(cases(400, 50_000)),
      );
      console.log(`malformed HTTP fuzz: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n} x ${s}`).join(', ')} (seed ${SEED})`);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      const status = await fetch(`http://127.0.0.1:${port}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(status.status).toBe(200);
      // Keep-alive sockets of the answered-but-valid requests close by the server's idle timeout.
      await waitFor('the server to hold no fuzz sockets', () => station.server.openConnections() <= 1, 15_000, {
        stepMs: 200,
        detail: () => `open: ${station.server.openConnections()}`,
      });
    },
    timeoutMs(180_000, 12 * 3600_000),
  );
});
