// Electron's entry point (package.json "main"). Everything testable lives in desktop.ts; this
// file only binds it to the real Electron and to main/app.ts.
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, shell } from 'electron';
import { fileURLToPath } from 'node:url';
import { runDesktop } from './desktop.js';
import type { ElectronDeps } from './ports.js';

const electron: ElectronDeps = {
  app,
  BrowserWindow,
  ipcMain,
  Notification,
  shell,
  dialog,
  setMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
};

// Ctrl-C in the terminal that ran `npm start` goes through the same clean quit as the menu.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

runDesktop({
  electron,
  // Loaded on demand: a failed import then reaches the same error box as a failed start,
  // instead of killing the process before Electron can show anything.
  loadStartMailtap: async () => (await import('../app.js')).startMailtap,
  preloadPath: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
  env: process.env,
  platform: process.platform,
}).catch((err: unknown) => {
  console.error('mailtap: the desktop app failed to start', err);
  app.exit(1);
});
