import { describe, expect, it } from 'vitest';
import { RTL_SAMPLE_RATES } from '../../../electron/contract/sources/rtl-uri';
import { FmIqSynth, FmReceiverChain, NOAA_WEATHER_CHANNELS, noaaChannelAt, type FmMode } from '../../../electron/core/dsp';
import { concat, fitTone, rms } from './tone-fit';

const OUT = 22050;
const TAU = 75e-6;

interface Signal {
  mode: FmMode;
  rate: number;
  seconds: number;
  tones: { freq: number; amp: number }[];
  preEmphasis?: boolean;
  carrier?: number;
  noiseDbfs?: number | null;
  offsetHz?: number;
  carrierOffsetHz?: number;
}

/**
 * The "transmitter": program audio (sum of tones) with analog 75 µs pre-emphasis applied
 * exactly per tone (gain |1 + jωτ|, phase arg(1 + jωτ)), FM at the mode's deviation, noise, u8.
 */
function makeIq(s: Signal): Uint8Array {
  const n = Math.round(s.rate * s.seconds);
  const audio = new Float32Array(n);
  for (const t of s.tones) {
    const wt = 2 * Math.PI * t.freq * TAU;
    const g = s.preEmphasis ? Math.hypot(1, wt) : 1;
    const ph = s.preEmphasis ? Math.atan(wt) : 0;
    for (let i = 0; i < n; i++) audio[i]! += t.amp * g * Math.sin((2 * Math.PI * t.freq * i) / s.rate + ph);
  }
  const synth = new FmIqSynth({
    iqRate: s.rate,
    audio,
    audioRate: s.rate,
    deviationHz: s.mode === 'wfm' ? 75_000 : 5_000,
    carrierOffsetHz: s.carrierOffsetHz ?? s.offsetHz ?? s.rate / 4,
    amplitude: s.carrier ?? 0.5,
    noiseDbfs: s.noiseDbfs === undefined ? -30 : s.noiseDbfs,
    seed: 7,
  });
  const iq = new Uint8Array(2 * n);
  synth.fill(iq);
  return iq;
}

function demod(chain: FmReceiverChain, iq: Uint8Array, chunk = 65536): Float32Array {
  const parts: Float32Array[] = [];
  for (let at = 0; at < iq.length; at += chunk) parts.push(chain.process(iq.subarray(at, at + chunk)).slice());
  return concat(parts);
}

/** Audio still inside the chain when the input stops: up to one 16384-sample block, plus rounding. */
const heldBack = (rate: number) => (16384 / rate) * OUT + 4;

/** Drops the filters' start-up (group delay + squelch opening). */
const settled = (audio: Float32Array) => audio.subarray(Math.round(0.15 * OUT));

describe('FmReceiverChain: broadcast WFM', () => {
  it('recovers a 1 kHz tone sent with 75 µs pre-emphasis: SNR > 30 dB, level within 0.5 dB', () => {
    const tone = { freq: 1000, amp: 0.5 };
    const iq = makeIq({ mode: 'wfm', rate: 1_024_000, seconds: 0.7, tones: [tone], preEmphasis: true });
    const chain = new FmReceiverChain({ inputRate: 1_024_000, mode: 'wfm' });
    const audio = demod(chain, iq);
    expect(0.7 * OUT - audio.length).toBeLessThan(heldBack(1_024_000));
    expect(audio.length).toBeLessThanOrEqual(0.7 * OUT + 2);
    const fit = fitTone(settled(audio), tone.freq, OUT);
    console.log(`WFM 1 kHz tone, carrier -6 dBFS, noise -30 dBFS over 1.024 MHz: SNR ${fit.snrDb.toFixed(1)} dB, level ${(20 * Math.log10(fit.amplitude / tone.amp)).toFixed(2)} dB`);
    expect(fit.snrDb).toBeGreaterThan(30);
    expect(Math.abs(20 * Math.log10(fit.amplitude / tone.amp))).toBeLessThan(0.5);
    expect(chain.signalDb).toBeGreaterThan(-7);
    expect(chain.signalDb).toBeLessThan(-5);
    expect(chain.squelchOpen).toBe(true);
  });

  it('de-emphasis undoes pre-emphasis across the audio band (program of 3 tones, 2.048 Msps, NCO offset)', () => {
    const tones = [
      { freq: 400, amp: 0.2 },
      { freq: 3100, amp: 0.15 },
      { freq: 8000, amp: 0.1 },
    ];
    const rate = 2_048_000;
    // 300 kHz is not rate/4: exercises the table NCO and the unfused front end.
    const iq = makeIq({ mode: 'wfm', rate, seconds: 0.5, tones, preEmphasis: true, offsetHz: 300_000 });
    const audio = settled(demod(new FmReceiverChain({ inputRate: rate, mode: 'wfm', offsetHz: 300_000 }), iq));
    for (const t of tones) {
      const fit = fitTone(audio, t.freq, OUT);
      expect(Math.abs(20 * Math.log10(fit.amplitude / t.amp))).toBeLessThan(0.5);
    }
  });
});

