import { mkdirSync, readFileSync, renameSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { joinUriSecret, splitUriSecret } from '../contract/sources/uri-secrets';
import type { SecretStore } from './secrets';
import { ContractError, DEFAULT_ALERT_SETTINGS, DEFAULT_ARCHIVE_SETTINGS, DEFAULT_ICECAST_SETTINGS, fromZodError, Settings, SettingsPatch, type Settings as SettingsT } from '../contract';

export function defaultSettings(): SettingsT {
  return {
    version: 1,
    stationName: 'EAS Monitor',
    sources: [{ id: 'demo', name: 'Demo station', uri: 'demo:', priority: 10, enabled: true }],
    failover: { silenceThresholdDb: -50, silenceSeconds: 10, stallSeconds: 5, holdSeconds: 30 },
    streams: [],
    icecast: structuredClone(DEFAULT_ICECAST_SETTINGS),
    ffmpegPath: null,
    startAtLogin: false,
    alerts: structuredClone(DEFAULT_ALERT_SETTINGS),
    timeZone: null,
    archive: structuredClone(DEFAULT_ARCHIVE_SETTINGS),
  };
}

/**
 * Settings on disk as JSON, validated on every load and update. Writes are atomic
 * (temp file + rename) so a crash mid-write never leaves a half file.
 */
export class SettingsStore {
  private current: SettingsT;
  /** Set when the file on disk was unusable; the reason names the field. */
  readonly loadProblem: string | null = null;

  /**
   * With a secret store, credentials inside source URIs (http://user:PASSWORD@...) are kept
   * there, like stream passwords, and settings.json holds the URI with "***" in their place.
   */
  constructor(
    readonly file: string,
    private readonly secrets?: SecretStore,
  ) {
    if (!existsSync(file)) {
      this.current = defaultSettings();
      this.write(this.current);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      this.current = this.quarantine(`settings file ${file} is not valid JSON (${(err as Error).message})`);
      return;
    }
    const parsed = Settings.safeParse(raw);
    if (!parsed.success) {
      this.current = this.quarantine(`settings file ${file}: ${fromZodError(parsed.error, 'invalid_settings').message}`);
      return;
    }
    this.current = this.withSourceSecrets(parsed.data);
    // A file written before secrets moved out (or edited by hand) still holds credentials.
    if (this.secrets && JSON.stringify(this.current.sources) === JSON.stringify(parsed.data.sources) && parsed.data.sources.some((src) => splitUriSecret(src.uri).secret)) {
      try {
        this.write(this.current);
      } catch {
        /* read-only settings: the credentials stay where they are, and the console still runs */
      }
    }
  }

  private static secretKey(sourceId: string): string {
    return `source:${sourceId}:uri`;
  }

  /** Full URIs from the masked ones on disk and the secret store. */
  private withSourceSecrets(settings: SettingsT): SettingsT {
    if (!this.secrets) return settings;
    const secrets = this.secrets;
    return { ...settings, sources: settings.sources.map((src) => ({ ...src, uri: joinUriSecret(src.uri, secrets.get(SettingsStore.secretKey(src.id))) })) };
  }

  /** Keeps the bad file for the user to fix and runs on defaults; never overwrites their work. */
  private quarantine(problem: string): SettingsT {
    const backup = `${this.file}.bad-${Date.now()}`;
    try {
      copyFileSync(this.file, backup);
    } catch {
      /* the original stays where it is in any case */
    }
    (this as { loadProblem: string | null }).loadProblem = `${problem}; a copy is at ${backup}; running on default settings`;
    return defaultSettings();
  }

  get(): SettingsT {
    return structuredClone(this.current);
  }

  /** Applies a patch; throws ContractError('invalid_settings') naming the field when it is refused. */
  update(patch: unknown): SettingsT {
    const p = SettingsPatch.safeParse(patch);
    if (!p.success) throw fromZodError(p.error, 'invalid_settings');
    const next = Settings.safeParse({ ...this.current, ...p.data });
    if (!next.success) throw fromZodError(next.error, 'invalid_settings');
    this.write(next.data);
    this.current = next.data;
    return this.get();
  }

  private write(full: SettingsT): void {
    let settings = full;
    if (this.secrets) {
      const secrets = this.secrets;
      const before = new Set(this.current?.sources.map((src) => src.id) ?? []);
      settings = {
        ...full,
        sources: full.sources.map((src) => {
          const { uri, secret } = splitUriSecret(src.uri);
          if (secret) secrets.set(SettingsStore.secretKey(src.id), secret);
          else secrets.delete(SettingsStore.secretKey(src.id));
          before.delete(src.id);
          return { ...src, uri };
        }),
      };
      for (const gone of before) secrets.delete(SettingsStore.secretKey(gone));
    }
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (err) {
      throw new ContractError('unavailable', `cannot save settings to ${this.file}: ${(err as Error).message}`);
    }
  }
}
