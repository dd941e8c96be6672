// Logs (pino to a rotating file in the data dir, no secrets) and `eas-console diagnostics`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main as diagnosticsMain } from '../../electron/cli/diagnostics';
import { collectDiagnostics, withoutSecrets } from '../../electron/engine/diagnostics';
import { RotatingLogFile } from '../../electron/engine/log-file';
import { createLogger, logFile, scrubSecrets } from '../../electron/engine/log';
import { StatusFileWriter, statusFile } from '../../electron/engine/status-file';
import { defaultSettings } from '../../electron/engine/settings-store';
import { startTestEngine } from '../helpers/engine';

const dir = mkdtempSync(join(tmpdir(), 'eas-diag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = ['hunter2-source-pw', 'admin-pw-77', 'tok-abcdefghijklmnop', 'relay-pw-9'];

describe('the log file', () => {
  it('rotates by size and keeps a bounded number of files, newest first', () => {
    const file = join(dir, 'rot', 'x.log');
    const log = new RotatingLogFile(file, { maxBytes: 2048, maxFiles: 3 });
    for (let i = 0; i < 200; i++) expect(log.write(`${JSON.stringify({ i, pad: 'x'.repeat(80) })}\n`)).toBe(true);
    log.close();
    expect(log.files()).toEqual([file, `${file}.1`, `${file}.2`, `${file}.3`]);
    expect(existsSync(`${file}.4`)).toBe(false);
    const ids = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i);
    for (const f of log.files()) expect(statSync(f).size, f).toBeLessThanOrEqual(2048);
    // Contiguous and in order across the files, ending with the last line written.
    const all = [...ids(`${file}.3`), ...ids(`${file}.2`), ...ids(`${file}.1`), ...ids(file)];
    expect(all.at(-1)).toBe(199);
    expect(all).toEqual(Array.from({ length: all.length }, (_, k) => 199 - all.length + 1 + k));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('drops a line it cannot write instead of throwing, and says so once it can write again', () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file where the log dir should be');
    const log = new RotatingLogFile(join(blocker, 'logs', 'x.log'));
    expect(log.write('{"msg":"lost"}\n')).toBe(false);
    expect(log.dropped).toBe(1);
    rmSync(blocker);
    mkdirSync(join(blocker, 'logs'), { recursive: true });
    expect(log.write('{"msg":"back"}\n')).toBe(true);
    log.close();
    const text = readFileSync(join(blocker, 'logs', 'x.log'), 'utf8');
    expect(text).toMatch(/1 log lines were lost/);
    expect(text).toMatch(/"back"/);
  });

  it('takes the engine logger to DATA_DIR/logs with no secret in any line', () => {
    const dataDir = join(dir, 'logger');
    const logger = createLogger('info', { dataDir, stderr: false });
    logger.info({ password: SECRETS[0], stream: { sourcePassword: SECRETS[3] }, req: { headers: { authorization: `Bearer ${SECRETS[2]}` } } }, 'configured');
    logger.warn(`serving at http://127.0.0.1:8080/?token=${SECRETS[2]}`);
    logger.error({ err: `connect icecast://source:${SECRETS[0]}@ice:8000/x failed` }, 'stream %s down', `icecast://admin:${SECRETS[1]}@ice:8000/`);
    logger.info({ detail: { nested: { adminPassword: SECRETS[1] } } }, 'deep');
    logger.flush();
    const text = readFileSync(logFile(dataDir), 'utf8');
    for (const s of SECRETS) expect(text, s).not.toContain(s);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(['configured', 'serving at http://127.0.0.1:8080/?token=***', 'stream icecast://admin:***@ice:8000/ down', 'deep']);
    expect(lines[0]!.password).toBe('***');
  });

  it('masks credentials inside any text', () => {
    expect(scrubSecrets('rtltcp://u:p@h:1 and https://x.example/a?b=1&token=zz#f')).toBe('rtltcp://u:***@h:1 and https://x.example/a?b=1&token=***#f');
    expect(scrubSecrets('password=abc; Authorization: Bearer abc.def')).toBe('password=***; Authorization: Bearer ***');
    expect(scrubSecrets('no secret here: http://host/path')).toBe('no secret here: http://host/path');
  });
});

describe('eas-console diagnostics', () => {
  it('bundles versions, settings without secrets, the last status and the recent log into one text block', async () => {
    const te = await startTestEngine({ sources: [] });
    const dataDir = te.dataDir;
    try {
      const settings = {
        ...defaultSettings(),
        sources: [{ id: 'relay', name: 'Relay', uri: `http://listen:${SECRETS[3]}@relay.example/stream`, priority: 1, enabled: false }],
      };
      writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings));
      writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify({ 'stream:main': SECRETS[0], 'icecast:admin': SECRETS[1] }));
      const status = new StatusFileWriter(statusFile(dataDir), () => te.engine.call('status.snapshot', {}));
      await status.stop();
      const logger = createLogger('info', { dataDir, stderr: false });
      logger.info(`serving at http://127.0.0.1:8080/?token=${SECRETS[2]}`);
      logger.warn({ source: 'relay' }, 'relay: stalled');

      const out: string[] = [];
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
      let code: number;
      try {
        code = await diagnosticsMain(['--data-dir', dataDir, '--lines', '50']);
      } finally {
        write.mockRestore();
      }
      expect(code).toBe(0);
      const text = out.join('');
      for (const s of SECRETS) expect(text, s).not.toContain(s);
      for (const section of ['== versions ==', '== paths ==', '== settings (secrets removed) ==', '== status (snapshot of ', '== log (last 2 lines) ==']) {
        expect(text, section).toContain(section);
      }
      expect(text).toMatch(/^eas-console: \d+\.\d+\.\d+/m);
      expect(text).toMatch(/^node: /m);
      expect(text).toMatch(/^ffmpeg: /m);
      expect(text).toContain('http://listen:***@relay.example/stream');
      expect(text).toContain('"version": "test"');
      expect(text).toContain('relay: stalled');
      expect(text).toContain('token=***');
    } finally {
      await te.cleanup();
    }
  }, 30_000);

  it('still reports without a status file or settings, and refuses bad options', async () => {
    const empty = join(dir, 'empty');
    const text = await collectDiagnostics({ dataDir: empty, appVersion: '1.2.3', probeTools: false, now: new Date('2026-01-02T03:04:05Z') });
    expect(text.split('\n')[0]).toBe('EAS Monitor Console diagnostics, 2026-01-02T03:04:05.000Z');
    expect(text).toMatch(/== status ==\nnone yet/);
    expect(text).toContain('(defaults: no settings file)');
    expect(text).toContain('== log (last 0 lines) ==\n(empty)');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await diagnosticsMain(['--lines', 'many'])).toBe(2);
      expect(await diagnosticsMain(['--bogus'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });

  it('censors secret-named fields wherever they are', () => {
    expect(withoutSecrets({ a: { password: 'x', adminPassword: 'y', tls: true, token: null }, streams: [{ sourcePassword: 'z', mount: '/m' }] })).toEqual({
      a: { password: '***', adminPassword: '***', tls: true, token: null },
      streams: [{ sourcePassword: '***', mount: '/m' }],
    });
  });
});
