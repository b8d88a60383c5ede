// The app window: its options (pure) and the guards put on its web contents. The page it shows
// is the same one a browser gets from the headless server; the Electron-specific part is only
// the preload bridge, so the security posture is what matters here.
import { isAbsolute } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Logger, WebContentsLike } from './ports.js';
import { isAppUrl, isExternalUrl } from './urls.js';

export function windowOptions(opts: { preloadPath: string; title?: string }): BrowserWindowConstructorOptions {
  // Electron resolves a relative preload against the cwd, which differs between `npm start`
  // and a packaged app. Fail loudly instead of loading a page without its bridge.
  if (!isAbsolute(opts.preloadPath)) throw new Error(`preload path must be absolute: ${opts.preloadPath}`);
  return {
    title: opts.title ?? 'mailtap',
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 480,
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: opts.preloadPath,
      // The page gets no Node, and its JS world is separate from the preload's: only what
      // contextBridge exposes crosses over.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Dropping a file on the window must not navigate away from the app.
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/** Permissions the app page may have. Everything else (camera, geolocation, notifications…) is denied. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, appUrl: string): boolean {
  // Copy buttons use navigator.clipboard.writeText, which Chromium gates behind this
  // permission; it is granted to the app page only, never to anything it embeds.
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl, appUrl);
}

export interface HardenOptions {
  /** The app page; navigation anywhere else is refused. */
  appUrl: string;
  /** shell.openExternal; only http, https and mailto URLs ever reach it. */
  openExternal(url: string): Promise<void>;
  log?: Logger;
}

/**
 * Locks a window's web contents to the app page. Caught mail is hostile input: an HTML body
 * that escaped its preview frame must not be able to navigate the window, open new ones, ask
 * for device permissions or attach a <webview> with its own preferences.
 */
export function hardenWebContents(wc: WebContentsLike, opts: HardenOptions): void {
  const log = opts.log ?? console;
  const openOutside = (url: string): void => {
    if (!isExternalUrl(url)) return;
    opts.openExternal(url).catch((err: unknown) => log.warn('mailtap: could not open', url, err));
  };

  wc.on('will-navigate', (event, url) => {
    if (isAppUrl(url, opts.appUrl)) return;
    event.preventDefault();
    // A plain link the user clicked: it belongs in their browser, not in this window.
    openOutside(url);
  });

  wc.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });

  wc.on('will-attach-webview', (event) => event.preventDefault());

  wc.session.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, opts.appUrl)),
  );
  wc.session.setPermissionCheckHandler((_wc, permission, origin) => isPermissionAllowed(permission, origin, opts.appUrl));
}
