import { DEFAULT_ALERT_SETTINGS, type Alert } from '@contract';
import { bannerCategory, chimeKey, isActiveAt, severityRank } from '../lib/alerts';
import { ChimeSynth, repeatSeconds, type ChimeCategory } from '../lib/chime-synth';
import { useConsole, type ConsoleState } from '../store/console-store';

/** What the e2e test (and anyone debugging a silent console) reads: `window.__easTest.chime`. */
export interface ChimeProbe {
  readonly running: boolean;
  readonly contextState: string;
  readonly ringing: ChimeCategory | null;
  readonly plays: number;
}

declare global {
  interface Window {
    __easTest?: { chime?: ChimeProbe; [k: string]: unknown };
  }
}

interface Candidate {
  alert: Alert;
  mode: 'repeat' | 'once';
}

/**
 * Rings for relevant, active, unacknowledged alerts, as `settings.alerts.chime` says per
 * category: 'repeat' until acknowledged or muted, 'once', or 'off'. One timer for the whole
 * page, paced by the most severe alert that rings; acknowledging or muting stops it at once.
 */
// One AudioContext for the page: the chime and the settings' "Test" button share it, so the
// click on Test also unlocks the alert sound.
let onSynthState: (state: string) => void = () => {};
const synth = new ChimeSynth((state) => onSynthState(state));

export function startChime(): () => void {
  // Alerts that chimed under 'once': they stay quiet until the page reloads.
  const chimedOnce = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ringing: ChimeCategory | null = null;
  let ringingFor = '';
  let plays = 0;

  const publish = (contextState = synth.state()): void => {
    useConsole.getState().setChime({ ringing, contextState });
  };
  onSynthState = (state) => publish(state);

  const candidates = (st: ConsoleState): Candidate[] => {
    const chime = st.alertSettings?.chime ?? DEFAULT_ALERT_SETTINGS.chime;
    const muted = new Set(st.mutedAlertIds);
    const out: Candidate[] = [];
    for (const alert of st.activeAlerts) {
      if (!alert.relevance.relevant || alert.acknowledgement || muted.has(alert.id) || !isActiveAt(alert, st.now)) continue;
      const key = chimeKey(alert.category);
      const mode = key ? chime[key] : 'off';
      if (mode === 'off' || (mode === 'once' && chimedOnce.has(alert.id))) continue;
      out.push({ alert, mode });
    }
    return out.sort((a, b) => severityRank(a.alert) - severityRank(b.alert));
  };

  const categoryOf = (a: Alert): ChimeCategory => {
    const c = bannerCategory(a.category);
    return c === 'other' ? 'advisory' : c;
  };

  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (ringing !== null) {
      ringing = null;
      ringingFor = '';
      publish();
    }
  };

  /** Plays the most severe pattern now, and schedules the next while any alert repeats. */
  const cycle = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const list = candidates(useConsole.getState());
    const top = list[0];
    if (!top) return stop();
    ringing = categoryOf(top.alert);
    ringingFor = key(list);
    synth.play(ringing);
    plays++;
    for (const c of list) if (c.mode === 'once') chimedOnce.add(c.alert.id);
    const repeating = list.find((c) => c.mode === 'repeat');
    if (repeating) {
      timer = setTimeout(cycle, repeatSeconds(categoryOf(repeating.alert)) * 1000);
    } else {
      // Rang once: nothing left to ring after this pattern.
      ringing = null;
      ringingFor = '';
    }
    publish();
  };

  const key = (list: Candidate[]): string => list.map((c) => c.alert.id).join(',');

  const onChange = (st: ConsoleState): void => {
    const list = candidates(st);
    if (list.length === 0) {
      if (ringing !== null || timer) stop();
      return;
    }
    // A new alert (or a more severe one) rings now instead of at the next repeat.
    const k = key(list);
    if (k === ringingFor) return;
    const newcomer = list.some((c) => !ringingFor.split(',').includes(c.alert.id));
    if (newcomer || ringing === null) cycle();
    else ringingFor = k;
  };

  const unsubscribe = useConsole.subscribe(onChange);
  onChange(useConsole.getState());

  const probe: ChimeProbe = {
    get running() {
      return useConsole.getState().chime.ringing !== null && synth.state() === 'running';
    },
    get contextState() {
      return synth.state();
    },
    get ringing() {
      return useConsole.getState().chime.ringing;
    },
    get plays() {
      return plays;
    },
  };
  window.__easTest = { ...(window.__easTest ?? {}), chime: probe };

  return () => {
    unsubscribe();
    stop();
    onSynthState = () => {};
  };
}

/** "Test" in settings: one pattern now (also the click that lets the browser play sound). */
export function playTestChime(category: ChimeCategory): void {
  synth.play(category);
}
