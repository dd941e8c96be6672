// electron-builder.yml checked without packaging: against electron-builder's own schema
// (its validateConfiguration, the one `npm run dist` runs first), and every file and icon it
// names must exist once `npm run build` has run (npm test builds before the tests).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/serve-process';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(k: string, v: unknown): void }): Promise<void>;
};
const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js') as {
  default: { prototype: { getDefaultDepends(target: string): string[]; getDefaultRecommends(target: string): string[] } };
};

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  extraMetadata: { main: string };
  linux: { icon: string; executableName: string; target: string[]; syncDesktopName?: boolean };
  deb: { depends?: string[]; recommends: string[] };
}

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const noDebug = { isEnabled: false, add: () => undefined };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { desktopName?: string; dependencies: Record<string, string> };

function built(rel: string): string {
  const p = join(ROOT, rel);
  if (!existsSync(p)) throw new Error(`${rel} is missing: run \`npm run build\` first (npm test does)`);
  return p;
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    await expect(validateConfiguration(config, noDebug)).resolves.toBeUndefined();
    // The validator is live: a misspelt option and a wrong type are refused.
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, icno: 'x' } }, noDebug)).rejects.toThrow(/Invalid configuration object[^]*configuration\.linux/);
    await expect(validateConfiguration({ ...config, deb: { recommends: 5 } }, noDebug)).rejects.toThrow(/Invalid configuration object[^]*configuration\.deb/);
    await expect(validateConfiguration({ ...config, asarUnpak: [] }, noDebug)).rejects.toThrow(/Invalid configuration object/);
  });

  it('names only files that exist after the build', () => {
    for (const pattern of config.files.filter((f) => !f.startsWith('!'))) {
      const base = pattern.replace(/\/?\*\*.*$/, '');
      const p = built(base);
      if (statSync(p).isDirectory()) expect(readdirSync(p).length, `${pattern} matches nothing`).toBeGreaterThan(0);
    }
    built(config.extraMetadata.main);
    built('dist/preload/index.cjs');
    built('dist/renderer/index.html');
    built('dist/node/source-worker.js');
  });

  it('has the app icon at every size Linux uses, rendered from the SVG master', () => {
    const dir = built(config.linux.icon);
    const sizes = readdirSync(dir)
      .map((f) => /^(\d+)x\1\.png$/.exec(f)?.[1])
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256, 512]);
    for (const s of sizes) {
      const png = readFileSync(join(dir, `${s}x${s}.png`));
      // PNG signature, then the IHDR width and height.
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], `${s}x${s}.png`).toEqual([s, s]);
    }
    expect(existsSync(join(ROOT, 'assets', 'icons', 'eas-console.svg'))).toBe(true);
    for (const variant of ['normal', 'alert', 'failed', 'alert-1', 'alert-9plus']) built(`dist/icons/tray-${variant}.png`);
  });

  it('keeps the native modules and ffmpeg outside the asar, and they are installed', () => {
    for (const mod of ['better-sqlite3', 'node-pty', '@ffmpeg-installer']) {
      expect(config.asarUnpack, mod).toContain(`**/node_modules/${mod}/**`);
      expect(existsSync(join(ROOT, 'node_modules', mod)), mod).toBe(true);
    }
    for (const dep of ['better-sqlite3', 'node-pty', '@ffmpeg-installer/ffmpeg']) expect(pkg.dependencies, dep).toHaveProperty(dep);
  });

  it('makes a deb that brings what the station runs on, on top of electron-builder defaults', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    for (const p of ['icecast2', 'alsa-utils', 'rtl-sdr']) {
      expect([...(config.deb.depends ?? []), ...config.deb.recommends], p).toContain(p);
    }
    // Setting recommends replaces electron-builder's default (the tray's indicator library): keep it.
    for (const p of FpmTarget.prototype.getDefaultRecommends('deb')) {
      expect(config.deb.recommends.some((r) => r.split('|').map((x) => x.trim()).includes(p)), p).toBe(true);
    }
    // Depends left to electron-builder (GTK, NSS, libnotify...), or a superset of them.
    if (config.deb.depends) expect(config.deb.depends).toEqual(expect.arrayContaining(FpmTarget.prototype.getDefaultDepends('deb')));
  });

  it('ties the window to its .desktop entry and the autostart entry to the executable', () => {
    expect(config.linux.syncDesktopName).toBe(true);
    expect(pkg.desktopName).toBe(`${config.linux.executableName}.desktop`);
  });
});
