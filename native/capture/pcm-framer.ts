import { s16ToF32Sample } from '../../electron/core/dsp/pcm16';

/**
 * Cuts a byte stream of raw PCM (a child's stdout, arbitrary chunk boundaries) into mono
 * Float32 blocks of at most `maxBlockSamples`, for every PCM source (ALSA, HTTP, files).
 *
 * One preallocated block is reused: no sample memory is allocated per chunk, only small view
 * objects (a subarray for a short last block; a DataView when f32 bytes arrive in a new
 * ArrayBuffer, which for a pipe is each chunk Node itself allocated). The consumer therefore
 * only borrows the block for the call, which is the CaptureContext.emit contract: the source
 * worker meters, records (converting into its own ring) and decodes it in place, and copies
 * what it posts to the main thread.
 *
 * A chunk's last whole samples go out at the end of that chunk (a block shorter than the
 * maximum) rather than waiting for the next one, so a framer adds no latency.
 */
export type RawPcmFormat = 's16le' | 'f32le';

export class PcmFramer {
  private readonly bytesPerSample: 2 | 4;
  private readonly out: Float32Array;
  /** Bytes of a sample split across chunks. */
  private readonly carry = new Uint8Array(4);
  private readonly carryView = new DataView(this.carry.buffer);
  private carryLen = 0;
  private total = 0;
  private view: DataView | null = null;

  constructor(
    format: RawPcmFormat,
    private readonly onBlock: (block: Float32Array) => void,
    maxBlockSamples = 2048,
  ) {
    this.bytesPerSample = format === 's16le' ? 2 : 4;
    this.out = new Float32Array(maxBlockSamples);
  }

  /** Samples delivered so far. */
  get samples(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    const bps = this.bytesPerSample;
    let pos = 0;
    let n = 0;
    const out = this.out;
    if (this.carryLen > 0) {
      while (this.carryLen < bps && pos < chunk.length) this.carry[this.carryLen++] = chunk[pos++]!;
      if (this.carryLen < bps) return;
      out[n++] = bps === 2 ? s16ToF32Sample(this.carryView.getInt16(0, true)) : this.carryView.getFloat32(0, true);
      this.carryLen = 0;
      if (n === out.length) n = this.flush(n);
    }
    const whole = pos + Math.floor((chunk.length - pos) / bps) * bps;
    const cap = out.length;
    if (bps === 2) {
      for (; pos < whole; pos += 2) {
        // Little-endian int16 from two bytes, sign-extended by the shifts.
        out[n++] = s16ToF32Sample((((chunk[pos + 1]! << 8) | chunk[pos]!) << 16) >> 16);
        if (n === cap) n = this.flush(n);
      }
    } else if (pos < whole) {
      let view = this.view;
      if (view === null || view.buffer !== chunk.buffer) view = this.view = new DataView(chunk.buffer);
      for (let at = chunk.byteOffset + pos; pos < whole; pos += 4, at += 4) {
        out[n++] = view.getFloat32(at, true);
        if (n === cap) n = this.flush(n);
      }
    }
    if (n > 0) this.flush(n);
    while (pos < chunk.length) this.carry[this.carryLen++] = chunk[pos++]!;
  }

  private flush(n: number): number {
    this.total += n;
    this.onBlock(n === this.out.length ? this.out : this.out.subarray(0, n));
    return 0;
  }
}
