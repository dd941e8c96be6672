/**
 * Cuts a byte stream of raw PCM (a child's stdout, arbitrary chunk boundaries) into mono
 * Float32 blocks. One output buffer is reused: the consumer must copy what it keeps, which is
 * the CaptureContext.emit contract anyway.
 */
export type RawPcmFormat = 's16le' | 'f32le';

export class PcmFramer {
  private readonly bytesPerSample: number;
  private readonly out: Float32Array;
  /** Bytes of a sample split across chunks. */
  private readonly carry = new Uint8Array(4);
  private carryLen = 0;
  private total = 0;

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
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carryLen > 0) {
      while (this.carryLen < bps && pos < chunk.length) this.carry[this.carryLen++] = chunk[pos++]!;
      if (this.carryLen < bps) return;
      const cv = new DataView(this.carry.buffer);
      out[n++] = bps === 2 ? cv.getInt16(0, true) / 32768 : cv.getFloat32(0, true);
      this.carryLen = 0;
    }
    const whole = pos + Math.floor((chunk.length - pos) / bps) * bps;
    const cap = out.length;
    if (bps === 2) {
      for (; pos < whole; pos += 2) {
        out[n++] = view.getInt16(pos, true) / 32768;
        if (n === cap) n = this.flush(n);
      }
    } else {
      for (; pos < whole; pos += 4) {
        out[n++] = view.getFloat32(pos, true);
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
