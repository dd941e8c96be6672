/**
 * A source's audio as the rest of the engine (streams, recorder, monitor) sees it on the
 * main thread: s16 mono blocks at BUS_RATE, stamped with the bus sample index of block[0].
 * The worker sends a block only while someone listens, so idle taps cost nothing.
 */
export type PcmListener = (block: Int16Array, startSample: number) => void;

export interface PcmBus {
  readonly sourceId: string;
  onPcm(listener: PcmListener): () => void;
}
