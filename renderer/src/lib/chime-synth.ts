/**
 * The alert chime, synthesised with Web Audio: no sound file to ship, load or lose. Each banner
 * category has its own pattern so an operator across the room hears how bad it is.
 *
 * The pitches stay clear of the EAS tones (853, 960 and 1050 Hz attention signals, the 1562.5
 * and 2083.3 Hz AFSK): a monitor speaker must never sound like an attention signal to a person
 * or to a decoder whose microphone happens to hear it.
 */

export type ChimeCategory = 'warning' | 'watch' | 'advisory' | 'test';

interface Note {
  hz: number;
  at: number;
  dur: number;
}

const PATTERNS: Record<ChimeCategory, { notes: Note[]; repeatS: number; gain: number }> = {
  // Urgent high-low pairs, every 3 s.
  warning: {
    notes: [
      { hz: 1318, at: 0, dur: 0.16 },
      { hz: 784, at: 0.2, dur: 0.16 },
      { hz: 1318, at: 0.4, dur: 0.16 },
      { hz: 784, at: 0.6, dur: 0.16 },
    ],
    repeatS: 3,
    gain: 0.35,
  },
  watch: {
    notes: [
      { hz: 784, at: 0, dur: 0.22 },
      { hz: 587, at: 0.3, dur: 0.35 },
    ],
    repeatS: 5,
    gain: 0.3,
  },
  advisory: { notes: [{ hz: 659, at: 0, dur: 0.6 }], repeatS: 8, gain: 0.28 },
  test: { notes: [{ hz: 523, at: 0, dur: 0.4 }], repeatS: 10, gain: 0.2 },
};

export function repeatSeconds(category: ChimeCategory): number {
  return PATTERNS[category].repeatS;
}

/**
 * Owns the page's one AudioContext, made when first needed. Browsers keep a context made
 * without a click or key press suspended (autoplay policy); the first gesture anywhere on the
 * page resumes it, and `onState` tells the banner so it can say why it is silent.
 */
export class ChimeSynth {
  private ctx: AudioContext | null = null;
  private unlockInstalled = false;

  constructor(private readonly onState: (state: string) => void) {}

  state(): string {
    return this.ctx?.state ?? 'none';
  }

  play(category: ChimeCategory): void {
    const ctx = this.context();
    if (!ctx) return;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
    const p = PATTERNS[category];
    const t0 = ctx.currentTime + 0.03;
    for (const n of p.notes) {
      const osc = ctx.createOscillator();
      const env = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = n.hz;
      // A bell: fast attack, exponential decay (exponential ramps cannot reach 0).
      env.gain.setValueAtTime(0.0001, t0 + n.at);
      env.gain.exponentialRampToValueAtTime(p.gain, t0 + n.at + 0.01);
      env.gain.exponentialRampToValueAtTime(0.0001, t0 + n.at + n.dur);
      osc.connect(env).connect(ctx.destination);
      osc.start(t0 + n.at);
      osc.stop(t0 + n.at + n.dur + 0.02);
    }
  }

  private context(): AudioContext | null {
    if (this.ctx) return this.ctx;
    if (typeof AudioContext === 'undefined') return null;
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    this.ctx = ctx;
    ctx.onstatechange = () => {
      this.onState(ctx.state);
      if (ctx.state === 'running') this.removeUnlock();
    };
    if (ctx.state !== 'running') this.installUnlock();
    this.onState(ctx.state);
    return ctx;
  }

  private readonly unlock = (): void => {
    void this.ctx?.resume().catch(() => {});
  };

  private installUnlock(): void {
    if (this.unlockInstalled) return;
    this.unlockInstalled = true;
    for (const ev of ['pointerdown', 'keydown'] as const) document.addEventListener(ev, this.unlock, { capture: true });
  }

  private removeUnlock(): void {
    if (!this.unlockInstalled) return;
    this.unlockInstalled = false;
    for (const ev of ['pointerdown', 'keydown'] as const) document.removeEventListener(ev, this.unlock, { capture: true });
  }
}
