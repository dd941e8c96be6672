import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  parseSourceUri,
  parseStreamUri,
  redactStreamUri,
  redactUri,
  SourceUriError,
  StreamUriError,
  type SourceConfig,
  type StreamConfig,
} from '../contract';
import { defaultDataDir } from '../engine/data-dir';
import { Engine } from '../engine/engine';
import { createLogger } from '../engine/log';
import { StatusFileWriter, statusFile } from '../engine/status-file';
import { appVersion, packageRoot } from '../../native/package-root';
import { randomToken } from '../serve/auth';
import { allowHostError, isLoopbackAddress } from '../serve/request-guard';
import { startServer } from '../serve/server';
import { chooseToken, fillStreamPassword, scrubSecretEnv, STREAM_PASSWORD_ENV, TOKEN_ENV } from './secret-input';
import { usageFailure, wholeNumberArg } from './options';

const USAGE = `Usage: eas-console serve [options]

Runs the console engine headless and serves the UI to a browser.
  --host HOST        address to bind (default 127.0.0.1; anything else is reachable by others)
  --port N           port (default 8080; 0 picks a free one)
  --token TOKEN      access token (default: random, printed in the URL); visible to other local users in
                     the process list, so prefer --token-file FILE or the ${TOKEN_ENV} environment variable
  --token-file FILE  read the access token from the first line of FILE (chmod 600 it)
  --allow-host NAME  also answer to this Host name (NAME or NAME:PORT; repeatable), e.g. the station's
                     DNS name for a second PC or a reverse proxy; other Host values are refused (403)
  --data-dir DIR     settings, database, recordings (default $XDG_DATA_HOME/eas-console)
  --settings FILE    use this settings file instead of DATA_DIR/settings.json
  --source URI       add a source for this run only, not saved (repeatable): demo:, file:PATH[?loop=1],
                     alsa:DEVICE, rtlsdr:?freq=..., rtltcp://HOST:PORT?freq=..., http(s)://...
  --stream URL       stream the source given just before it to Icecast, for this run (repeatable):
                     icecast://source:PASSWORD@HOST:PORT/MOUNT?format=mp3|vorbis|opus|aac&bitrate=128
                     (icecast://source:@HOST:PORT/MOUNT, an empty password, takes ${STREAM_PASSWORD_ENV})
  --terminal         offer a shell in the Diagnostics tab (a remote shell for anyone with the token:
                     allowed only with a loopback --host; reach it from elsewhere through an SSH tunnel)
  --log-level LEVEL  fatal|error|warn|info|debug (default info)
`;

/** True for addresses only this machine can reach (the whole 127/8 block, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackAddress(host);
}

/** Sources given with --source become configs with ids src1, src2, ... and priorities after the saved ones. */
export function sourcesFromUris(uris: string[]): SourceConfig[] {
  return uris.map((uri, i) => {
    let kind: string;
    try {
      kind = parseSourceUri(uri).kind;
    } catch (err) {
      const part = err instanceof SourceUriError ? ` (${err.part})` : '';
      throw new Error(`--source ${redactUri(uri)}: ${(err as Error).message}${part}`);
    }
    return { id: `src${i + 1}`, name: `${kind} ${i + 1}`, uri, priority: 100 + i, enabled: true };
  });
}

/**
 * --stream URLs in command-line order, each attached to the --source given before it.
 * Passwords stay in memory for this run; error messages never show them.
 */
