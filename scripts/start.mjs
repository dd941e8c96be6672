// `npm start`: the Electron app when its binary and a display are there, else serve mode
// (the same console in a browser) with the URL printed. Arguments pass through to serve.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary() {
  try {
    // The electron package's main export is the binary's path; it throws when the binary was never downloaded.
    const bin = createRequire(import.meta.url)('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const bin = electronBinary();
const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
if (bin && display && !process.env.EAS_FORCE_SERVE) {
  run(bin, ['dist/node/main.js', ...args]);
} else {
  const why = !bin ? 'the Electron binary is not installed' : !display ? 'there is no display' : 'EAS_FORCE_SERVE is set';
  console.log(`Starting in serve mode because ${why}; open the URL below in a browser.`);
  run(process.execPath, ['bin/eas-console.js', 'serve', ...args]);
}
