// The slice of Electron the shell uses, as narrow interfaces. The modules take these as
// parameters instead of importing 'electron', so unit tests drive them with the fakes in
// test/helpers/fake-electron.ts (the Electron runtime cannot run in CI). main.ts passes the
// real objects, and the compiler checks there that they fit these shapes.
// Plain data (window options, menu templates) uses Electron's own types: they carry no behaviour.

/** An Electron event whose default action a listener may cancel. */
export interface PreventableEvent {
  preventDefault(): void;
}

export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

export interface PermissionDetails {
  requestingUrl?: string;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionDetails) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string) => boolean): void;
}

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  readonly session: SessionLike;
  readonly mainFrame: FrameLike;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export type BrowserWindowCtor = new (options: import('electron').BrowserWindowConstructorOptions) => BrowserWindowLike;

/** What ipcMain hands a handle() listener: who sent the call, and from which frame. */
export interface InvokeEventLike {
  readonly sender: WebContentsLike;
  /** null once the frame navigated away or was destroyed. */
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
  openPath(path: string): Promise<string>;
}

export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationCtor {
  new (options: { title: string; body: string; silent?: boolean }): NotificationLike;
  isSupported(): boolean;
}

export interface DialogLike {
  showErrorBox(title: string, content: string): void;
  showMessageBox(options: { type?: 'info'; title?: string; message: string; detail?: string }): Promise<unknown>;
}

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  enableSandbox(): void;
  whenReady(): Promise<unknown>;
  getPath(name: 'userData'): string;
  getAppPath(): string;
  getVersion(): string;
  setAppUserModelId(id: string): void;
  quit(): void;
  exit(code?: number): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
}

/** Everything the shell takes from 'electron'. */
export interface ElectronDeps {
  app: AppLike;
  BrowserWindow: BrowserWindowCtor;
  ipcMain: IpcMainLike;
  /** Menu.setApplicationMenu(Menu.buildFromTemplate(template)), as one call. */
  setMenu(template: import('electron').MenuItemConstructorOptions[]): void;
  Notification: NotificationCtor;
  shell: ShellLike;
  dialog: DialogLike;
}

export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
