// The application menu as a plain template, so it can be checked without Electron.
// Editing and view commands use Electron roles: they get the platform's shortcuts for free.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openDataFolder(): void;
  openReadme(): void;
  showAbout(): void;
}

export function buildMenuTemplate(opts: { platform: NodeJS.Platform; appName: string; actions: MenuActions }): MenuItemConstructorOptions[] {
  const { actions } = opts;
  const mac = opts.platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: `About ${opts.appName}`, click: () => actions.showAbout() };

  const template: MenuItemConstructorOptions[] = [];
  // macOS puts About and Quit under the app-name menu; elsewhere they live in Help and File.
  if (mac) {
    template.push({
      label: opts.appName,
      submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [
        { label: 'Open data folder', click: () => actions.openDataFolder() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [{ label: 'Open README', click: () => actions.openReadme() }, ...(mac ? [] : [{ type: 'separator' } as const, about])],
    },
  );
  return template;
}
