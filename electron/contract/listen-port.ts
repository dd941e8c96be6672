import { z } from 'zod';
import { ContractErrorSchema, type ContractErrorData } from './errors';
import type { ListenHello } from './listen';

/**
 * The direct listening channel in Electron: the same frames as serve's /ws/listen (an
 * ArrayBuffer of LISTEN_HEADER_BYTES float64 start index, then s16le samples), carried over a
 * MessagePort the main process hands the page. One port per page, one source at a time; the
 * page says start and stop, and acknowledges what it received so that a page that stops
 * reading (hung, throttled) costs the engine dropped blocks, not memory.
 */

/** ipcRenderer.send (page asks) and webContents.postMessage (main answers with the port). */
export const LISTEN_PORT_CHANNEL = 'eas:listen-port';

/**
 * window.postMessage types between the page and the preload: with contextIsolation a port
 * cannot cross contextBridge, so it travels as a transferred object of a window message.
 */
export const LISTEN_PORT_REQUEST = 'eas-listen-port-request';
export const LISTEN_PORT_GRANT = 'eas-listen-port';

/**
 * The page's token for one port request, carried by the preload to the main process and back
 * in the grant: a grant that answers an earlier request (one the page gave up on) is not taken
 * for a later one. Hex, 16 to 64 characters; anything else is no nonce.
 */
export function listenPortNonce(value: unknown): string | null {
  return typeof value === 'string' && /^[0-9a-f]{16,64}$/.test(value) ? value : null;
}

const ListenId = z.number().int().min(0).max(2 ** 31);

/** What the page may send on the port. Anything else is refused with the field named. */
export const ListenPortRequest = z.discriminatedUnion('t', [
  /** Listens to `sourceId` (ending whatever this port listened to before). */
  z.object({ t: z.literal('start'), id: ListenId, sourceId: z.string().min(1).max(64) }).strict(),
  /** Ends listen `id`; a stop for an older listen is ignored. */
  z.object({ t: z.literal('stop'), id: ListenId }).strict(),
  /** Samples of listen `id` the page has taken off the port since its last ack. */
  z.object({ t: z.literal('ack'), id: ListenId, samples: z.number().int().min(0).max(10_000_000) }).strict(),
]);
export type ListenPortRequest = z.infer<typeof ListenPortRequest>;

/**
 * How the page's end closes a listen the port could not carry, besides LISTEN_CLOSE: `lost`
 * (no hello in time, the port closed: the player tries again, on a fresh port) and `refused`
 * (the main process refused the start: the same again would be refused again).
 */
export const LISTEN_PORT_CLOSE = { lost: 4000, refused: 4400 } as const;

/** How often (in samples received) the page acknowledges: a quarter second at the bus rate. */
export const LISTEN_ACK_SAMPLES = 5512;

/** What the main process sends besides the frames (which are bare ArrayBuffers). */
export type ListenPortNotice =
  /** Listen `id` has begun; frames that follow belong to it. */
  | (ListenHello & { id: number })
  /** Listen `id` is over; `code` is one of LISTEN_CLOSE. */
  | { t: 'ended'; id: number; code: number; reason: string }
  /** A message from the page was refused (and ignored). */
  | { t: 'refused'; error: ContractErrorData };

export const ListenPortNoticeSchema = z.union([
  z.object({ t: z.literal('hello'), id: ListenId, sourceId: z.string(), rate: z.number().int().positive() }),
  z.object({ t: z.literal('ended'), id: ListenId, code: z.number().int(), reason: z.string() }),
  z.object({ t: z.literal('refused'), error: ContractErrorSchema }),
]);
