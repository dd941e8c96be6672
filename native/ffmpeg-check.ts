import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';

export type FfmpegCheck = { ok: true; path: string; version: string } | { ok: false; reason: string };

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Whether `path` may become the ffmpeg the engine runs for every source and stream. Settings
 * can be changed from the UI, so a path that names some other program (or a file another
 * user can swap) would run it on the next start: it must be a regular executable file that
 * no other user can replace, and it must answer `-version` as ffmpeg does. The probe runs
 * with a timeout and an empty environment; its child is always reaped by execFile.
 */
export async function checkFfmpegBinary(path: string, opts: { timeoutMs?: number } = {}): Promise<FfmpegCheck> {
  if (!isAbsolute(path)) return { ok: false, reason: `${path} is not an absolute path` };
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { ok: false, reason: `${path} does not exist` };
  }
  let st;
  let dir;
  try {
    st = await stat(real);
    dir = await stat(dirname(real));
  } catch (err) {
    return { ok: false, reason: `${path} cannot be examined (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  if (!st.isFile()) return { ok: false, reason: `${path} is not a file` };
  if ((st.mode & 0o111) === 0) return { ok: false, reason: `${path} is not executable (chmod +x it)` };
  if (st.mode & 0o002) return { ok: false, reason: `${path} is writable by every user, so anyone could replace what it runs` };
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== 0 && st.uid !== uid) {
    return { ok: false, reason: `${path} belongs to another user (uid ${st.uid}); use a binary owned by root or by this user` };
  }
  // A world-writable folder without the sticky bit lets anyone rename the binary away and put their own.
  if (dir.mode & 0o002 && !(dir.mode & 0o1000)) {
    return { ok: false, reason: `${path} is in ${dirname(real)}, which every user can write to; move the binary somewhere only you or root can` };
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const answer = await new Promise<{ stdout: string; error: string | null }>((resolve) => {
    execFile(
      real,
      ['-version'],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024, env: probeEnv(), encoding: 'utf8', windowsHide: true },
      (err, stdout) => {
        if (!err) return resolve({ stdout, error: null });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        if (e.killed || e.signal === 'SIGKILL') return resolve({ stdout, error: `did not answer -version within ${timeoutMs / 1000} s` });
        const why = typeof e.code === 'number' ? `exited with code ${e.code}` : (e.code ?? e.message);
        resolve({ stdout, error: `failed to run -version (${why})` });
      },
    );
  });
  if (answer.error) return { ok: false, reason: `${path} ${answer.error}` };
  const first = answer.stdout.split('\n', 1)[0]!.trim();
  const m = /^ffmpeg version (\S+)/.exec(first);
  if (!m) {
    const shown = first.length > 80 ? `${first.slice(0, 80)}...` : first;
    return { ok: false, reason: `${path} did not answer -version as ffmpeg (its first line: "${shown.replace(/[^\x20-\x7e]/g, '?')}")` };
  }
  return { ok: true, path: real, version: m[1]! };
}

/** Only what a dynamically linked ffmpeg needs to start: nothing of the engine's own environment. */
function probeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'LD_LIBRARY_PATH']) if (process.env[k]) env[k] = process.env[k];
  return env;
}
