import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The engine's logger. Anything that might hold a secret is redacted by key, and URLs with
 * credentials are masked before they are logged (see redactUri in the contract).
 */
export function createLogger(level: string = process.env.EAS_LOG_LEVEL || 'info'): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['password', '*.password', 'sourcePassword', 'adminPassword', 'token', '*.token', 'authorization'], censor: '***' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
