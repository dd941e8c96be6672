import type { FailoverSettings } from '../contract';
import type { CaptureState } from './pipeline/messages';

export interface SourceHealth {
  id: string;
  priority: number;
  state: CaptureState;
  lastBlockAt: number;
  rmsDb: number | null;
}

export type Health = 'running' | 'silent' | 'stalled' | 'failed' | 'starting';

/** Interim program selection until the failover policy lands: first healthy by priority. */
export class ProgramSelector {
  program: string | null = null;
  statesChanged = false;
  private readonly health = new Map<string, Health>();
  private readonly silentSince = new Map<string, number>();

  constructor(private settings: FailoverSettings) {}

  healthOf(id: string): Health | undefined {
    return this.health.get(id);
  }

  update(now: number, sources: SourceHealth[]): { from: string | null; to: string | null; reason: string } | null {
    this.statesChanged = false;
    for (const s of sources) {
      let h: Health;
      if (s.state === 'failed' || s.state === 'retrying' || s.state === 'ended' || s.state === 'stopped') h = 'failed';
      else if (s.state === 'starting') h = 'starting';
      else if (now - s.lastBlockAt > this.settings.stallSeconds * 1000) h = 'stalled';
      else {
        const quiet = s.rmsDb !== null && s.rmsDb < this.settings.silenceThresholdDb;
        if (!quiet) this.silentSince.delete(s.id);
        else if (!this.silentSince.has(s.id)) this.silentSince.set(s.id, now);
        const since = this.silentSince.get(s.id);
        h = since !== undefined && now - since >= this.settings.silenceSeconds * 1000 ? 'silent' : 'running';
      }
      if (this.health.get(s.id) !== h) this.statesChanged = true;
      this.health.set(s.id, h);
    }
    const best = [...sources].sort((a, b) => a.priority - b.priority).find((s) => this.health.get(s.id) === 'running');
    const to = best?.id ?? null;
    if (to === this.program) return null;
    const from = this.program;
    this.program = to;
    return { from, to, reason: to ? `${to} is the highest-priority healthy source` : 'no healthy source' };
  }
}
