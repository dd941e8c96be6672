import type { Settings } from '../../contract';
import type { IcecastService } from '../icecast/icecast-service';
import type { SourceRegistry } from '../pipeline/source-registry';
import type { ProgramMonitor } from '../program/program-monitor';
import type { StreamManager } from '../streams/stream-manager';

export interface SettingsTargets {
  registry: SourceRegistry;
  program: ProgramMonitor;
  streams: StreamManager;
  icecast: IcecastService;
  /** Sources of this run only (serve --source): settings do not stop them (archive settings still reach them). */
  pinned: ReadonlySet<string>;
  /** The archive's retention, which reads its limits at each pass. */
  archive?: { settingsChanged(before: Settings['archive'], after: Settings['archive']): void };
  sourcesChanged(): void;
}

/** Brings running sources, failover, streams and Icecast in line with settings that just changed. */
export async function applySettings(t: SettingsTargets, before: Settings, after: Settings): Promise<void> {
  await t.registry.reconcile(after.sources.filter((s) => s.enabled), t.pinned);
  t.program.configure(after.failover, t.registry.priorityOrder());
  if (JSON.stringify(before.streams) !== JSON.stringify(after.streams)) t.streams.configure(after.streams);
  if (JSON.stringify(before.icecast) !== JSON.stringify(after.icecast)) await t.icecast.apply();
  t.archive?.settingsChanged(before.archive, after.archive);
  t.sourcesChanged();
}
