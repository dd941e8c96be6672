// One text block a station can paste into a support request: versions, the settings without
// secrets, the last status snapshot and the recent log. The secret store is never read, and
// everything that is read passes the same masks as the logger on the way out.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { redactUri, type StatusSnapshot } from '../contract';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { logFile, scrubSecrets } from './log';
import { statusFile } from './status-file';

const run = promisify(execFile);

export interface DiagnosticsInput {
  dataDir: string;
  /** Default DATA_DIR/settings.json. */
  settingsFile?: string;
  appVersion: string;
  /** A live snapshot when the caller has the engine; else the last one in DATA_DIR/status.json. */
  status?: StatusSnapshot | null;
  /** Extra versions the caller knows (Electron, Chromium). */
  versions?: Record<string, string | undefined>;
  logLines?: number;
  /** Probe ffmpeg, icecast2, arecord, rtl-sdr (default true). */
  probeTools?: boolean;
  now?: Date;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie/i;

/** A deep copy with secret-named keys censored, URIs redacted and every string masked. */
export function withoutSecrets(v: unknown, key = ''): unknown {
  if (typeof v === 'string') {
    if (SECRET_KEY.test(key)) return '***';
    return scrubSecrets(key === 'uri' ? redactUri(v) : v);
  }
  if (Array.isArray(v)) return v.map((x) => withoutSecrets(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) && x !== null && typeof x !== 'boolean' ? '***' : withoutSecrets(x, k);
    return out;
  }
  return v;
}

async function firstLine(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 5000, encoding: 'utf8' });
    return (stdout || stderr).split('\n').find((l) => l.trim())?.trim() ?? '(no output)';
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') return 'not installed';
    // Some tools print their version and exit non-zero.
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').find((l) => l.trim());
    return text ? text.trim() : `failed: ${e.message.split('\n')[0]}`;
  }
}

function onPath(name: string): string {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d && existsSync(join(d, name))) return join(d, name);
  }
  return 'not installed';
}

async function ffmpegVersion(): Promise<string> {
  let bin: string;
  try {
    bin = ffmpegPath();
  } catch (err) {
    return (err as Error).message;
  }
  return `${await firstLine(bin, ['-hide_banner', '-version'])} (${bin})`;
}

async function toolVersions(): Promise<Array<[string, string]>> {
  const probes: Array<[string, Promise<string>]> = [
    ['ffmpeg', ffmpegVersion()],
    ['icecast2', firstLine('icecast2', ['-v'])],
    ['arecord', firstLine('arecord', ['--version'])],
    // rtl-sdr's tools have no version flag: where they are is what helps.
    ['rtl_sdr', Promise.resolve(onPath('rtl_sdr'))],
    ['rtl_tcp', Promise.resolve(onPath('rtl_tcp'))],
  ];
  return Promise.all(probes.map(async ([k, p]) => [k, await p] as [string, string]));
}

/** The last `n` lines over the live log and its rotations. */
export function recentLogLines(dataDir: string, n: number): string[] {
  const live = logFile(dataDir);
  const out: string[] = [];
  for (const f of [live, `${live}.1`]) {
    if (out.length >= n || !existsSync(f)) continue;
    const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean);
    out.unshift(...lines.slice(-(n - out.length)));
  }
  return out.map(scrubSecrets);
}

function lastStatus(dataDir: string): { at: string; status: unknown } | string {
  const file = statusFile(dataDir);
  if (!existsSync(file)) return `none yet (${file} is written while the console runs)`;
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { writtenAt?: string; status?: unknown };
    return { at: j.writtenAt ?? 'unknown', status: j.status };
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
}

function dirSummary(dir: string): string {
  if (!existsSync(dir)) return 'absent';
  let files = 0;
  let bytes = 0;
  const walk = (d: string, depth: number): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 3) walk(p, depth + 1);
      else if (e.isFile()) {
        files++;
        bytes += statSync(p).size;
      }
    }
  };
  walk(dir, 0);
  return `${files} files, ${(bytes / 1e6).toFixed(1)} MB`;
}

export async function collectDiagnostics(input: DiagnosticsInput): Promise<string> {
  const now = input.now ?? new Date();
  const settingsFile = input.settingsFile ?? join(input.dataDir, 'settings.json');
  const out: string[] = [`EAS Monitor Console diagnostics, ${now.toISOString()}`];
  const section = (title: string, body: string): void => {
    out.push('', `== ${title} ==`, body);
  };

  const versions: Array<[string, string]> = [
    ['eas-console', input.appVersion],
    ['node', process.versions.node],
    ['os', `${platform()} ${release()} ${arch()}`],
  ];
  for (const [k, v] of Object.entries(input.versions ?? {})) if (v) versions.push([k, v]);
  if (input.probeTools !== false) versions.push(...(await toolVersions()));
  section('versions', versions.map(([k, v]) => `${k}: ${scrubSecrets(v)}`).join('\n'));

  section(
    'paths',
    [
      `data dir: ${input.dataDir}`,
      `settings: ${settingsFile}${existsSync(settingsFile) ? '' : ' (absent: defaults)'}`,
      `history: ${join(input.dataDir, 'history.sqlite')}${existsSync(join(input.dataDir, 'history.sqlite')) ? ` (${(statSync(join(input.dataDir, 'history.sqlite')).size / 1e6).toFixed(1)} MB)` : ' (absent)'}`,
      `recordings: ${join(input.dataDir, 'recordings')} (${dirSummary(join(input.dataDir, 'recordings'))})`,
      `logs: ${join(input.dataDir, 'logs')} (${dirSummary(join(input.dataDir, 'logs'))})`,
    ].join('\n'),
  );

  let settings: string;
  try {
    settings = existsSync(settingsFile) ? JSON.stringify(withoutSecrets(JSON.parse(readFileSync(settingsFile, 'utf8'))), null, 2) : '(defaults: no settings file)';
  } catch (err) {
    settings = `unreadable: ${(err as Error).message}`;
  }
  section('settings (secrets removed)', settings);

  const status = input.status ? { at: now.toISOString(), status: input.status } : lastStatus(input.dataDir);
  section(
    typeof status === 'string' ? 'status' : `status (snapshot of ${status.at})`,
    typeof status === 'string' ? status : JSON.stringify(withoutSecrets(status.status), null, 1),
  );

  const lines = recentLogLines(input.dataDir, input.logLines ?? 200);
  section(`log (last ${lines.length} lines)`, lines.length ? lines.join('\n') : '(empty)');
  return `${out.join('\n')}\n`;
}
