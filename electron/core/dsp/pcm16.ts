/**
 * The one conversion between Float32 audio in -1..1 and signed 16-bit PCM.
 *
 * Both directions use 2^15: s16 -> f32 divides by 32768 (as ffmpeg, the PcmFramer and the WAV
 * reader do), so f32 -> s16 multiplies by 32768, and a block that went s16 -> f32 -> s16
 * comes back bit for bit. +1.0 itself has no s16 code and clips to 32767. Rounding is to the
 * nearest code (halves towards +inf, as Math.round does) rather than truncation, which would
 * bias every sample towards zero and add a half-LSB of distortion. NaN becomes 0: a NaN in a
 * recording or a stream is a click at full scale otherwise.
 */
export const S16_SCALE = 32768;
const MAX = 32767;
const MIN = -32768;

/** One sample to s16: rounded to the nearest code, clipped, NaN as 0. */
export function f32ToS16Sample(x: number): number {
  const v = x * S16_SCALE;
  // NaN fails both comparisons and Math.round(NaN) is NaN, which an Int16Array stores as 0;
  // `| 0` makes that explicit for callers that keep the number.
  return v >= MAX ? MAX : v <= MIN ? MIN : Math.round(v) | 0;
}

/** One s16 code to float in -1..1 (exactly representable: every code maps to a distinct float). */
export function s16ToF32Sample(s: number): number {
  return s / S16_SCALE;
}

/**
 * Converts `src` into `dst` (which must be at least as long) and returns the filled part of
 * `dst`; without `dst` a new array is made, for callers that hand the result on (transfer,
 * a write stream).
 */
export function f32ToS16(src: Float32Array): Int16Array<ArrayBuffer>;
export function f32ToS16<B extends ArrayBufferLike>(src: Float32Array, dst: Int16Array<B>): Int16Array<B>;
export function f32ToS16(src: Float32Array, dst: Int16Array = new Int16Array(src.length)): Int16Array {
  const n = src.length;
  if (dst.length < n) throw new RangeError(`f32ToS16: destination holds ${dst.length} samples, source has ${n}`);
  for (let i = 0; i < n; i++) {
    const v = src[i]! * S16_SCALE;
    dst[i] = v >= MAX ? MAX : v <= MIN ? MIN : Math.round(v);
  }
  return n === dst.length ? dst : dst.subarray(0, n);
}

/** Converts s16 `src` into `dst` (at least as long); returns the filled part of `dst`. */
export function s16ToF32(src: Int16Array): Float32Array<ArrayBuffer>;
export function s16ToF32<B extends ArrayBufferLike>(src: Int16Array, dst: Float32Array<B>): Float32Array<B>;
export function s16ToF32(src: Int16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const n = src.length;
  if (dst.length < n) throw new RangeError(`s16ToF32: destination holds ${dst.length} samples, source has ${n}`);
  const k = 1 / S16_SCALE;
  for (let i = 0; i < n; i++) dst[i] = src[i]! * k;
  return n === dst.length ? dst : dst.subarray(0, n);
}
