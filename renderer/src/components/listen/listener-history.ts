import { useEffect, useState } from 'react';
import type { ListenerHistoryResult, ListenerSeries, StreamStatus } from '@contract';
import { listenerHistory } from '../../store/actions';

/** The engine samples once a minute; reading more often only redraws the same line. */
const REFRESH_MS = 60_000;

let cached: { at: number; result: Promise<ListenerHistoryResult | null> } | null = null;

/** One request serves every chart and sparkline on the page within a refresh period. */
function load(now: number): Promise<ListenerHistoryResult | null> {
  if (!cached || now - cached.at >= REFRESH_MS) cached = { at: now, result: listenerHistory().catch(() => null) };
  return cached.result;
}

/** The whole listener history, refreshed every minute while a component shows it. */
export function useListenerHistory(): ListenerHistoryResult | null {
  const [value, setValue] = useState<ListenerHistoryResult | null>(null);
  useEffect(() => {
    let live = true;
    const refresh = (): void => void load(Date.now()).then((v) => live && v && setValue(v));
    refresh();
    const t = setInterval(refresh, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);
  return value;
}

/** The series of one of our streams: same mount, and the same server when its listen URL names one. */
export function seriesFor(history: ListenerHistoryResult | null, stream: StreamStatus): ListenerSeries | null {
  if (!history || !stream.mount) return null;
  const byMount = history.series.filter((s) => s.mount === stream.mount);
  if (byMount.length <= 1 || !stream.listenUrl) return byMount[0] ?? null;
  let host: string | null = null;
  try {
    host = new URL(stream.listenUrl).host;
  } catch {
    host = null;
  }
  return byMount.find((s) => s.server === host) ?? byMount[0] ?? null;
}
