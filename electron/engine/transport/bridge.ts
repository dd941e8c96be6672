// The one path between the engine and a UI, shared by Electron IPC (electron/main) and the
// serve-mode WebSocket (electron/serve): what comes in is validated, what goes out is a
// contract shape, and a failure crosses as ContractError data, never as a thrown error.
import {
  ClientMessage,
  ContractError,
  events,
  fromZodError,
  isEventName,
  type CallReply,
  type EventName,
  type ServerMessage,
} from '../../contract';
import type { CallerContext } from '../commands/command-table';
import type { Engine } from '../engine';

/** Where a transport wants every contract event; it is called synchronously by the engine. */
export type EventSinkFn = (name: EventName, payload: unknown) => void;

/** A refused or failed call as the wire carries it. */
export function refusal(err: unknown): Extract<CallReply, { ok: false }> {
  const ce = err instanceof ContractError ? err : new ContractError('internal', err instanceof Error ? err.message : String(err));
  return { ok: false, error: ce.toJSON() };
}

/** Runs one call from a client and answers it; never throws. `caller` defaults to the desktop operator. */
export async function answerCall(engine: Pick<Engine, 'call'>, cmd: unknown, args: unknown, caller?: CallerContext): Promise<CallReply> {
  try {
    return { ok: true, value: await engine.call(cmd, args, caller) };
  } catch (err) {
    return refusal(err);
  }
}

/** One WebSocket frame from a client, answered with the message to send back; never throws. */
export async function answerFrame(engine: Pick<Engine, 'call'>, data: Buffer, isBinary: boolean, caller?: CallerContext): Promise<ServerMessage> {
  let json: unknown;
  try {
    if (isBinary) throw new Error('binary frames are not part of the protocol');
    json = JSON.parse(data.toString('utf8'));
  } catch (err) {
    return { t: 'error', error: new ContractError('invalid_payload', `unparsable message: ${(err as Error).message}`).toJSON() };
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    // A call whose id is readable gets its own answer, so the client's pending promise settles.
    const id = typeof json === 'object' && json !== null && 'id' in json ? json.id : undefined;
    const error = fromZodError(parsed.error).toJSON();
    return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? { t: 'result', id, ok: false, error } : { t: 'error', error };
  }
  const { id, cmd, args } = parsed.data;
  return { t: 'result', id, ...(await answerCall(engine, cmd, args, caller)) };
}

/** Sends every contract event the engine pushes to `sink`; returns the unsubscribe. */
export function forwardEvents(engine: Pick<Engine, 'on' | 'off'>, sink: EventSinkFn): () => void {
  const offs = Object.keys(events)
    .filter(isEventName)
    .map((name) => {
      const listener = (payload: unknown): void => sink(name, payload);
      engine.on(name, listener);
      return () => engine.off(name, listener);
    });
  return () => {
    for (const off of offs) off();
  };
}
