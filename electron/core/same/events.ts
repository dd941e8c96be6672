import type { SameHeader } from '../alerts/header';
import type { AttentionKind } from './attention';

export type LinkState = 'idle' | 'carrier' | 'sync' | 'message';

/**
 * Everything the receiver reports. `sample` is always an input sample index (counted from the
 * first sample pushed) of the start of what the event describes.
 */
export type SameEvent =
  /** One burst as received: its text (bytes after the preamble, as decoded, one char per byte) and an estimated bit error rate. */
  | { type: 'burst'; sample: number; text: string; bitErrorEstimate: number }
  /**
   * A header decided on its bursts together (2 or 3; 1 only with the receiver's singleBurstAlerts)
   * and accepted by parseHeader; `raw` is the exact header text. Emitted only when the posterior
   * probability that it differs from what was sent is at most 1e-4. bitConfidence: the probability
   * that every bit is right if the sender followed the grammar (1 on clean bursts). `note`, for the
   * decoder-event log and the alert: why this header is unusual, e.g. "two of three bursts
   * received" or 'nonconforming sender ID "WTSP/TV"' (header.deviations lists the latter typed).
   */
  | { type: 'header'; sample: number; raw: string; header: SameHeader; bursts: number; bitConfidence: number; note?: string }
  /** An EOM group (NNNN), once per group. */
  | { type: 'eom'; sample: number; bursts: number }
  /** Attention signal start, reported once the tone has lasted 1 s (sample = where it began). */
  | { type: 'attention'; phase: 'start'; sample: number; kind: AttentionKind }
  /** Attention signal end (sample = where it stopped). */
  | { type: 'attention'; phase: 'end'; sample: number; kind: AttentionKind; durationS: number }
  /** Link state: idle (nothing), carrier (FSK heard), sync (reading a burst), message (between bursts of a group). */
  | { type: 'link'; sample: number; state: LinkState };
