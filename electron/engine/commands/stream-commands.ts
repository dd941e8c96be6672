import { ContractError, type IcecastView, type StreamConfig, type StreamStatus, type ValidArgs } from '../../contract';
import { ADMIN_PASSWORD_KEY, type IcecastService } from '../icecast/icecast-service';
import type { SourceRegistry } from '../pipeline/source-registry';
import { streamPasswordKey, type SecretStore } from '../secrets';
import type { SettingsStore } from '../settings-store';
import type { StatusView } from '../status/status-view';
import type { StreamManager } from '../streams/stream-manager';

export interface StreamCommandsOptions {
  settings: SettingsStore;
  secrets: SecretStore;
  streams: StreamManager;
  icecast: IcecastService;
  registry: SourceRegistry;
  status: StatusView;
}

/**
 * The stream and Icecast commands that change settings: each saves what it changes, keeps
 * passwords in the secret store, and brings the running streams or Icecast in line.
 */
export class StreamCommands {
  constructor(private readonly o: StreamCommandsOptions) {}

  /** Streams of this run only (serve --stream), never saved; each must follow a running source. */
  addRunStreams(extra: ReadonlyArray<{ config: StreamConfig; password: string }>): void {
    for (const { config, password } of extra) {
      if (!this.o.registry.has(config.sourceId)) {
        throw new ContractError('invalid_settings', `--stream follows source "${config.sourceId}", which is not running`, 'streams');
      }
      this.o.streams.addStream(config, password);
    }
  }

  /** The one-click toggle: every stream of the source on or off, saved for saved streams. */
  toggle(sourceId: string, enabled: boolean): StreamStatus[] {
    const { registry, streams, settings } = this.o;
    if (!registry.has(sourceId)) throw new ContractError('not_found', `no source "${sourceId}"`, 'sourceId');
    for (const c of streams.configs()) if (c.sourceId === sourceId) streams.setEnabled(c.id, enabled);
    const saved = settings.get().streams;
    if (saved.some((c) => c.sourceId === sourceId)) {
      settings.update({ streams: saved.map((c) => (c.sourceId === sourceId ? { ...c, enabled } : c)) });
    }
    return this.ofSource(sourceId);
  }

  configure(stream: StreamConfig, password: string | undefined): StreamStatus[] {
    const { registry, settings, secrets, icecast, streams } = this.o;
    if (!registry.has(stream.sourceId) && !settings.get().sources.some((s) => s.id === stream.sourceId)) {
      throw new ContractError('invalid_settings', `no source "${stream.sourceId}"`, 'stream.sourceId');
    }
    const key = streamPasswordKey(stream.id);
    const pw = password ?? secrets.get(key) ?? streams.sharedPassword(stream) ?? icecast.managedSourcePassword(stream.host, stream.port);
    if (!pw) {
      throw new ContractError('invalid_settings', `stream "${stream.id}" needs the server's source password`, 'password');
    }
    const others = settings.get().streams.filter((c) => c.id !== stream.id);
    settings.update({ streams: [...others, stream] });
    secrets.set(key, pw);
    streams.configure(settings.get().streams);
    return this.ofSource(stream.sourceId);
  }

  async remove(streamId: string): Promise<StreamStatus[]> {
    const { settings, streams, secrets, status } = this.o;
    const saved = settings.get().streams;
    if (!saved.some((c) => c.id === streamId) && !streams.status(streamId)) {
      throw new ContractError('not_found', `no stream "${streamId}"`, 'streamId');
    }
    settings.update({ streams: saved.filter((c) => c.id !== streamId) });
    await streams.removeStream(streamId);
    secrets.delete(streamPasswordKey(streamId));
    return status.streams();
  }

  async configureIcecast(args: ValidArgs<'icecast.configure'>): Promise<IcecastView> {
    const { secrets, settings, icecast } = this.o;
    const { adminPassword, ...rest } = args;
    if (adminPassword !== undefined) {
      if (adminPassword === '') secrets.delete(ADMIN_PASSWORD_KEY);
      else secrets.set(ADMIN_PASSWORD_KEY, adminPassword);
    }
    const current = settings.get().icecast;
    const next = { ...current, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    try {
      settings.update({ icecast: next });
    } catch (err) {
      // The UI's Icecast form names its fields without the settings prefix.
      if (err instanceof ContractError && err.field) throw new ContractError(err.code, err.message, err.field.replace(/^icecast\./, ''));
      throw err;
    }
    await icecast.apply();
    return icecast.view();
  }

  private ofSource(sourceId: string): StreamStatus[] {
    return this.o.status.streams().filter((s) => s.sourceId === sourceId);
  }
}
