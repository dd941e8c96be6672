// Where the rendered icons are (scripts/render-icons.mjs writes them into dist/icons during
// `npm run build`; inside a package they sit in the asar, which nativeImage reads).
import { join } from 'node:path';
import { packageRoot } from '../../native/package-root';

/** Mirrors TRAY_COUNT_MAX in scripts/render-icons.mjs: counts above it show as "9+". */
export const TRAY_COUNT_MAX = 9;

export type TrayVariant = 'normal' | 'alert' | 'failed';

export function iconDir(root: string = packageRoot()): string {
  return join(root, 'dist', 'icons');
}

/** The window's (and the autostart entry's) icon in development. */
export function appIconFile(dir: string = iconDir(), size = 256): string {
  return join(dir, 'app', `${size}x${size}.png`);
}

/** The tray icon for a state; an alert shows how many (9+ past nine). */
export function trayIconFile(variant: TrayVariant, count: number, dir: string = iconDir()): string {
  if (variant !== 'alert' || count < 1) return join(dir, `tray-${variant}.png`);
  return join(dir, count > TRAY_COUNT_MAX ? `tray-alert-${TRAY_COUNT_MAX}plus.png` : `tray-alert-${count}.png`);
}
