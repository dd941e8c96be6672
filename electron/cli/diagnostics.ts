import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../engine/data-dir';
import { collectDiagnostics } from '../engine/diagnostics';
import { appVersion } from '../../native/package-root';
import { usageFailure, wholeNumberArg } from './options';

const USAGE = `Usage: eas-console diagnostics [options]

Prints one text block for a support request: versions (app, Node, OS, ffmpeg, icecast2,
arecord, rtl-sdr), the settings without secrets, the last status snapshot the console wrote
and the recent log. Works whether the console is running or not; reads no secret.
  --data-dir DIR     the console's data dir (default $XDG_DATA_HOME/eas-console)
  --settings FILE    the settings file, when the console runs with --settings
  --lines N          log lines to include (default 200)
  --out FILE         write to FILE instead of stdout
`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        settings: { type: 'string' },
        lines: { type: 'string', default: '200' },
        out: { type: 'string' },
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
  const lines = wholeNumberArg('lines', values.lines, 0, 100_000);
  if (lines === null) return 2;
  const text = await collectDiagnostics({
    dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
    settingsFile: values.settings ? resolve(values.settings) : undefined,
    appVersion: appVersion(),
    logLines: lines,
  });
  if (values.out) writeFileSync(values.out, text, { mode: 0o600 });
  else process.stdout.write(text);
  return 0;
}
