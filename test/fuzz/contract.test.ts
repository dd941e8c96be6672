// Random payloads to every contract command, through the bridge Electron's IPC uses and over
// a real serve-mode WebSocket: each is answered with a result that matches the command's
// schema or a typed error, and the engine still answers app.info afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { answerCall, answerFrame } from '../../electron/engine/transport/bridge';
import { startTestStation, type TestStation } from '../helpers/station';
import { within } from '../helpers/wait';
import { cases, FULL, params, SEED, timeoutMs } from './budget';
import { checkReply, checkServerMessage, COMMAND_NAMES, frame, ipcCall, type Frame } from './contract-payloads';

const TOKEN = 'fuzz-token-0123456789';
let station: TestStation;

beforeAll(async () => {
  station = await startTestStation(TOKEN);
});

afterAll(async () => {
  await station?.cleanup();
});

/** Bounded: a call that never settles is a finding too. */
const CALL_LIMIT_MS = 15_000;

async function engineAnswersAppInfo(): Promise<void> {
  const reply = await within('app.info after the fuzz', answerCall(station.te.engine, 'app.info', {}), CALL_LIMIT_MS);
  expect(reply).toMatchObject({ ok: true, value: { mode: 'serve', version: 'test' } });
}

describe(`contract fuzz (${FULL ? 'full' : 'short'} run, seed ${SEED})`, () => {
  it(
    'the IPC bridge answers every payload with a schema-valid result or a typed error',
    async () => {
      const seen = new Set<string>();
      const outcomes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(ipcCall, async (c) => {
          seen.add(c.cmd);
          const reply = await within(`the bridge to answer ${c.cmd}`, answerCall(station.te.engine, c.cmd, c.args), CALL_LIMIT_MS);
          const problem = checkReply(c.cmd, reply);
          if (problem) throw new Error(`${c.cmd}: ${problem}`);
          const key = reply.ok ? 'ok' : reply.error.code;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        }),
        params(cases(5000, 100_000)),
      );
      console.log(`IPC bridge fuzz: ${[...outcomes].map(([k, n]) => `${n} ${k}`).join(', ')} (seed ${SEED})`);
      expect(outcomes.get('ok'), 'no payload was ever accepted: the fuzz only scratched validation').toBeGreaterThan(0);
      expect(COMMAND_NAMES.filter((n) => !seen.has(n)), 'commands the fuzz never called').toEqual([]);
      // The frame path (what the WebSocket server runs) on hostile raw input, no socket in between.
      for (const raw of ['', '{', 'null', '[]', '{"t":"call","id":-1}', '\u0000'.repeat(10)]) {
        const m = await answerFrame(station.te.engine, Buffer.from(raw), false);
        expect(m.t, raw).toBe('error');
      }
      await engineAnswersAppInfo();
    },
    timeoutMs(120_000, 4 * 3600_000),
  );

  it(
    'the WebSocket answers every frame, each tied to its call, and stays up',
    async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${station.server.port}/ws?token=${TOKEN}`);
      await within('the fuzz WebSocket to open', new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)), 10_000);
      const replies: unknown[] = [];
      let wake: (() => void) | null = null;
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { t?: string };
        if (msg.t === 'event') return;
        replies.push(msg);
        wake?.();
      });
      let closed: number | null = null;
      ws.once('close', (code) => {
        closed = code;
        wake?.();
      });
      const next = async (what: string): Promise<unknown> => {
        const deadline = Date.now() + CALL_LIMIT_MS;
        while (replies.length === 0) {
          if (closed !== null) throw new Error(`the server closed the WebSocket (${closed}) instead of answering ${what}`);
          if (Date.now() > deadline) throw new Error(`no answer within ${CALL_LIMIT_MS} ms to ${what}`);
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 100);
          });
          wake = null;
        }
        return replies.shift();
      };
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(frame, async (f: Frame) => {
          sent++;
          if ('text' in f) ws.send(f.text);
          else ws.send(f.binary);
          const what = 'text' in f ? JSON.stringify(f.text.slice(0, 120)) : `a ${f.binary.length}-byte binary frame`;
          const problem = checkServerMessage(f, await next(what));
          if (problem) throw new Error(`${problem}\n  frame ${what}`);
        }),
        params(cases(4000, 100_000)),
      );
      ws.send(JSON.stringify({ t: 'call', id: 1e9, cmd: 'app.info', args: {} }));
      expect(await next('app.info after the fuzz')).toMatchObject({ t: 'result', id: 1e9, ok: true, value: { mode: 'serve' } });
      ws.close();
      expect(sent).toBeGreaterThan(0);
      expect((await fetch(`${station.base}/api/health`)).status).toBe(200);
      await engineAnswersAppInfo();
    },
    timeoutMs(120_000, 4 * 3600_000),
  );

  it('a malformed call with an id beyond 2^53 is answered with a valid server message', async () => {
    for (const id of [2 ** 60, 2 ** 53, -1, 1.5]) {
      const frameText = JSON.stringify({ t: 'call', id, cmd: 'no.such.command', args: {} });
      const reply = await answerFrame(station.te.engine, Buffer.from(frameText), false);
      expect(checkServerMessage({ text: frameText }, reply), `id ${id}`).toBeNull();
      expect(reply.t, `id ${id}`).toBe('error');
    }
  });
});
