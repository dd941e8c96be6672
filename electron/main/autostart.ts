// "Start at login" on Linux desktops: an XDG autostart entry
// ($XDG_CONFIG_HOME/autostart/eas-console.desktop), written and removed by the app. No
// Electron here: the shell passes what it knows about how it was launched.
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const AUTOSTART_NAME = 'eas-console.desktop';
/** Marks the entry as ours, so turning the setting off never deletes a file someone else wrote. */
const MARKER = 'X-EAS-Console-Autostart=true';
/** Started by the session: straight to the tray, the window stays hidden until asked for. */
export const HIDDEN_FLAG = '--hidden';

export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'autostart', AUTOSTART_NAME);
}

export interface LaunchFacts {
  /** process.execPath: the app's own binary, or the electron binary in development. */
  execPath: string;
  isPackaged: boolean;
  /** dist/node/main.js, which an unpackaged electron needs as its argument. */
  mainScript: string;
  /** $APPIMAGE: an AppImage runs from a new mount each time, so its own path is what to start. */
  appImage?: string | undefined;
}

/** The command that starts this same install again, hidden in the tray. */
export function launchCommand(f: LaunchFacts): string[] {
  if (f.appImage) return [f.appImage, HIDDEN_FLAG];
  if (f.isPackaged) return [f.execPath, HIDDEN_FLAG];
  return [f.execPath, f.mainScript, HIDDEN_FLAG];
}

const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One Exec argument as the Desktop Entry Specification wants it: quoted when it holds a
 * reserved character (the deb installs under "/opt/EAS Monitor Console/"), with ", `, $ and \
 * escaped inside the quotes, % doubled, and then the string-value escape of \ on top.
 */
export function execArg(arg: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(arg)) throw new Error(`cannot put a control character in a desktop entry: ${JSON.stringify(arg)}`);
  let a = arg.replace(/%/g, '%%');
  if (RESERVED.test(a)) a = `"${a.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return a.replace(/\\/g, '\\\\');
}

export function autostartEntry(command: string[], icon: string, name = 'EAS Monitor Console'): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    'Comment=EAS/SAME alert monitoring, started at login into the tray',
    `Exec=${command.map(execArg).join(' ')}`,
    `Icon=${icon}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    MARKER,
    '',
  ].join('\n');
}

export function isOurEntry(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').split('\n').includes(MARKER);
  } catch {
    return false;
  }
}

/**
 * Brings the entry in line with the setting. Written again whenever its content differs (the
 * AppImage was moved, the app was updated to another path); removed only when it is ours.
 */
export function applyAutostart(enabled: boolean, file: string, entry: string): 'written' | 'removed' | 'unchanged' {
  if (enabled) {
    if (existsSync(file) && readFileSync(file, 'utf8') === entry) return 'unchanged';
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, entry, { mode: 0o644 });
    renameSync(tmp, file);
    return 'written';
  }
  if (!existsSync(file) || !isOurEntry(file)) return 'unchanged';
  unlinkSync(file);
  return 'removed';
}
