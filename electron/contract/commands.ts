import { z } from 'zod';
import {
  Alert,
  AppInfo,
  DecoderEvent,
  Settings,
  SettingsPatch,
  SourceStatus,
  StatusSnapshot,
  StreamStatus,
} from './dto';
import { AlsaDeviceInfo } from './sources/alsa-uri';
import { IcecastAction, IcecastConfigure, IcecastListener, IcecastStatsView, IcecastTestResult, IcecastView, ListenerHistoryArgs, ListenerHistoryResult } from './icecast';
import { StreamConfig } from './dto';
import { terminalCommands } from './terminal';
import { alertDeskCommands } from './alert-desk';
import { archiveCommands } from './archive';

const None = z.object({}).strict();
const Limit = z.number().int().min(1).max(1000);

/**
 * Request -> response pairs. The engine validates `args` on entry; the response schema
 * documents (and tests check) what comes back.
 */
export const commands = {
  'app.info': { args: None, result: AppInfo },
  'status.snapshot': { args: None, result: StatusSnapshot },
  'sources.list': { args: None, result: z.array(SourceStatus) },
  /** Capture devices for the ALSA source picker (empty when the machine has no sound card). */
  'devices.alsa': { args: None, result: z.array(AlsaDeviceInfo) },
  'streams.list': { args: None, result: z.array(StreamStatus) },
  'streams.toggle': {
    args: z.object({ sourceId: z.string().min(1).max(64), enabled: z.boolean() }).strict(),
    result: z.array(StreamStatus),
  },
  /** Adds or replaces one stream (by id); the password, when given, goes to the secret store. */
  'streams.configure': {
    args: z.object({ stream: StreamConfig, password: z.string().min(1).max(256).optional() }).strict(),
    result: z.array(StreamStatus),
  },
  'streams.remove': { args: z.object({ streamId: z.string().min(1).max(64) }).strict(), result: z.array(StreamStatus) },
  'icecast.get': { args: None, result: IcecastView },
  'icecast.configure': { args: IcecastConfigure, result: IcecastView },
  /** "Test connection": reachability, admin auth, server version. */
  'icecast.test': { args: None, result: IcecastTestResult },
  'icecast.stats': { args: None, result: IcecastStatsView.nullable() },
  'icecast.listeners': { args: z.object({ mount: z.string().min(2).max(128) }).strict(), result: z.array(IcecastListener) },
  'icecast.action': { args: IcecastAction, result: z.object({ ok: z.boolean(), message: z.string() }) },
  /** The managed local Icecast's log tail (passwords redacted). */
  'icecast.log': { args: None, result: z.object({ text: z.string() }) },
  /** Listener counts of our mounts over the last 24 h (one mount with `mount`), kept across restarts. */
  'icecast.listenerHistory': { args: ListenerHistoryArgs, result: ListenerHistoryResult },
  /** Unexpired alerts, relevant or not (each says), earliest first. */
  'alerts.active': { args: None, result: z.array(Alert) },
  /** Stored alerts newest first, paged by beforeId; alerts.history adds filters and search. */
  'alerts.list': {
    args: z.object({ limit: Limit.optional(), beforeId: z.string().optional() }).strict(),
    result: z.array(Alert),
  },
  'decoder.recent': { args: z.object({ limit: Limit.optional() }).strict(), result: z.array(DecoderEvent) },
  /** Settings as the UI may see them: secrets are never included. */
  'settings.get': { args: None, result: Settings },
  'settings.update': { args: SettingsPatch, result: Settings },
  ...terminalCommands,
  ...alertDeskCommands,
  ...archiveCommands,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandArgs<C extends CommandName> = z.input<Commands[C]['args']>;
export type CommandResult<C extends CommandName> = z.infer<Commands[C]['result']>;
/** Arguments after validation (defaults applied): what the engine's handler for `C` receives. */
export type ValidArgs<C extends CommandName> = z.output<Commands[C]['args']>;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}
