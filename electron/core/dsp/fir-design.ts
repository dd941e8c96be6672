/**
 * FIR design in code (Kaiser-windowed sinc), so every filter is derived from its rates and
 * edges instead of being a table nobody can re-derive.
 */

/** Kaiser's beta for a stopband attenuation in dB. */
export function kaiserBeta(attenDb: number): number {
  if (attenDb > 50) return 0.1102 * (attenDb - 8.7);
  if (attenDb >= 21) return 0.5842 * Math.pow(attenDb - 21, 0.4) + 0.07886 * (attenDb - 21);
  return 0;
}

/** Odd tap count that reaches `attenDb` over a transition band of `transitionHz` at `rate`. */
export function kaiserTapCount(attenDb: number, transitionHz: number, rate: number): number {
  if (!(transitionHz > 0)) throw new RangeError(`transition band must be positive, got ${transitionHz} Hz`);
  const n = Math.ceil((attenDb - 7.95) / ((14.36 * transitionHz) / rate)) + 1;
  return n % 2 === 0 ? n + 1 : Math.max(3, n);
}

/** Modified Bessel function of the first kind, order 0 (series; converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * Linear-phase low-pass taps: sinc at `cutoffHz` (the -6 dB point, put it mid-transition)
 * times a Kaiser window, scaled so the DC gain is `gain`.
 */
export function lowpassTaps(numTaps: number, cutoffHz: number, rate: number, attenDb = 60, gain = 1): Float32Array {
  const taps = new Float64Array(numTaps);
  const beta = kaiserBeta(attenDb);
  const fc = cutoffHz / rate;
  const mid = (numTaps - 1) / 2;
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < numTaps; n++) {
    const t = n - mid;
    const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
    const r = mid === 0 ? 0 : t / mid;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    taps[n] = sinc * w;
    sum += taps[n]!;
  }
  const out = new Float32Array(numTaps);
  for (let n = 0; n < numTaps; n++) out[n] = (taps[n]! / sum) * gain;
  return out;
}

/** Designs a low-pass from its band edges: pass up to `passHz`, `attenDb` down from `stopHz`. */
export function designLowpass(passHz: number, stopHz: number, rate: number, attenDb = 60, gain = 1): Float32Array {
  const n = kaiserTapCount(attenDb, stopHz - passHz, rate);
  return lowpassTaps(n, (passHz + stopHz) / 2, rate, attenDb, gain);
}

/** |H(f)| of real taps at `freqHz` (used by tests and to sanity-check designs). */
export function magnitudeAt(taps: ArrayLike<number>, freqHz: number, rate: number): number {
  let re = 0;
  let im = 0;
  const w = (2 * Math.PI * freqHz) / rate;
  for (let n = 0; n < taps.length; n++) {
    re += taps[n]! * Math.cos(w * n);
    im -= taps[n]! * Math.sin(w * n);
  }
  return Math.hypot(re, im);
}

export function gcd(a: number, b: number): number {
  a = Math.abs(Math.round(a));
  b = Math.abs(Math.round(b));
  while (b) [a, b] = [b, a % b];
  return a;
}
