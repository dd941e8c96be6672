import { describe, expect, it } from 'vitest';
import { SameReceiver, writeAttention, type SameEvent } from '../../../electron/core/same/index';
import { addAwgn, concat, silence, speechLike } from '../../helpers/signals';

const RATE = 22050;

function tone(freqs: number[], seconds: number, amplitude = 0.5, rate = RATE): Float32Array {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  const a = amplitude / freqs.length;
  for (let i = 0; i < n; i++) for (const f of freqs) x[i] += a * Math.sin((2 * Math.PI * f * i) / rate);
  return x;
}

type Att = Extract<SameEvent, { type: 'attention' }>;

/**
 * Attention events, each with `at`: how much input the receiver had been given when it reported
 * the event (the end of the push during which it came; pushes of 256 samples).
 */
function attention(x: Float32Array, rate = RATE): Array<Att & { at: number }> {
  const out: Array<Att & { at: number }> = [];
  let pushedTo = 0;
  const rx = new SameReceiver({ sampleRate: rate, onEvent: (e) => e.type === 'attention' && out.push({ ...e, at: pushedTo }) });
  for (let i = 0; i < x.length; i += 256) {
    pushedTo = Math.min(x.length, i + 256);
    rx.push(x.subarray(i, pushedTo));
  }
  rx.flush();
  return out;
}

describe('attention signal detection', () => {
  it('reports the 1050 Hz NWR tone after >= 1 s of tone, then its end and duration', () => {
    const lead = Math.round(1.3 * RATE);
    const x = concat(silence(1.3, RATE), tone([1050], 8), silence(1, RATE));
    const ev = attention(x);
    expect(ev.map((e) => `${e.phase}:${e.kind}`)).toEqual(['start:nwr', 'end:nwr']);
    expect(Math.abs(ev[0].sample - lead)).toBeLessThanOrEqual(0.15 * RATE);
    // Not reported before a full second of tone has been heard.
    expect(ev[0].at).toBeGreaterThanOrEqual(lead + RATE);
    const end = ev[1];
    if (end.phase !== 'end') throw new Error('no end');
    expect(Math.abs(end.sample - (lead + 8 * RATE))).toBeLessThanOrEqual(0.15 * RATE);
    expect(end.durationS).toBeGreaterThan(7.8);
    expect(end.durationS).toBeLessThan(8.2);
  });

  it('reports the 853 + 960 Hz two-tone signal, as the encoder writes it, at several rates', () => {
    for (const rate of [8000, 22050, 48000]) {
      const sig = new Float32Array(Math.round(5 * rate));
      writeAttention(sig, 0, sig.length, 'two-tone', rate, 0.5);
      const ev = attention(concat(silence(0.5, rate), sig, silence(1, rate)), rate);
      expect(ev.map((e) => `${e.phase}:${e.kind}`)).toEqual(['start:two-tone', 'end:two-tone']);
      const end = ev[1];
      if (end.phase === 'end') expect(Math.abs(end.durationS - 5)).toBeLessThan(0.2);
    }
  });

  it('ignores tones shorter than 1 s, single tones of the two-tone pair, tones 10 Hz off and the note C6', () => {
    const x = concat(
      tone([1046.5], 3),
      silence(1, RATE),
      tone([1050], 0.8),
      silence(1, RATE),
      tone([853], 3),
      silence(1, RATE),
      tone([960], 3),
      silence(1, RATE),
      tone([1040], 3),
      silence(1, RATE),
      tone([863, 970], 3),
      silence(1, RATE),
    );
    expect(attention(x)).toEqual([]);
  });

  it('accepts a tone 1 Hz off and a signal in noise at 3 dB SNR', () => {
    expect(attention(concat(tone([1051], 3), silence(0.5, RATE))).map((e) => e.kind)).toEqual(['nwr', 'nwr']);
    const noisy = addAwgn(concat(silence(0.5, RATE), tone([1050], 4), silence(0.5, RATE)), 3, 9);
    expect(attention(noisy).map((e) => e.phase)).toEqual(['start', 'end']);
  });

  it('ends the signal when programme audio follows it, and ignores the programme', () => {
    const x = concat(tone([853, 960], 4), speechLike(6, RATE, 4, 0.5));
    const ev = attention(x);
    expect(ev.map((e) => `${e.phase}:${e.kind}`)).toEqual(['start:two-tone', 'end:two-tone']);
    const end = ev[1];
    if (end.phase === 'end') expect(Math.abs(end.durationS - 4)).toBeLessThan(0.2);
  });

  it('reports an attention signal still sounding at end of input from flush()', () => {
    const ev = attention(tone([1050], 2.5));
    expect(ev.map((e) => e.phase)).toEqual(['start', 'end']);
  });
});
