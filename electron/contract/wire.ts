import { z } from 'zod';
import { ContractErrorSchema, type ContractErrorData } from './errors';

/**
 * Messages on the serve-mode WebSocket. Electron IPC uses the same command and event names
 * (channels "eas:call" and "eas:event") with the same payloads, so both transports share
 * one validator.
 */
export const ClientMessage = z
  .object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    cmd: z.string().max(64),
    args: z.unknown(),
  })
  .strict();
export type ClientMessage = z.infer<typeof ClientMessage>;

// A plain union: two members share t = 'result' (told apart by ok), which a zod 4
// discriminated union refuses.
export const ServerMessage = z.union([
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ContractErrorSchema }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
  /** A message that could not be tied to a call (unparsable, no id). */
  z.object({ t: z.literal('error'), error: ContractErrorSchema }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** The answer to one call, as both transports carry it (IPC as is, the WebSocket inside a 'result'). */
export type CallReply = { ok: true; value: unknown } | { ok: false; error: ContractErrorData };

export const IPC_CALL = 'eas:call';
export const IPC_EVENT = 'eas:event';
/** Largest WebSocket/IPC message the engine accepts, bytes. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
