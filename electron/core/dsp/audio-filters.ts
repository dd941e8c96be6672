/**
 * FM de-emphasis: the single-pole low-pass 1/(1 + sτ) that undoes the transmitter's
 * pre-emphasis (75 µs in the Americas, 50 µs in Europe). Run it at the discriminator rate,
 * well above 1/(2πτ), so the impulse-invariant pole matches the analog curve in the audio band.
 */
export class Deemphasis {
  private readonly a: number;
  private y = 0;

  constructor(sampleRate: number, tauSeconds: number) {
    this.a = tauSeconds > 0 ? 1 - Math.exp(-1 / (tauSeconds * sampleRate)) : 1;
  }

  /** In place is allowed (input === output). */
  process(input: Float32Array, output: Float32Array): number {
    const a = this.a;
    let y = this.y;
    const n = input.length;
    for (let i = 0; i < n; i++) {
      y += a * (input[i]! - y);
      output[i] = y;
    }
    this.y = y;
    return n;
  }

  reset(): void {
    this.y = 0;
  }
}

/**
 * DC blocker y = x - x[-1] + r·y[-1]. A tuning error (ppm) shows up as DC after the
 * discriminator; removing it keeps level meters and silence detection honest.
 */
export class DcBlocker {
  private readonly r: number;
  private x1 = 0;
  private y1 = 0;

  constructor(sampleRate: number, cornerHz = 20) {
    this.r = Math.exp((-2 * Math.PI * cornerHz) / sampleRate);
  }

  process(input: Float32Array, output: Float32Array): number {
    const r = this.r;
    let x1 = this.x1;
    let y1 = this.y1;
    const n = input.length;
    for (let i = 0; i < n; i++) {
      const x = input[i]!;
      y1 = x - x1 + r * y1;
      x1 = x;
      output[i] = y1;
    }
    this.x1 = x1;
    this.y1 = y1;
    return n;
  }

  reset(): void {
    this.x1 = 0;
    this.y1 = 0;
  }
}