describe('FmReceiverChain: NFM (NOAA Weather Radio)', () => {
  it('recovers a tone at ±5 kHz deviation with good SNR and reports the carrier level', () => {
    const iq = makeIq({ mode: 'nfm', rate: 1_024_000, seconds: 0.6, tones: [{ freq: 1000, amp: 1 }], noiseDbfs: -20 });
    const chain = new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm' });
    const fit = fitTone(settled(demod(chain, iq)), 1000, OUT);
    console.log(`NFM 1 kHz tone at ±5 kHz deviation, noise -20 dBFS over 1.024 MHz: SNR ${fit.snrDb.toFixed(1)} dB`);
    expect(fit.snrDb).toBeGreaterThan(30);
    expect(fit.amplitude).toBeCloseTo(1, 1);
    expect(chain.squelchOpen).toBe(true);
    expect(chain.signalDb).toBeCloseTo(-6, 0);
  });

  it('squelch closes on noise only and the output is silent', () => {
    const iq = makeIq({ mode: 'nfm', rate: 1_024_000, seconds: 0.4, tones: [], carrier: 0, noiseDbfs: -15 });
    const chain = new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm' });
    const audio = demod(chain, iq, 8192);
    expect(chain.squelchOpen).toBe(false);
    expect(chain.flatness).toBeGreaterThan(0.6);
    expect(rms(settled(audio))).toBeLessThan(1e-4);
    // Without squelch the same input is loud noise, so the mute is what made it silent.
    const open = demod(new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm', squelch: 'off' }), iq, 8192);
    expect(rms(settled(open))).toBeGreaterThan(0.1);
  });

  it('squelch opens on a weak carrier (CNR ~15 dB in the channel) and a level squelch follows dBFS', () => {
    const weak = makeIq({ mode: 'nfm', rate: 1_024_000, seconds: 0.3, tones: [{ freq: 1000, amp: 0.5 }], carrier: 0.05, noiseDbfs: -24 });
    const auto = new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm' });
    demod(auto, weak);
    expect(auto.squelchOpen).toBe(true);
    expect(auto.signalDb).toBeGreaterThan(-28);
    expect(auto.signalDb).toBeLessThan(-24);
    const above = new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm', squelch: -35 });
    demod(above, weak);
    expect(above.squelchOpen).toBe(true);
    const below = new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm', squelch: -20 });
    demod(below, weak);
    expect(below.squelchOpen).toBe(false);
  });

  it('gives the same audio whatever the input chunking (odd byte counts included)', () => {
    const iq = makeIq({ mode: 'nfm', rate: 1_024_000, seconds: 0.1, tones: [{ freq: 1500, amp: 0.5 }] });
    const whole = demod(new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm', blockSamples: 4096 }), iq, iq.length);
    const chain = new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm', blockSamples: 4096 });
    const parts: Float32Array[] = [];
    const sizes = [1, 3, 7777, 2, 50001, 4096 * 2 + 1];
    for (let at = 0, k = 0; at < iq.length; k++) {
      const n = sizes[k % sizes.length]!;
      parts.push(chain.process(iq.subarray(at, at + n)).slice());
      at += n;
    }
    const pieces = concat(parts);
    expect(pieces.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(pieces[i]).toBeCloseTo(whole[i]!, 5);
  });

  it('exports the seven NOAA channels', () => {
    expect(NOAA_WEATHER_CHANNELS.map((c) => c.freqHz).sort()).toEqual([162_400_000, 162_425_000, 162_450_000, 162_475_000, 162_500_000, 162_525_000, 162_550_000]);
    expect(noaaChannelAt(162_550_000)?.id).toBe('WX1');
    expect(noaaChannelAt(162_560_000)).toBeUndefined();
  });
});

describe('FmReceiverChain: every supported rate', () => {
  for (const rate of RTL_SAMPLE_RATES) {
    for (const mode of ['nfm', 'wfm'] as const) {
      if (mode === 'wfm' && rate < 1_000_000) continue;
      it(`${mode} at ${rate} Sps plans a chain to 22050 Hz that passes a tone`, () => {
        const chain = new FmReceiverChain({ inputRate: rate, mode });
        const iq = makeIq({ mode, rate, seconds: 0.25, tones: [{ freq: 1200, amp: 0.5 }], noiseDbfs: null, preEmphasis: mode === 'wfm' });
        const audio = demod(chain, iq);
        expect(0.25 * OUT - audio.length).toBeLessThan(heldBack(rate));
        expect(audio.length).toBeLessThanOrEqual(0.25 * OUT + 2);
        const fit = fitTone(settled(audio), 1200, OUT);
        expect(fit.amplitude).toBeCloseTo(0.5, 1);
        expect(fit.snrDb).toBeGreaterThan(30);
      });
    }
  }

  it('uses the fused rate/4 front end by default and the NCO path otherwise', () => {
    expect(new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm' }).plan).toMatchObject({ fusedFrontEnd: true, ifRate: 32_000, outputRate: 22_050 });
    expect(new FmReceiverChain({ inputRate: 1_024_000, mode: 'nfm', offsetHz: 200_000 }).plan.fusedFrontEnd).toBe(false);
    expect(new FmReceiverChain({ inputRate: 2_048_000, mode: 'wfm' }).plan).toMatchObject({ fusedFrontEnd: true, ifRate: 256_000, audioIfRate: 32_000 });
  });

  it('refuses an offset that pushes the channel out of the band', () => {
    expect(() => new FmReceiverChain({ inputRate: 1_024_000, mode: 'wfm', offsetHz: 450_000 })).toThrow(/outside/);
  });
});
