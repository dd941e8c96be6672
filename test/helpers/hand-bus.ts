import type { PcmBus, PcmListener } from '../../electron/engine/bus';

/**
 * A source bus a test feeds by hand, block by block, so what a listener hears can be checked
 * sample for sample. `fill(block, firstSample, blockIndex)` writes each block (default: a ramp).
 */
export class HandBus implements PcmBus {
  readonly listeners = new Set<PcmListener>();
  at = 0;
  constructor(
    readonly sourceId: string,
    private readonly fill: (block: Int16Array, at: number, b: number) => void = (block, at) => {
      for (let i = 0; i < block.length; i++) block[i] = ((at + i) % 2000) - 1000;
    },
  ) {}
  onPcm(l: PcmListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  push(blocks: number, length = 441): void {
    for (let b = 0; b < blocks; b++) {
      const block = new Int16Array(length);
      this.fill(block, this.at, b);
      for (const l of this.listeners) l(block, this.at);
      this.at += length;
    }
  }
}
