import type { AppInfo, SourceConfig, StreamConfig } from '../contract';
import type { WorkerArchiveConfig } from './archive/archive-recorder';
import type { Logger } from './log';
import type { SecretStore } from './secrets';

export interface EngineOptions {
  dataDir: string;
  /** Settings file; default DATA_DIR/settings.json. */
  settingsFile?: string;
  /** Sources added for this run only (serve --source); never saved. */
  extraSources?: SourceConfig[];
  mode: AppInfo['mode'];
  version: string;
  logger?: Logger;
  /** Streams added for this run only (serve --stream), with their passwords; never saved. */
  extraStreams?: Array<{ config: StreamConfig; password: string }>;
  /** Where passwords live; default a 0600 file in the data dir (Electron passes safeStorage). */
  secrets?: SecretStore;
  /** Level batch period in ms (16-50). */
  levelBatchMs?: number;
  /** Serve mode: offer the Diagnostics terminal (`serve --terminal`, loopback only). Electron always does. */
  terminal?: boolean;
  /** Archive recorder overrides (tests: a small free-space floor, a quick resume). */
  archiveOverrides?: Partial<WorkerArchiveConfig>;
}
