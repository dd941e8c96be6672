import type { Alert } from '../../contract';
import type { EventSink } from '../event-sink';
import { IcecastService } from '../icecast/icecast-service';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import type { SettingsStore } from '../settings-store';
import { StreamManager } from './stream-manager';
import { alertStreamTitle } from './stream-title';

export interface StreamingOptions {
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  log: Logger;
  /** Pushes `icecast.changed` and `icecast.stats`. */
  events: EventSink;
}

/**
 * The streams and the Icecast server they feed, wired to each other: Icecast marks the mounts
 * this console feeds, and its stats give each stream its listener counts.
 */
export function createStreaming(o: StreamingOptions): { streams: StreamManager; icecast: IcecastService } {
  const streams = new StreamManager({
    secrets: o.secrets,
    ffmpeg: o.settings.get().ffmpegPath,
    // Three missed polls and the counts are stale.
    listenerMaxAgeMs: () => Math.max(5000, 3 * o.settings.get().icecast.pollSeconds * 1000),
  });
  const icecast = new IcecastService({
    dataDir: o.dataDir,
    secrets: o.secrets,
    settings: () => o.settings.get().icecast,
    log: o.log,
    ourMounts: () => new Set(streams.configs().map((c) => `${c.host}:${c.port}${c.mount}`)),
    streamTargets: () => streams.configs(),
    onStats: (st, server) => {
      for (const m of st.mounts) streams.setMountListeners(m.mount, m.listeners, m.peakListeners, server);
      // A mount of ours the server does not list has no audience, whatever it had before.
      const listed = new Set(st.mounts.map((m) => m.mount));
      for (const c of streams.configs()) {
        if (c.host === server.host && c.port === server.port && !listed.has(c.mount)) streams.setListeners(c.id, null, null);
      }
    },
  });
  // An unreachable server arrives through onStats as a snapshot with no mounts, which nulls
  // only that server's streams; a poll error elsewhere must not blank the healthy ones.
  icecast.on('changed', (v) => o.events.emit('icecast.changed', v));
  icecast.on('stats', (v) => o.events.emit('icecast.stats', v));
  return { streams, icecast };
}

/** Puts an alert's title on its source's streams, or takes it off (null, after the EOM). */
export function announceAlert(streams: StreamManager, sourceId: string, alert: Alert | null): void {
  if (alert) streams.setAlert(sourceId, alertStreamTitle(alert), { expiresAt: alert.expiresAt });
  else streams.setAlert(sourceId, null);
}
