// The desktop app's lifecycle: one instance, the mailtap service in-process, one window on the
// service's own UI page, the IPC bridge, menu and notifications, and a clean shutdown.
// main.ts hands in the real Electron; the tests hand in fakes.
//
// The window loads info.http.url, the page the in-process HTTP server already serves to
// browsers, rather than loadFile(dist/renderer/index.html): the UI is then byte-for-byte the
// headless one, asset URLs resolve the same way (no file:// rules for ES module scripts), the
// server's CSP applies, and "the app's own page" is one origin the guards can compare. The page
// still talks to the service over IPC (window.mailtap), not over HTTP.
import { join } from 'node:path';
import type { MailtapApi } from '../../shared/api.js';
import type { ServerInfo } from '../../shared/types.js';
import { defaultDataDir } from '../core/data-dir.js';
import { forwardEvents, registerIpc } from './ipc.js';
import { buildMenuTemplate } from './menu.js';
import { createNotifier } from './notifications.js';
import type { NotifierOptions } from './notifications.js';
import type { BrowserWindowLike, ElectronDeps, Logger, NotificationLike, WebContentsLike } from './ports.js';
import { hardenWebContents, windowOptions } from './window.js';

/** What main/app.ts's startMailtap resolves with. */
export interface MailtapService {
  info: ServerInfo;
  api: MailtapApi;
  close(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  host?: string;
  smtpPort?: number;
  httpPort?: number;
  token?: string;
}

export type StartMailtap = (opts: StartOptions) => Promise<MailtapService>;

export interface DesktopOptions {
  electron: ElectronDeps;
  /** Loads main/app.ts lazily: the shell's own code runs (and is tested) without the service. */
  loadStartMailtap(): Promise<StartMailtap>;
  /** Absolute path of the compiled preload.cjs. */
  preloadPath: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  log?: Logger;
  /** A service that hangs on close must not keep the app from quitting. */
  closeTimeoutMs?: number;
  /** Batching and clock overrides for the notifier (tests). */
  notifier?: Pick<NotifierOptions, 'batchMs' | 'minIntervalMs' | 'timers'>;
}

export interface Desktop {
  readonly service: MailtapService;
  window(): BrowserWindowLike | null;
  shutdown(): Promise<void>;
}

export const APP_ID = 'dev.mailtap.app';

/** The same data directory as `mailtap serve`, so the desktop app and the headless server share mail. */
export function dataDirFor(env: Record<string, string | undefined>): string {
  return defaultDataDir(env);
}

export async function runDesktop(opts: DesktopOptions): Promise<Desktop | null> {
  const { app, BrowserWindow, ipcMain, Notification, shell, dialog } = opts.electron;
  const log = opts.log ?? console;

  // A second copy would fight the first for the SMTP and UI ports; it hands over instead.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.enableSandbox(); // every renderer, including any we forget about, runs sandboxed
  if (opts.platform === 'win32') app.setAppUserModelId(APP_ID); // Windows notifications need it

  let service: MailtapService | null = null;
  let win: BrowserWindowLike | null = null;
  const ownContents = new Set<WebContentsLike>();
  const disposers: Array<() => void> = [];
  let closing: Promise<void> | null = null;
  let closed = false;
  // Electron drops a Notification's click handler once the object is collected; keep the last one.
  let lastNotification: NotificationLike | null = null;

  const createWindow = (appUrl: string): BrowserWindowLike => {
    const w = new BrowserWindow(windowOptions({ preloadPath: opts.preloadPath }));
    const wc = w.webContents;
    hardenWebContents(wc, { appUrl, openExternal: (url) => shell.openExternal(url), log });
    ownContents.add(wc);
    w.on('closed', () => {
      ownContents.delete(wc);
      if (win === w) win = null;
    });
    w.once('ready-to-show', () => w.show());
    w.loadURL(appUrl).catch((err: unknown) => log.error('mailtap: could not load the UI', err));
    return w;
  };

  const focusOrCreate = (): void => {
    if (!service || closing) return; // still starting or stopping: the window comes with the service
    if (!win || win.isDestroyed()) {
      win = createWindow(service.info.http.url);
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      for (const dispose of disposers.splice(0)) dispose();
      if (!service) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log.warn('mailtap: the service did not close in time; quitting anyway');
          resolve();
        }, opts.closeTimeoutMs ?? 5000);
      });
      await Promise.race([service.close().catch((err: unknown) => log.error('mailtap: close failed', err)), timeout]);
      clearTimeout(timer);
    })();
    return closing;
  };

  app.on('second-instance', focusOrCreate);
  app.on('activate', focusOrCreate); // macOS: clicking the dock icon with no window open
  // On macOS an app outlives its windows (and keeps catching mail); elsewhere closing it quits.
  app.on('window-all-closed', () => {
    if (opts.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    if (closed) return;
    // Hold the quit until the listeners are closed and the store flushed, then quit for real.
    event.preventDefault();
    void shutdown().finally(() => {
      closed = true;
      app.quit();
    });
  });

  await app.whenReady();
  const dataDir = dataDirFor(opts.env);
  try {
    const startMailtap = await opts.loadStartMailtap();
    service = await startMailtap({ dataDir });
  } catch (err) {
    // Most often a port already taken by another mail catcher. Say so, and do not linger.
    dialog.showErrorBox('mailtap could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return null;
  }
  const svc = service;
  const appUrl = svc.info.http.url;

  disposers.push(
    registerIpc({ ipcMain, api: svc.api, appUrl, isOwnWebContents: (wc) => ownContents.has(wc), log }),
    forwardEvents(svc.api, () => ownContents, log),
  );
  const notifier = createNotifier({
    api: svc.api,
    isSupported: () => Notification.isSupported(),
    show: ({ title, body }) => {
      const n = new Notification({ title, body });
      n.on('click', focusOrCreate);
      n.show();
      lastNotification = n;
    },
    log,
    ...opts.notifier,
  });
  disposers.push(() => {
    notifier.dispose();
    lastNotification = null;
  });

  const openPath = (path: string): void => {
    shell.openPath(path).then(
      (error) => error && log.warn(`mailtap: could not open ${path}: ${error}`),
      (err: unknown) => log.warn(`mailtap: could not open ${path}`, err),
    );
  };
  opts.electron.setMenu(
    buildMenuTemplate({
      platform: opts.platform,
      appName: 'mailtap',
      actions: {
        openDataFolder: () => openPath(dataDir),
        openReadme: () => openPath(join(app.getAppPath(), 'README.md')),
        showAbout: () => void dialog.showMessageBox({ type: 'info', title: 'About mailtap', ...aboutText(app.getVersion(), svc.info) }),
      },
    }),
  );

  win = createWindow(appUrl);
  return { service: svc, window: () => win, shutdown };
}

/** The About box doubles as "where do I point my app": it lists the listeners. */
export function aboutText(version: string, info: ServerInfo): { message: string; detail: string } {
  const listeners = info.listeners.map((l) => `${l.name}: ${l.address}:${l.port}`);
  return {
    message: `mailtap ${version}`,
    detail: [`UI: ${info.http.url}`, `Data: ${info.dataDir}`, ...listeners].join('\n'),
  };
}
