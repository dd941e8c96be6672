/**
 * The last few seconds of stage-1 output (complex baseband) and of the timing loop's bits, so a
 * burst can be demodulated again once it has been heard whole. Fixed-size rings written block by
 * block; nothing is allocated while the receiver runs.
 */

export interface BasebandRing {
  readonly re: Float32Array;
  readonly im: Float32Array;
  readonly mask: number;
  /** Absolute stage-1 index of the next sample to be written. */
  written: number;
}

/** Ring with room for at least `seconds` at `rate`. */
export function createBasebandRing(rate: number, seconds: number): BasebandRing {
  let size = 1;
  while (size < rate * seconds) size <<= 1;
  return { re: new Float32Array(size), im: new Float32Array(size), mask: size - 1, written: 0 };
}

export function basebandWrite(ring: BasebandRing, re: Float32Array, im: Float32Array, count: number): void {
  const mask = ring.mask;
  let w = ring.written;
  for (let i = 0; i < count; i++, w++) {
    ring.re[w & mask] = re[i];
    ring.im[w & mask] = im[i];
  }
  ring.written = w;
}

/** Oldest absolute index still held. */
export function basebandOldest(ring: BasebandRing): number {
  return Math.max(0, ring.written - ring.re.length);
}

/**
 * Per recovered bit (indexed by the framer's bit count): the loop's strobe time (stage-2 samples)
 * and the correlator energy there, which tells where a burst's carrier ends.
 */
export interface BitRing {
  readonly strobe: Float64Array;
  readonly energy: Float32Array;
  readonly mask: number;
  /** Bits written so far (= the framer's bit count). */
  count: number;
}

export function createBitRing(bits: number): BitRing {
  let size = 1;
  while (size < bits) size <<= 1;
  return { strobe: new Float64Array(size), energy: new Float32Array(size), mask: size - 1, count: 0 };
}

export function bitRingPush(ring: BitRing, strobe: number, energy: number): void {
  const slot = ring.count & ring.mask;
  ring.strobe[slot] = strobe;
  ring.energy[slot] = energy;
  ring.count++;
}
