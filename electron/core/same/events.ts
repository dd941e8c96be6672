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
   * A voted header that parseHeader accepted; `raw` is the exact header text. bitConfidence: the
   * estimated probability that every header bit is right (1 - summed per-bit error posteriors from
   * the bursts' soft decisions); headers below 0.98 are not emitted.
   */
  | { type: 'header'; sample: number; raw: string; header: SameHeader; bursts: number; bitConfidence: number }
  /** An EOM group (NNNN), once per group. */
  | { type: 'eom'; sample: number; bursts: number }
  /** Attention signal start, reported once the tone has lasted 1 s (sample = where it began). */
  | { type: 'attention'; phase: 'start'; sample: number; kind: AttentionKind }
  /** Attention signal end (sample = where it stopped). */
  | { type: 'attention'; phase: 'end'; sample: number; kind: AttentionKind; durationS: number }
  /** Link state: idle (nothing), carrier (FSK heard), sync (reading a burst), message (between bursts of a group). */
  | { type: 'link'; sample: number; state: LinkState };
