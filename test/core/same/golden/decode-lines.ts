import { main as decode } from '../../../../electron/cli/decode';
import { RECEIVED } from './cases';

/** The lines `eas-console decode FILE --received RECEIVED [--verbose]` prints, and its exit code. */
export async function decodeLines(path: string, verbose = false): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const argv = [path, '--received', RECEIVED, ...(verbose ? ['--verbose'] : [])];
  const code = await decode(argv, { out: (l) => lines.push(...l.split('\n')), err: () => {} });
  return { code, lines };
}
