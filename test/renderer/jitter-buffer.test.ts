import { describe, expect, it } from 'vitest';
import { JitterBuffer } from '../../renderer/src/audio/jitter-buffer';

const RATE = 22050;
const QUANTUM = 128;
const TONE_HZ = 440;
const AMP = 0.5;
/** A 440 Hz sine at 0.5 moves at most 2*pi*440/22050*0.5 = 0.063 per sample; a click is far more. */
const STEP_BOUND = 0.1;

/** A continuous sine cut into network-sized blocks, phase kept across blocks. */
function toneSource(): (n: number) => Int16Array {
  let phase = 0;
  return (n) => {
    const b = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      b[i] = Math.round(Math.sin(phase) * AMP * 32767);
      phase += (2 * Math.PI * TONE_HZ) / RATE;
    }
    return b;
  };
}

/** Pulls quanta and records the largest step between consecutive output samples. */
class Device {
  private last = 0;
  maxStep = 0;
  readonly out = new Float32Array(QUANTUM);
  constructor(private readonly jb: JitterBuffer) {}
  pull(): void {
    this.jb.pull(this.out);
    for (let i = 0; i < QUANTUM; i++) {
      this.maxStep = Math.max(this.maxStep, Math.abs(this.out[i] - this.last));
      this.last = this.out[i];
    }
  }
}

/**
 * Simulated time in device quanta: the producer delivers `blockMs` blocks at `producerRate`
 * samples per device second (drift), optionally stalling between `stall` times (seconds).
 */
function run(opts: { seconds: number; producerRate: number; blockMs?: number; stall?: [number, number] }) {
  const jb = new JitterBuffer({ sampleRate: RATE, targetMs: 150 });
  const dev = new Device(jb);
  const tone = toneSource();
  const block = Math.round(((opts.blockMs ?? 20) * RATE) / 1000);
  let produced = 0;
  let maxLevelAfterStart = 0;
  const quanta = Math.round((opts.seconds * RATE) / QUANTUM);
  for (let q = 0; q < quanta; q++) {
    const t = (q * QUANTUM) / RATE;
    const stalled = opts.stall && t >= opts.stall[0] && t < opts.stall[1];
    while (!stalled && produced + block <= t * opts.producerRate) {
      jb.push(tone(block));
      produced += block;
    }
    dev.pull();
    if (t > 5) maxLevelAfterStart = Math.max(maxLevelAfterStart, jb.level());
  }
  return { jb, dev, stats: jb.snapshot(), maxLevelAfterStart };
}

describe('JitterBuffer', () => {
  it('plays a steady stream without underruns or steps', () => {
    const { stats, dev } = run({ seconds: 30, producerRate: RATE });
    expect(stats.underruns).toBe(0);
    expect(stats.overruns).toBe(0);
    expect(dev.maxStep).toBeLessThan(STEP_BOUND);
  });

  it.each([+0.005, -0.005])('follows a clock drift of %f without underrun, overrun or click', (drift) => {
    const { stats, dev, maxLevelAfterStart } = run({ seconds: 300, producerRate: RATE * (1 + drift) });
    expect(stats.underruns).toBe(0);
    expect(stats.overruns).toBe(0);
    expect(dev.maxStep).toBeLessThan(STEP_BOUND);
    // Latency stays near the target: 0.5 % settles about 50 ms off it.
    expect(maxLevelAfterStart / RATE).toBeLessThan(0.3);
    expect(Math.abs(stats.ratio - 1 - drift)).toBeLessThan(0.002);
  });

  it('fades out on an underrun and fades back in, without a click', () => {
    const { stats, dev } = run({ seconds: 10, producerRate: RATE, stall: [3, 3.5] });
    expect(stats.underruns).toBe(1);
    expect(stats.playing).toBe(true);
    expect(dev.maxStep).toBeLessThan(STEP_BOUND);
  });

  it('skips ahead after a burst with a crossfade, keeping latency bounded', () => {
    const jb = new JitterBuffer({ sampleRate: RATE, targetMs: 150 });
    const dev = new Device(jb);
    const tone = toneSource();
    jb.push(tone(Math.round(RATE * 0.2)));
    for (let i = 0; i < 20; i++) dev.pull();
    // A stalled network hands over 1.5 s at once.
    jb.push(tone(Math.round(RATE * 1.5)));
    dev.pull();
    const s = jb.snapshot();
    expect(s.overruns).toBe(1);
    expect(s.level / RATE).toBeLessThan(0.2);
    expect(s.droppedSamples).toBeGreaterThan(RATE);
    // The jump is a crossfade between two phases of the tone: bounded by the tone's own slope
    // plus the blend of two samples of amplitude AMP over the fade.
    expect(dev.maxStep).toBeLessThan(STEP_BOUND);
    expect(s.underruns).toBe(0);
  });

  it('outputs silence until the target is buffered', () => {
    const jb = new JitterBuffer({ sampleRate: RATE, targetMs: 150 });
    const out = new Float32Array(QUANTUM).fill(1);
    jb.push(toneSource()(Math.round(RATE * 0.1)));
    jb.pull(out);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(jb.snapshot().playing).toBe(false);
  });

  it('drops the oldest audio when the ring overflows', () => {
    const jb = new JitterBuffer({ sampleRate: RATE, targetMs: 150, capacityMs: 500 });
    const tone = toneSource();
    for (let i = 0; i < 100; i++) jb.push(tone(441));
    expect(jb.level()).toBeLessThan(RATE * 2);
    expect(jb.snapshot().droppedSamples).toBeGreaterThan(0);
  });
});
