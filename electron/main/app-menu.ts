// The window's menu. Electron's default menu has a Quit that ends the app at once and a
// Close that would look like quitting; here both go through the lifecycle.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  hideWindow(): void;
  quit(): void;
  copyDiagnostics(): void;
  openLogs(): void;
}

export function appMenuTemplate(a: MenuActions, devTools: boolean): MenuItemConstructorOptions[] {
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Close window (monitoring goes on)', accelerator: 'CmdOrCtrl+W', click: () => a.hideWindow() },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => a.quit() },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const] : []),
      ],
    },
    {
      label: 'Help',
      submenu: [
        { label: 'Copy diagnostics', click: () => a.copyDiagnostics() },
        { label: 'Open the logs folder', click: () => a.openLogs() },
      ],
    },
  ];
}

export function installAppMenu(a: MenuActions, devTools: boolean): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(a, devTools)));
}
