/**
 * The one way the kernels make room in a working buffer: a stage whose history plus the new
 * block no longer fits gets a larger buffer (at least double, so a stream of slightly larger
 * blocks reallocates a handful of times, not per block) with the held values copied over.
 * Typed arrays only: Float32 sample buffers, the front end's u8 IQ bytes, the archive overview's
 * per-second level bytes.
 */
export type GrowableArray = Float32Array | Uint8Array;

/** `buf` if it holds `need` values, else a new array of the same type with buf[0, held) copied. */
export function withRoom<T extends GrowableArray>(buf: T, held: number, need: number): T {
  if (need <= buf.length) return buf;
  const Ctor = buf.constructor as new (length: number) => T;
  const grown = new Ctor(Math.max(need, buf.length * 2));
  grown.set(buf.subarray(0, held));
  return grown;
}
