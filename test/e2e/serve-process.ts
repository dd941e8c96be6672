import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** The URL serve printed, token included. */
  url: string;
  port: number;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const URL_LINE = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=[A-Za-z0-9._~-]+/;

/**
 * Runs the real `eas-console serve` (the built CLI, as a user would) and resolves once it
 * prints its URL. Rejects with the process output when it exits or stays silent instead.
 */
export async function startServe(args: string[], timeoutMs = 30_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/eas-console.js', 'serve', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (out += d));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no URL within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      child.stdout!.on('data', (d: string) => {
        out += d;
        const m = URL_LINE.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${code ?? signal}) before printing its URL:\n${out}`));
      });
    });
    return { child, url, port: Number(new URL(url).port), output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
