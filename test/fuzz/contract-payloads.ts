// Payloads for the contract fuzz: command names real and made up, arguments random or shaped
// like each command's own (its keys with wrong, odd or hostile values), and the checks every
// answer must pass whatever was sent.
import fc from 'fast-check';
import { z } from 'zod';
import { commands, ErrorCode, isCommandName, ServerMessage, type CallReply } from '../../electron/contract';

export const COMMAND_NAMES = Object.keys(commands);

/** Names that have tripped object lookups elsewhere. */
const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' app.info', 'APP.INFO', 'app.info\u0000', 'app..info'];

export const commandName: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COMMAND_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
);

/** Values a field should refuse or survive: wrong types, edge numbers, odd strings. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -0, -1, 1e308, -1e308, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 0.5),
  fc.constantFrom('', ' ', '\u0000', '..', '../../etc/passwd', '%00', '%zz', '__proto__', 'demo:', 'file:', 'http://', 'rtltcp://127.0.0.1:1?freq=wx1', 'icecast://source:@127.0.0.1:1/x', '\ud800', 'x'.repeat(5000)),
  fc.string({ maxLength: 100 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
);

function keysOf(cmd: string): string[] {
  if (!isCommandName(cmd)) return [];
  const schema: unknown = commands[cmd].args;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];
}

/** An object with some of the command's own keys (and maybe one more), each holding an odd value. */
function shapedArgs(cmd: string): fc.Arbitrary<unknown> {
  const keys = keysOf(cmd);
  const key = keys.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }) : fc.string({ maxLength: 12 });
  return fc.dictionary(key, oddValue, { maxKeys: Math.max(1, keys.length + 1) });
}

export interface Call {
  cmd: string;
  args: unknown;
}

/** Arguments as IPC can carry them (structured clone: Map, Set, Date, typed arrays, BigInt, ...). */
export const ipcCall: fc.Arbitrary<Call> = commandName.chain((cmd) =>
  fc.record({
    cmd: fc.constant(cmd),
    args: fc.oneof(
      shapedArgs(cmd),
      fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }),
      oddValue,
    ),
  }),
);

/** A call as JSON carries it (what a WebSocket client can send). */
export const jsonCall: fc.Arbitrary<Call> = commandName.chain((cmd) => fc.record({ cmd: fc.constant(cmd), args: fc.oneof(shapedArgs(cmd), fc.jsonValue({ maxDepth: 3 }), oddValue) }));

/** One WebSocket frame: text or binary, a well-formed call envelope or anything else. */
export type Frame = { text: string } | { binary: Uint8Array };

export const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.nat(), jsonCall).map(([id, c]) => ({ text: JSON.stringify({ t: 'call', id, cmd: c.cmd, args: c.args }) ?? 'null' })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ t: fc.oneof(fc.constant('call'), fc.jsonValue()), id: fc.oneof(fc.nat(), fc.jsonValue(), fc.constant(2 ** 60), fc.constantFrom(-1, 1.5, -0)), cmd: fc.oneof(commandName, fc.jsonValue()), args: fc.jsonValue() }, { requiredKeys: [] })
      .map((m) => ({ text: JSON.stringify(m) })),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => ({ text: JSON.stringify(v) ?? 'null' })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((binary) => ({ binary })) },
);

const ERROR_CODES: readonly string[] = ErrorCode.options;

/** What every reply to a call must be: a success whose value matches the command's result schema, or a typed error. */
export function checkReply(cmd: string, reply: CallReply): string | null {
  if (reply.ok) {
    if (!isCommandName(cmd)) return `unknown command ${JSON.stringify(cmd)} answered ok`;
    const parsed = commands[cmd].result.safeParse(reply.value);
    return parsed.success ? null : `${cmd} answered a value outside its result schema: ${parsed.error.issues[0]?.message}`;
  }
  if (!ERROR_CODES.includes(reply.error.code)) return `untyped error code ${JSON.stringify(reply.error.code)}`;
  if (typeof reply.error.message !== 'string' || reply.error.message.length === 0) return 'an error without a message';
  return null;
}

/** A WebSocket reply to `sent`: a valid server message, tied to the call's id when it had one. */
export function checkServerMessage(sent: Frame, msg: unknown): string | null {
  const parsed = ServerMessage.safeParse(msg);
  if (!parsed.success) return `not a server message: ${JSON.stringify(msg).slice(0, 200)}`;
  const m = parsed.data;
  if (m.t === 'event') return 'an event where a reply was due';
  let call: { id?: unknown; cmd?: unknown } | null = null;
  if ('text' in sent) {
    try {
      const v: unknown = JSON.parse(sent.text);
      if (typeof v === 'object' && v !== null) call = v as { id?: unknown; cmd?: unknown };
    } catch {
      // not JSON: an 'error' reply is due
    }
  }
  const id = call?.id;
  const hasId = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
  if (m.t === 'error') return hasId && 'text' in sent && isWellFormedCall(sent.text) ? 'a well-formed call answered without its id' : checkErrorCode(m.error.code);
  if (!hasId || m.id !== id) return `a result for id ${m.id} to a frame with id ${JSON.stringify(id)}`;
  return checkReply(String(call?.cmd), m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error });
}

function isWellFormedCall(text: string): boolean {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    return v.t === 'call' && typeof v.cmd === 'string' && v.cmd.length <= 64 && Object.keys(v).every((k) => ['t', 'id', 'cmd', 'args'].includes(k));
  } catch {
    return false;
  }
}

function checkErrorCode(code: string): string | null {
  return ERROR_CODES.includes(code) ? null : `untyped error code ${JSON.stringify(code)}`;
}
