// The tray icon: the state at a glance (normal / alert with its count / a source down) and
// the menu that stays reachable while the window is hidden.
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { iconDir, trayIconFile } from './icons';
import type { TrayLook } from './tray-state';

export interface TrayActions {
  show(): void;
  /** Asks first while an alert is active (see ShellLifecycle.requestQuit). */
  quit(): void;
  setStartAtLogin(on: boolean): void;
  copyDiagnostics(): void;
}

export class StationTray {
  private readonly tray: Tray;
  private look: TrayLook = { variant: 'normal', count: 0, tooltip: 'EAS Monitor Console' };
  private iconFile = '';
  private startAtLogin = false;

  constructor(
    private readonly actions: TrayActions,
    private readonly dir: string = iconDir(),
  ) {
    this.iconFile = trayIconFile('normal', 0, dir);
    this.tray = new Tray(nativeImage.createFromPath(this.iconFile));
    // Where the desktop sends clicks to the icon (not every panel does), they open the console.
    this.tray.on('click', () => actions.show());
    this.render();
  }

  update(look: TrayLook): void {
    this.look = look;
    const file = trayIconFile(look.variant, look.count, this.dir);
    if (file !== this.iconFile) {
      this.iconFile = file;
      this.tray.setImage(nativeImage.createFromPath(file));
    }
    this.render();
  }

  setStartAtLogin(on: boolean): void {
    if (on === this.startAtLogin) return;
    this.startAtLogin = on;
    this.render();
  }

  /** What the tray shows now (icon file, tooltip): for tests and diagnostics. */
  current(): { iconFile: string; tooltip: string } {
    return { iconFile: this.iconFile, tooltip: this.look.tooltip };
  }

  destroy(): void {
    this.tray.destroy();
  }

  private render(): void {
    this.tray.setToolTip(this.look.tooltip);
    const status = this.look.tooltip.split('\n').slice(1);
    const template: MenuItemConstructorOptions[] = [
      ...status.map((label): MenuItemConstructorOptions => ({ label, enabled: false })),
      { type: 'separator' },
      { label: 'Show console', click: () => this.actions.show() },
      { label: 'Start at login', type: 'checkbox', checked: this.startAtLogin, click: (item) => this.actions.setStartAtLogin(item.checked) },
      { label: 'Copy diagnostics', click: () => this.actions.copyDiagnostics() },
      { type: 'separator' },
      { label: 'Quit', click: () => this.actions.quit() },
    ];
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }
}
