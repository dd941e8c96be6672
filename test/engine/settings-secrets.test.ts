import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ContractError, type Settings } from '../../electron/contract';
import { publicSettings, restorePatchSecrets } from '../../electron/engine/settings-secrets';
import { defaultSettings, SettingsStore } from '../../electron/engine/settings-store';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { startTestEngine } from '../helpers/engine';

const URI = 'http://user:PASSWORD@radio.example/live.mp3?token=T1';

function withSource(uri: string): Settings {
  return { ...defaultSettings(), sources: [{ id: 'net', name: 'Net', uri, priority: 1, enabled: true }] };
}

describe('settings credentials', () => {
  it('settings leave the engine with source credentials masked', () => {
    const out = publicSettings(withSource(URI));
    expect(JSON.stringify(out)).not.toMatch(/PASSWORD|T1/);
    expect(out.sources[0]!.uri).toBe('http://user:***@radio.example/live.mp3?token=***');
  });

  it('the masked settings sent back as a patch restore to what was stored', () => {
    const current = withSource(URI);
    const patch = { sources: publicSettings(current).sources.map((s) => ({ ...s, name: 'Renamed' })) };
    const restored = restorePatchSecrets(patch, current) as { sources: Array<{ uri: string; name: string }> };
    expect(restored.sources[0]).toMatchObject({ uri: URI, name: 'Renamed' });
  });

  it('a masked credential pointed at another host is refused by field, never sent there', () => {
    const current = withSource(URI);
    const patch = { sources: [{ id: 'net', name: 'Net', uri: 'http://user:***@evil.example/live.mp3', priority: 1, enabled: true }] };
    let err: unknown;
    try {
      restorePatchSecrets(patch, current);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContractError);
    expect(err).toMatchObject({ code: 'invalid_settings', field: 'sources.0.uri' });
    // A mask under a new id has nothing to restore from either.
    expect(() => restorePatchSecrets({ sources: [{ id: 'new', uri: 'http://user:***@radio.example/live.mp3' }] }, current)).toThrow(ContractError);
  });

  it('leaves other patches and non-string entries for the schema to judge', () => {
    const current = withSource(URI);
    expect(restorePatchSecrets({ stationName: 'X' }, current)).toEqual({ stationName: 'X' });
    expect(restorePatchSecrets(null, current)).toBeNull();
    expect(restorePatchSecrets({ sources: [1, { id: 'net' }] }, current)).toEqual({ sources: [1, { id: 'net' }] });
  });
});

describe('settings commands on a real engine', () => {
  it('settings.get masks source credentials; sending them back keeps them; ffmpegPath is checked and its change logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    // Disabled so no worker reaches for the network; only the settings matter here.
    const te = await startTestEngine(
      { sources: [{ id: 'net', name: 'Net', uri: URI, priority: 1, enabled: false }] },
      { logger: pino({ level: 'info' }, sink) },
    );
    try {
      const got = await te.engine.call('settings.get', {});
      expect(JSON.stringify(got)).not.toMatch(/PASSWORD|T1/);
      const renamed = got.sources.map((s) => ({ ...s, name: 'Renamed' }));
      const after = await te.engine.call('settings.update', { sources: renamed });
      expect(after.sources[0]!.uri).toBe('http://user:***@radio.example/live.mp3?token=***');
      const onDisk = JSON.parse(readFileSync(join(te.dataDir, 'settings.json'), 'utf8')) as Settings;
      // The credentials live in the secret store, like stream passwords: settings.json has the mask.
      expect(onDisk.sources[0]).toMatchObject({ name: 'Renamed', uri: 'http://user:***@radio.example/live.mp3?token=***' });
      expect(readFileSync(join(te.dataDir, 'settings.json'), 'utf8')).not.toMatch(/PASSWORD|T1/);
      expect(te.engine.settings.get().sources[0]!.uri, 'the engine itself keeps the full URI').toBe(URI);
      expect(new SettingsStore(join(te.dataDir, 'settings.json'), te.engine.secrets).get().sources[0]!.uri, 'and gets it back after a restart').toBe(URI);

      await expect(te.engine.call('settings.update', { ffmpegPath: '/bin/sh' })).rejects.toMatchObject({ code: 'invalid_settings', field: 'ffmpegPath' });
      await expect(te.engine.call('settings.update', { ffmpegPath: '/nonexistent/ffmpeg' })).rejects.toMatchObject({
        code: 'invalid_settings',
        field: 'ffmpegPath',
        message: expect.stringContaining('does not exist'),
      });
      const bin = ffmpegPath();
      expect((await te.engine.call('settings.update', { ffmpegPath: bin })).ffmpegPath).toBe(bin);
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; from?: string; to?: string }).find((l) => l.msg.includes('ffmpegPath changed'));
      expect(logged).toMatchObject({ from: 'bundled', to: bin });
    } finally {
      await te.cleanup();
    }
  });
});

describe('source credentials in the secret store', () => {
  it('moves credentials out of a settings file that still holds them, and keeps the full URI in memory', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { FileSecretStore } = await import('../../electron/engine/secrets');
    const dir = mkdtempSync(join(tmpdir(), 'eas-settings-'));
    try {
      const file = join(dir, 'settings.json');
      const old = { ...defaultSettings(), sources: [{ id: 'net', name: 'Net', uri: URI, priority: 1, enabled: false }] };
      writeFileSync(file, JSON.stringify(old));
      const secrets = new FileSecretStore(dir);
      const store = new SettingsStore(file, secrets);
      expect(store.get().sources[0]!.uri).toBe(URI);
      expect(readFileSync(file, 'utf8'), 'rewritten without the credentials').not.toMatch(/PASSWORD|T1/);
      expect(new SettingsStore(file, new FileSecretStore(dir)).get().sources[0]!.uri).toBe(URI);
      store.update({ sources: [] });
      expect(secrets.get('source:net:uri'), 'a removed source takes its secret with it').toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
