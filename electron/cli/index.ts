/**
 * `eas-console` command line: serve (headless console), decode and encode (SAME audio).
 * Runs under plain Node; Electron is never needed here.
 */
const USAGE = `Usage: eas-console <command> [options]

Commands:
  serve     run the console headless and serve the UI to a browser
  decode    decode SAME headers, attention signals and EOMs from an audio file
  encode    write a SAME alert as a WAV file
  diagnostics  versions, settings without secrets, last status and recent log, as one text block
  archive   list, export or verify the continuous archive of the sources
  version   print the version

Run "eas-console <command> --help" for a command's options.
`;

type Main = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ main: Main }>> = {
  serve: () => import('./serve'),
  decode: () => import('./decode'),
  encode: () => import('./encode'),
  diagnostics: () => import('./diagnostics'),
  archive: () => import('./archive'),
};

async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'version' || cmd === '--version') {
    const { appVersion } = await import('../../native/package-root');
    process.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  const load = commands[cmd];
  if (!load) {
    process.stderr.write(`unknown command "${cmd}"\n\n${USAGE}`);
    return 2;
  }
  return (await load()).main(rest);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`eas-console: ${err.stack ?? err.message}\n`);
    process.exitCode = 1;
  },
);
