import { z } from 'zod';
import { Alert, DecoderEvent, LevelFrame, ProgramChange, SourceStatus, StreamStatus } from './dto';
import { IcecastStatsView, IcecastView } from './icecast';
import { terminalEvents } from './terminal';
import { alertDeskEvents } from './alert-desk';

/** Events the engine pushes. High-rate data (levels) is batched before it gets here. */
export const events = {
  levels: z.object({ frames: z.array(LevelFrame) }),
  'sources.changed': z.array(SourceStatus),
  'program.changed': ProgramChange,
  'streams.changed': z.array(StreamStatus),
  'decoder.event': DecoderEvent,
  'icecast.stats': IcecastStatsView,
  'icecast.changed': IcecastView,
  /** The unexpired alerts, relevant or not, whenever one of them or the set changes (an expiry is pushed when it happens). */
  'alerts.changed': z.object({ active: z.array(Alert) }),
  log: z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string(), at: z.string() }),
  ...terminalEvents,
  ...alertDeskEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
