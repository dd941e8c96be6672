import { describe, expect, it } from 'vitest';
import { LevelMeter, SILENCE_DB } from '../../../electron/core/meter/levels';

function sine(n: number, freq: number, rate: number, amp = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate + 0.3);
  return out;
}

describe('LevelMeter', () => {
  it('reads a full-scale sine as 0 dBFS peak and -3.01 dBFS RMS', () => {
    const m = new LevelMeter();
    // 1 kHz at 22050 Hz over many whole periods; pushed in uneven blocks like real input.
    const s = sine(22050, 1000, 22050);
    m.push(s.subarray(0, 1000));
    m.push(s.subarray(1000, 7331));
    m.push(s.subarray(7331));
    const r = m.take();
    expect(Math.abs(r.peakDb - 0)).toBeLessThan(0.05);
    expect(Math.abs(r.rmsDb - -3.0103)).toBeLessThan(0.05);
  });

  it('scales with amplitude: -20 dB sine reads -20 peak, -23.01 RMS', () => {
    const m = new LevelMeter();
    m.push(sine(44100, 440, 22050, 0.1));
    const r = m.take();
    expect(r.peakDb).toBeCloseTo(-20, 1);
    expect(r.rmsDb).toBeCloseTo(-23.01, 1);
  });

  it('reports silence as the floor, never -Infinity', () => {
    const m = new LevelMeter();
    m.push(new Float32Array(2205));
    const r = m.take();
    expect(r.peakDb).toBe(SILENCE_DB);
    expect(r.rmsDb).toBe(SILENCE_DB);
  });

  it('gives min/max waveform pairs per column and resets after take()', () => {
    const m = new LevelMeter(100, 8);
    const block = new Float32Array(350);
    block[10] = 0.5;
    block[150] = -0.25;
    m.push(block);
    const r = m.take();
    expect(r.peaks.length).toBe(6); // 3 full columns of 100 samples
    expect(r.peaks.slice(0, 2)).toEqual([0, 0.5]);
    expect(r.peaks.slice(2, 4)).toEqual([-0.25, 0]);
    expect(m.take().peaks.length).toBe(0);
  });

  it('keeps only the newest columns when a batch overflows', () => {
    const m = new LevelMeter(10, 4);
    const block = new Float32Array(100);
    for (let i = 0; i < 100; i++) block[i] = i / 100;
    m.push(block);
    const r = m.take();
    expect(r.peaks.length).toBe(8);
    expect(r.peaks[r.peaks.length - 1]).toBeCloseTo(0.99, 3);
  });
});
