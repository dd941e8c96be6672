import { ContractError, type CommandName, type CommandResult, type ValidArgs } from '../../contract';
import { listAlsaDevices } from '../../../native/alsa/devices';
import type { AlertDesk } from '../alerts/alert-desk';
import type { AlertRoom } from '../alerts/alert-room';
import type { ArchiveService } from '../archive/archive-service';
import { searchLocations } from '../../core/alerts';
import { loadTables } from '../../../native/tables-loader';
import { checkFfmpegPathChange, logFfmpegPathChange } from '../ffmpeg-setting';
import type { Logger } from '../log';
import { publicSettings, restorePatchSecrets } from '../settings-secrets';
import type { IcecastService } from '../icecast/icecast-service';
import type { SettingsStore } from '../settings-store';
import type { StatusView } from '../status/status-view';
import type { TerminalService } from '../terminal-service';
import { applySettings, type SettingsTargets } from './apply-settings';
import type { StreamCommands } from './stream-commands';

/**
 * One handler per contract command, taking the validated arguments and promising the
 * contract's result: tsc refuses a missing command or a handler that returns the wrong shape.
 */
export type CommandHandlers = { [C in CommandName]: (args: ValidArgs<C>, caller: CallerContext) => Promise<CommandResult<C>> };

/** Who runs a command: the transport knows (Electron's window, or a serve client's address). */
export interface CallerContext {
  /** As acknowledgements record it: "operator" or "serve client ADDRESS". */
  by: string;
}

/** The desktop app's user, and any in-process caller. */
export const OPERATOR: CallerContext = { by: 'operator' };

/** A serve-mode WebSocket client, named by its address. */
export function serveClient(address: string | undefined): CallerContext {
  return { by: `serve client ${address ?? 'unknown'}` };
}

export interface CommandContext {
  status: StatusView;
  desk: AlertDesk;
  alerts: AlertRoom;
  settings: SettingsStore;
  streams: StreamCommands;
  icecast: IcecastService;
  terminal: TerminalService;
  /** What a settings change is applied to. */
  settingsTargets: SettingsTargets;
  log: Logger;
  archive: ArchiveService;
}

export function commandTable(c: CommandContext): CommandHandlers {
  return {
    'app.info': async () => c.status.appInfo(),
    'status.snapshot': async () => c.status.snapshot(),
    'sources.list': async () => c.status.sources(),
    'devices.alsa': async () => {
      try {
        return await listAlsaDevices();
      } catch (err) {
        throw new ContractError('unavailable', (err as Error).message);
      }
    },
    'streams.list': async () => c.status.streams(),
    'streams.toggle': async (a) => c.streams.toggle(a.sourceId, a.enabled),
    'streams.configure': async (a) => c.streams.configure(a.stream, a.password),
    'streams.remove': (a) => c.streams.remove(a.streamId),
    'icecast.get': async () => c.icecast.view(),
    'icecast.configure': (a) => c.streams.configureIcecast(a),
    'icecast.test': () => c.icecast.test(),
    'icecast.stats': async () => c.icecast.stats(),
    'icecast.listeners': (a) => c.icecast.mountListeners(a.mount),
    'icecast.action': (a) => c.icecast.action(a),
    'icecast.log': async () => ({ text: c.icecast.logTail() }),
    'icecast.listenerHistory': async (a) => c.icecast.listenerHistory(a.mount),
    'alerts.active': async () => c.desk.active(),
    'archive.timeline': async (a) => c.archive.timeline(a.sourceId, a.fromMs, a.toMs, a.buckets),
    'alerts.list': async (a) => c.desk.history(a.limit ?? 100, a.beforeId),
    'decoder.recent': async (a) => c.desk.recentEvents(a.limit ?? 100),
    'alerts.history': async (a) => c.desk.page(a.filter ?? {}, a.cursor, a.limit ?? 100),
    'alerts.detail': async (a) => c.desk.detail(a.id),
    'alerts.acknowledge': async (a, caller) => c.desk.acknowledge(a.id, caller.by, a.note),
    'alerts.prune': async () => {
      try {
        return c.alerts.retention.run('manual');
      } catch (err) {
        throw new ContractError('unavailable', `retention could not run: ${(err as Error).message}`);
      }
    },
    'alerts.storage': async () => c.alerts.storage(),
    'events.log': async (a) => {
      try {
        return c.alerts.history.eventLog(a.filter ?? {}, a.cursor, a.limit ?? 100);
      } catch (err) {
        if (err instanceof ContractError) throw err;
        throw new ContractError('unavailable', `the event log cannot be read: ${(err as Error).message}`);
      }
    },
    'locations.search': async (a) => searchLocations(a.query, loadTables(), a.limit ?? 20),
    // Source URIs leave masked and come back restored (settings-secrets.ts).
    'settings.get': async () => publicSettings(c.settings.get()),
    'settings.update': async (a) => {
      const before = c.settings.get();
      const patch = restorePatchSecrets(a, before);
      await checkFfmpegPathChange(patch, before);
      const after = c.settings.update(patch);
      logFfmpegPathChange(c.log, before, after);
      await applySettings(c.settingsTargets, before, after);
      if (JSON.stringify(before.alerts.relevance) !== JSON.stringify(after.alerts.relevance)) c.desk.relevanceChanged();
      return publicSettings(after);
    },
    'terminal.open': async (a) => c.terminal.open(a),
    'terminal.input': async (a) => c.terminal.input(a),
    'terminal.resize': async (a) => c.terminal.resize(a),
    'terminal.close': (a) => c.terminal.close(a),
  };
}

/**
 * Runs the handler of a validated command. Generic over the command so the handler's
 * argument and result types are the command's own; validateCall guarantees that `args` were
 * parsed by `cmd`'s schema.
 */
export function runCommand<C extends CommandName>(table: CommandHandlers, cmd: C, args: ValidArgs<C>, caller: CallerContext = OPERATOR): Promise<CommandResult<C>> {
  return table[cmd](args, caller);
}
