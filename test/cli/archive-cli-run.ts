import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `eas-console archive ...` on `dataDir`, run from source; its exit code instead of a throw. */
export function archiveCli(dataDir: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return run(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', 'archive', ...args, '--data-dir', dataDir], { timeout: 60_000 }).then(
    (r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }),
  );
}
