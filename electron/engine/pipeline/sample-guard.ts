/**
 * Largest magnitude passed on. Float decoders overshoot 1.0 a little on loud material; far
 * beyond, or NaN, is a damaged input (a corrupt frame, a driver bug), not audio.
 */
export const SAMPLE_LIMIT = 8;

/**
 * Keeps broken samples out of the meters, the recorder and the SAME receiver: one sample of
 * 1e20 would overflow the receiver's energy sums and leave it deaf for as long as the source
 * runs. The common case (every sample in range) costs one comparison per sample and no copy.
 */
export class SampleGuard {
  private scratch = new Float32Array(0);
  /** Samples replaced since the guard was made. */
  fixed = 0;

  /** The block itself when every sample is in range; else a clamped copy (NaN becomes 0), valid until the next call. */
  apply(block: Float32Array): Float32Array {
    const n = block.length;
    let i = 0;
    for (; i < n; i++) {
      const x = block[i]!;
      if (!(x >= -SAMPLE_LIMIT && x <= SAMPLE_LIMIT)) break;
    }
    if (i === n) return block;
    if (this.scratch.length < n) this.scratch = new Float32Array(Math.max(n, 4096));
    const out = this.scratch.subarray(0, n);
    out.set(block);
    for (; i < n; i++) {
      const x = out[i]!;
      if (x >= -SAMPLE_LIMIT && x <= SAMPLE_LIMIT) continue;
      out[i] = x > SAMPLE_LIMIT ? SAMPLE_LIMIT : x < -SAMPLE_LIMIT ? -SAMPLE_LIMIT : 0;
      this.fixed++;
    }
    return out;
  }
}
