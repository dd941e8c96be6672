/** What the listening worklet and its node say to each other over the MessagePort. */
export type ToWorklet =
  /** One listen frame exactly as it came off the socket (header, then s16 samples). */
  | { type: 'frame'; frame: ArrayBuffer; headerBytes: number }
  | { type: 'reset' };

export interface WorkletStats {
  type: 'stats';
  framesRendered: number;
  underruns: number;
  overruns: number;
  droppedSamples: number;
  bufferedMs: number;
  ratio: number;
  playing: boolean;
  /** Peak of what was played since the last report, 0..1. */
  peak: number;
}
