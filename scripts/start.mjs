// `npm start`: the Electron app when its binary and a display are there, else serve mode
// (the same console in a browser) with the URL printed. Arguments pass through to serve.
// Whatever goes wrong on the way to Electron is said in one line, never as a stack trace:
// this is the first thing a new user runs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
/** The first download can be slow on a station's line; past this, serve mode instead. */
const DOWNLOAD_TIMEOUT_MS = Number(process.env.EAS_ELECTRON_DOWNLOAD_TIMEOUT_MS) || 300_000;

function electronPackageDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The Electron binary if it is on disk. Worked out the way the electron package's own index.js
 * does, without requiring it: requiring it starts a download and throws a stack when offline.
 */
function installedElectron(pkgDir) {
  const pathFile = join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const bin = override ? join(override, rel || 'electron') : rel ? join(pkgDir, 'dist', rel) : null;
  return bin && existsSync(bin) ? bin : null;
}

/** Runs the electron package's installer quietly; resolves to null on success, else a one-line reason. */
function downloadElectron(pkgDir) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(pkgDir, 'install.js')], { cwd: pkgDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve(`no answer within ${Math.round(DOWNLOAD_TIMEOUT_MS / 1000)} s`);
    }, DOWNLOAD_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(e.message);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) return resolve(null);
      // The installer prints a stack: its first line ("TypeError: fetch failed") says what happened.
      const first = err.split('\n').find((l) => l.trim()) ?? `installer exited with ${code}`;
      resolve(first.replace(/^\s*\w*Error:\s*/, '').slice(0, 160));
    });
  });
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function serve(why) {
  process.stdout.write(`Starting in serve mode because ${why}; open the URL below in a browser.\n`);
  run(process.execPath, ['bin/eas-console.js', 'serve', ...args]);
}

const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
const pkgDir = electronPackageDir();
let bin = pkgDir ? installedElectron(pkgDir) : null;
if (process.env.EAS_FORCE_SERVE) {
  serve('EAS_FORCE_SERVE is set');
} else if (!display) {
  serve(bin ? 'there is no display' : 'the Electron binary is not installed and there is no display');
} else if (!pkgDir) {
  serve('the Electron binary is not installed (the electron package is missing: npm ci installs it)');
} else {
  if (!bin) {
    // The outcome completes this line, so even a failed download says it all in one line.
    process.stdout.write('Electron is not downloaded yet: downloading it... ');
    let failed = await downloadElectron(pkgDir);
    bin = failed ? null : installedElectron(pkgDir);
    if (!failed && !bin) failed = 'the installer finished but left no binary';
    if (failed) process.stdout.write(`failed (${failed}). `);
    else process.stdout.write('done.\n');
  }
  if (bin) run(bin, ['dist/node/main.js', ...args]);
  else serve('the Electron binary is not installed');
}
