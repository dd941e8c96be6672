import type { DecoderEvent } from '../../contract';

/** The most recent decoder events, newest last, bounded so a noisy input cannot grow memory. */
export class DecoderLog {
  private readonly items: DecoderEvent[] = [];
  constructor(private readonly capacity = 500) {}

  add(event: DecoderEvent): void {
    this.items.push(event);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  recent(limit = 100): DecoderEvent[] {
    return this.items.slice(-limit);
  }
}
