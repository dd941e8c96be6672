import { join } from 'node:path';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import { DEFAULT_ROTATION, RotatingLogFile, type RotationLimits } from './log-file';

export type { Logger };

/** Keys whose values never reach a log line, at any of the depths the engine logs. */
const SECRET_KEYS = ['password', 'sourcePassword', 'adminPassword', 'token', 'authorization', 'cookie', 'secret'];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]).concat(['req.headers.authorization', 'req.headers.cookie', 'headers.cookie']);

/**
 * Masks secrets that travel inside text: credentials in URLs (icecast://source:PW@host),
 * ?token= query values (the serve URL), bearer tokens and password=... pairs.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, '$1***@')
    .replace(/([?&](?:token|password|pass|key)=)[^&\s#"]+/gi, '$1***')
    .replace(/(\bBearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1***')
    .replace(/(\b(?:password|passwd)\s*[=:]\s*)[^\s,;"]+/gi, '$1***');
}

function scrubValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return scrubSecrets(v);
  if (depth > 0 && v && typeof v === 'object' && !Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = scrubValue(x, depth - 1);
    return out;
  }
  return v;
}

export interface LoggerOptions {
  /** Also to DATA_DIR/logs/eas-console.log, rotated by size. */
  dataDir?: string;
  rotation?: RotationLimits;
  /** Also to stderr (serve mode and development); default true. */
  stderr?: boolean;
}

export function logFile(dataDir: string): string {
  return join(dataDir, 'logs', 'eas-console.log');
}

/**
 * The engine's logger: JSON lines (pino) to stderr and, given a data dir, to a rotating file
 * there. Secrets are redacted by key and masked inside strings, in messages and in fields.
 */
export function createLogger(level: string = process.env.EAS_LOG_LEVEL || 'info', opts: LoggerOptions = {}): Logger {
  if (level === 'silent' || (opts.stderr === false && !opts.dataDir)) return silentLogger();
  const streams: StreamEntry[] = [];
  if (opts.stderr !== false) streams.push({ level: level as pino.Level, stream: pino.destination({ fd: 2, sync: false }) });
  if (opts.dataDir) {
    const file = new RotatingLogFile(logFile(opts.dataDir), opts.rotation ?? DEFAULT_ROTATION);
    streams.push({ level: level as pino.Level, stream: { write: (line: string) => void file.write(line) } satisfies DestinationStream });
  }
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '***' },
      formatters: { log: (obj) => scrubValue(obj, 2) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    streams.length === 1 ? streams[0]!.stream : pino.multistream(streams),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