export function streamsFromArgs(
  tokens: ReadonlyArray<{ kind: string; name?: string; value?: string | undefined }>,
  sources: SourceConfig[],
  env: NodeJS.ProcessEnv = process.env,
): Array<{ config: StreamConfig; password: string }> {
  const out: Array<{ config: StreamConfig; password: string }> = [];
  let sourceIndex = -1;
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'source') sourceIndex++;
    if (t.name !== 'stream') continue;
    const given = t.value ?? '';
    const source = sources[sourceIndex];
    if (!source) throw new Error(`--stream ${redactStreamUri(given)}: give the --source it streams first`);
    const n = out.filter((s) => s.config.sourceId === source.id).length + 1;
    try {
      const uri = fillStreamPassword(given, env);
      out.push(parseStreamUri(uri, { id: `${source.id}-stream${n}`, sourceId: source.id, enabled: true }));
    } catch (err) {
      const part = err instanceof StreamUriError ? ` (${err.part})` : '';
      throw new Error(`--stream ${redactStreamUri(given)}: ${redactStreamUri((err as Error).message)}${part}`);
    }
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  let values;
  let tokens;
  try {
    ({ values, tokens } = parseArgs({
      tokens: true,
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8080' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'allow-host': { type: 'string', multiple: true, default: [] },
        'data-dir': { type: 'string' },
        settings: { type: 'string' },
        source: { type: 'string', multiple: true, default: [] },
        stream: { type: 'string', multiple: true, default: [] },
        'log-level': { type: 'string', default: 'info' },
        terminal: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    return usageFailure(err, USAGE);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = wholeNumberArg('port', values.port, 0, 65535);
  if (port === null) return 2;
  let extraSources: SourceConfig[];
  let extraStreams: Array<{ config: StreamConfig; password: string }>;
  let chosen;
  const allowHosts = values['allow-host'] ?? [];
  try {
    extraSources = sourcesFromUris(values.source ?? []);
    extraStreams = streamsFromArgs(tokens ?? [], extraSources);
    chosen = chooseToken({ token: values.token, tokenFile: values['token-file'] });
    for (const h of allowHosts) {
      const problem = allowHostError(h);
      if (problem) throw new Error(`--allow-host ${h} ${problem}`);
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  } finally {
    // Read once; the terminal's shell, ffmpeg and the workers must not inherit them.
    scrubSecretEnv();
  }
  for (const w of chosen?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  const host = values.host!;
  if (values.terminal && !isLoopbackHost(host)) {
    // Refused outright rather than ignored: the operator asked for something unsafe and should know.
    process.stderr.write(
      `--terminal needs a loopback --host (127.0.0.1, ::1 or localhost), got "${host}": over the network the terminal ` +
        'would be a remote shell. Bind to 127.0.0.1 and use an SSH tunnel (ssh -L 8080:127.0.0.1:8080 station) to reach it.\n',
    );
    return 2;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const token = chosen.token ?? randomToken();
  const logger = createLogger(values['log-level'], { dataDir });
  // A monitoring station stays up: an unexpected error is logged loudly, not fatal.
  process.on('unhandledRejection', (err) => logger.error({ err: String(err) }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => logger.error({ err: err.stack ?? String(err) }, 'uncaught exception'));
  let engine: Engine;
  try {
    engine = new Engine({
      dataDir,
      settingsFile: values.settings ? resolve(values.settings) : undefined,
      extraSources,
      extraStreams,
      mode: 'serve',
      version: appVersion(),
      logger,
      terminal: values.terminal === true,
    });
  } catch (err) {
    // An unusable data dir (read-only, full, not ours) is said with the directory and what to do.
    process.stderr.write(`cannot start: ${(err as Error).message}\n`);
    logger.flush();
    return 1;
  }
  try {
    await engine.start();
  } catch (err) {
    process.stderr.write(`cannot start: ${redactStreamUri((err as Error).message)}\n`);
    await engine.stop();
    return 1;
  }
  let server;
  try {
    server = await startServer({
      engine,
      host,
      port,
      token,
      allowHosts,
      rendererDir: join(packageRoot(), 'dist', 'renderer'),
      onError: (err, route) => logger.error({ err: err.message, route }, 'HTTP route failed'),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ` — port ${port} is in use; pick another with --port` : '';
    process.stderr.write(`cannot listen on ${values.host}:${port}: ${e.message}${hint}\n`);
    await engine.stop();
    return 1;
  }
  if (!isLoopbackHost(host)) {
    process.stderr.write(`warning: serving on ${values.host}: anyone who can reach it and has the token can watch the station\n`);
  }
  process.stdout.write(`EAS console serving at ${server.url}\n`);
  // The last snapshot stays on disk for `eas-console diagnostics`, even if this process hangs.
  const status = new StatusFileWriter(statusFile(dataDir), () => engine.call('status.snapshot', {}), 15_000, (m) => logger.warn(m));
  status.start();
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('stopping...\n');
  await server.close();
  await status.stop();
  await engine.stop();
  logger.flush();
  return 0;
}
