import type { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../contract';

/** The engine's events: every contract event, with its payload. */
export type EngineEventMap = { [E in EventName]: [EventPayload<E>] };

/** How a room of the engine pushes contract events to the UIs (the Engine itself). */
export type EventSink = Pick<EventEmitter<EngineEventMap>, 'emit'>;

/** A line for the operator: the engine's log and the UI's `log` event. */
export type LogEvent = (level: 'info' | 'warn' | 'error', message: string) => void;
