import type { SameEvent } from '../../core/same';
import type { WorkerDecoderEvent } from './messages';

/**
 * A receiver event as the worker posts it: the parsed header stays in the worker (the engine
 * parses `raw` again), so only plain fields cross the thread boundary. Shared with the tests
 * that hand decoder events to the desk as the worker would.
 */
export function toWorkerEvent(e: SameEvent): WorkerDecoderEvent {
  switch (e.type) {
    case 'header':
      return { type: 'header', sample: e.sample, raw: e.raw, bursts: e.bursts, bitConfidence: e.bitConfidence, ...(e.note ? { note: e.note } : {}) };
    case 'eom':
      return { type: 'eom', sample: e.sample };
    case 'attention':
      return e.phase === 'start'
        ? { type: 'attention', phase: 'start', sample: e.sample, kind: e.kind }
        : { type: 'attention', phase: 'end', sample: e.sample, kind: e.kind, durationS: e.durationS };
    case 'burst':
      return { type: 'burst', sample: e.sample, text: e.text, bitErrorEstimate: e.bitErrorEstimate };
    case 'link':
      return { type: 'link', sample: e.sample, state: e.state };
  }
}
