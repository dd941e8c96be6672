import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { applyAutostart, autostartEntry, autostartFile, execArg, HIDDEN_FLAG, isOurEntry, launchCommand } from '../../electron/main/autostart';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'eas-autostart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Splits an Exec value back into argv the way the Desktop Entry spec reads it. */
function parseExec(value: string): string[] {
  // First the string-value escapes, then the Exec quoting rules.
  const unescaped = value.replace(/\\\\/g, '\\');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (let i = 0; i < unescaped.length; i++) {
    const c = unescaped[i]!;
    if (quoted) {
      if (c === '\\') cur += unescaped[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      any = true;
    } else if (c === ' ') {
      if (cur || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += c;
  }
  if (cur || any) out.push(cur);
  return out.map((a) => a.replace(/%%/g, '%'));
}

describe('XDG autostart entry', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/x/cfg' })).toBe('/x/cfg/autostart/eas-console.desktop');
    // A relative XDG_CONFIG_HOME is invalid per the Base Directory spec and is ignored.
    expect(autostartFile({ XDG_CONFIG_HOME: 'rel', HOME: '/home/op' })).toMatch(/\/\.config\/autostart\/eas-console\.desktop$/);
  });

  it('starts the same install again, hidden in the tray: AppImage, packaged, development', () => {
    const base = { execPath: '/opt/EAS Monitor Console/eas-console', mainScript: '/src/dist/node/main.js' };
    expect(launchCommand({ ...base, isPackaged: true, appImage: '/home/op/EAS.AppImage' })).toEqual(['/home/op/EAS.AppImage', HIDDEN_FLAG]);
    expect(launchCommand({ ...base, isPackaged: true })).toEqual(['/opt/EAS Monitor Console/eas-console', HIDDEN_FLAG]);
    expect(launchCommand({ ...base, execPath: '/src/node_modules/electron/dist/electron', isPackaged: false })).toEqual([
      '/src/node_modules/electron/dist/electron',
      '/src/dist/node/main.js',
      HIDDEN_FLAG,
    ]);
  });

  it('quotes Exec arguments so every one survives the round trip', () => {
    const argv = ['/opt/EAS Monitor Console/eas-console', 'a"b', 'c$d', 'back\\slash', '100%', 'plain', "it's", '`tick`'];
    const exec = argv.map(execArg).join(' ');
    expect(parseExec(exec)).toEqual(argv);
    expect(execArg('/usr/bin/x')).toBe('/usr/bin/x');
    expect(() => execArg('new\nline')).toThrow(/control character/);
  });

  it('is written, refreshed when the command changes, and removed only when it is ours', () => {
    const file = join(dir, 'cfg', 'autostart', 'eas-console.desktop');
    const entry = autostartEntry(['/opt/EAS Monitor Console/eas-console', HIDDEN_FLAG], 'eas-console');
    expect(applyAutostart(false, file, entry)).toBe('unchanged');
    expect(applyAutostart(true, file, entry)).toBe('written');
    expect(readFileSync(file, 'utf8')).toBe(entry);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(isOurEntry(file)).toBe(true);
    expect(applyAutostart(true, file, entry)).toBe('unchanged');
    const moved = autostartEntry(['/home/op/Apps/EAS.AppImage', HIDDEN_FLAG], 'eas-console');
    expect(applyAutostart(true, file, moved)).toBe('written');
    expect(readFileSync(file, 'utf8')).toContain('Exec=/home/op/Apps/EAS.AppImage --hidden');
    expect(applyAutostart(false, file, moved)).toBe('removed');
    expect(existsSync(file)).toBe(false);

    // Someone's own entry under the same name stays when the setting is off.
    writeFileSync(file, '[Desktop Entry]\nType=Application\nName=Mine\nExec=/usr/bin/true\n');
    expect(applyAutostart(false, file, moved)).toBe('unchanged');
    expect(existsSync(file)).toBe(true);
  });

  it('passes desktop-file-validate', async (ctx) => {
    const validator = ['/usr/bin/desktop-file-validate', '/usr/local/bin/desktop-file-validate'].find((p) => existsSync(p));
    if (!validator) {
      ctx.skip(true, 'desktop-file-validate is not installed (desktop-file-utils; scripts/install-system-deps.sh installs it)');
      return;
    }
    const file = join(dir, 'validate', 'eas-console.desktop');
    applyAutostart(true, file, autostartEntry(['/opt/EAS Monitor Console/eas-console', HIDDEN_FLAG], '/opt/icons/256x256.png'));
    const { stdout, stderr } = await run(validator, [file]);
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });
});
