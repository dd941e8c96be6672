// In the packaged app the code runs from resources/app.asar, where nothing can be executed,
// and electron-builder's asarUnpack puts @ffmpeg-installer in resources/app.asar.unpacked. The
// same ffmpegPath() that finds ffmpeg in development must find the unpacked binary there: here
// against a simulated resources dir built from the real installed packages.
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../native/ffmpeg-path';
import { ROOT } from '../e2e/serve-process';

const run = promisify(execFile);
const platformPkg = `${process.platform}-${process.arch}`;
const installed = join(ROOT, 'node_modules', '@ffmpeg-installer');
const resources = mkdtempSync(join(tmpdir(), 'eas-resources-'));
const asar = join(resources, 'app.asar');
const unpacked = join(resources, 'app.asar.unpacked');
// Where the bundled main process code sits inside the archive (dist/node/*.js).
const fromBundle = pathToFileURL(join(asar, 'dist', 'node', 'chunk-test.js')).href;
let savedEnv: string | undefined;

beforeAll(() => {
  savedEnv = process.env.EAS_FFMPEG;
  delete process.env.EAS_FFMPEG;
  // Inside the archive: the JavaScript of both packages, and the binary's entry (Electron's fs
  // lists unpacked files in the archive too, so @ffmpeg-installer's own existence check passes).
  for (const name of ['ffmpeg', platformPkg]) mkdirSync(join(asar, 'node_modules', '@ffmpeg-installer', name), { recursive: true });
  cpSync(join(installed, 'ffmpeg', 'index.js'), join(asar, 'node_modules/@ffmpeg-installer/ffmpeg/index.js'));
  cpSync(join(installed, 'ffmpeg', 'package.json'), join(asar, 'node_modules/@ffmpeg-installer/ffmpeg/package.json'));
  cpSync(join(installed, 'ffmpeg', 'lib'), join(asar, 'node_modules/@ffmpeg-installer/ffmpeg/lib'), { recursive: true });
  copyFileSync(join(installed, platformPkg, 'package.json'), join(asar, 'node_modules/@ffmpeg-installer', platformPkg, 'package.json'));
  writeFileSync(join(asar, 'node_modules/@ffmpeg-installer', platformPkg, 'ffmpeg'), 'archive entry of an unpacked file');
  mkdirSync(join(asar, 'dist', 'node'), { recursive: true });
  // Outside the archive: the real, executable binary.
  mkdirSync(join(unpacked, 'node_modules', '@ffmpeg-installer', platformPkg), { recursive: true });
  symlinkSync(join(installed, platformPkg, 'ffmpeg'), join(unpacked, 'node_modules/@ffmpeg-installer', platformPkg, 'ffmpeg'));
});

afterAll(() => {
  if (savedEnv !== undefined) process.env.EAS_FFMPEG = savedEnv;
  rmSync(resources, { recursive: true, force: true });
});

describe('ffmpeg in the packaged app', () => {
  it('resolves to the unpacked binary outside the asar, and it runs', async () => {
    const bin = ffmpegPath(undefined, fromBundle);
    expect(bin).toBe(join(unpacked, 'node_modules', '@ffmpeg-installer', platformPkg, 'ffmpeg'));
    const { stdout } = await run(bin, ['-hide_banner', '-version'], { timeout: 10_000 });
    expect(stdout).toMatch(/^ffmpeg version/);
  });

  it('is the same code as in development, where there is no archive', () => {
    expect(ffmpegPath()).toBe(join(installed, platformPkg, 'ffmpeg'));
  });

  it('names the missing binary when the unpacked copy is gone, and a configured ffmpeg wins', () => {
    rmSync(join(unpacked, 'node_modules', '@ffmpeg-installer', platformPkg, 'ffmpeg'));
    expect(() => ffmpegPath(undefined, fromBundle)).toThrow(/ffmpeg not found \(bundled binary missing at .*app\.asar\/node_modules/);
    const own = join(installed, platformPkg, 'ffmpeg');
    expect(ffmpegPath(own, fromBundle)).toBe(own);
  });
});
