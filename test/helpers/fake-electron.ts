// A fake of the slice of Electron that main/electron/ uses (ports.ts), plus a fake MailtapApi.
// The Electron runtime cannot run here, so the shell takes Electron as a parameter and the
// tests pass these. Each fake records what was done to it; helpers play the OS or the page
// (navigate, click a link, invoke over IPC).
import type { MenuItemConstructorOptions } from 'electron';
import type { ApiEventEnvelope, ApiEventName, ApiEvents, ApiMethod, MailtapApi } from '../../shared/api.js';
import type { MessageSummary, ServerInfo, Settings } from '../../shared/types.js';
import type {
  AppLike,
  BrowserWindowLike,
  DialogLike,
  ElectronDeps,
  FrameLike,
  InvokeEventLike,
  IpcMainLike,
  NotificationLike,
  PermissionDetails,
  PreventableEvent,
  SessionLike,
  ShellLike,
  WebContentsLike,
} from '../../main/electron/ports.js';

type Listener = (...args: never[]) => void;

/** A minimal event emitter; Electron objects are emitters and the fakes need no more. */
class Emitter {
  private readonly listeners = new Map<string, Listener[]>();
  protected add(event: string, listener: Listener, once = false): void {
    const wrapped: Listener = once
      ? (...args: never[]) => {
          this.off(event, wrapped);
          listener(...args);
        }
      : listener;
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), wrapped]);
  }
  off(event: string, listener: Listener): void {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export class FakeEvent implements PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextRoutingId = 1;

export class FakeFrame implements FrameLike {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
    public processId = 7,
    public routingId = nextRoutingId++,
  ) {}
}

export class FakeSession implements SessionLike {
  requestHandler: Parameters<SessionLike['setPermissionRequestHandler']>[0] | null = null;
  checkHandler: Parameters<SessionLike['setPermissionCheckHandler']>[0] | null = null;
  setPermissionRequestHandler(handler: Parameters<SessionLike['setPermissionRequestHandler']>[0]): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: Parameters<SessionLike['setPermissionCheckHandler']>[0]): void {
    this.checkHandler = handler;
  }
  /** Plays a page asking for a permission; returns what the handler granted. */
  request(permission: string, details: PermissionDetails): boolean {
    if (!this.requestHandler) throw new Error('no permission request handler installed');
    let granted: boolean | undefined;
    this.requestHandler(null, permission, (g) => (granted = g), details);
    if (granted === undefined) throw new Error('permission handler did not answer');
    return granted;
  }
  check(permission: string, origin: string): boolean {
    if (!this.checkHandler) throw new Error('no permission check handler installed');
    return this.checkHandler(null, permission, origin);
  }
}

export class FakeWebContents extends Emitter implements WebContentsLike {
  readonly session = new FakeSession();
  readonly mainFrame: FakeFrame;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  destroyed = false;

  constructor(url = 'about:blank') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  on(event: string, listener: Listener): this {
    this.add(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The page navigating itself; returns true when the app let it. */
  navigate(url: string): boolean {
    const e = new FakeEvent();
    this.emit('will-navigate', e, url);
    return !e.defaultPrevented;
  }
  /** The page calling window.open / a target=_blank link. */
  openWindow(url: string): { action: string } {
    if (!this.windowOpenHandler) throw new Error('no window open handler installed');
    return this.windowOpenHandler({ url });
  }
  attachWebview(): boolean {
    const e = new FakeEvent();
    this.emit('will-attach-webview', e);
    return !e.defaultPrevented;
  }
  /** An IPC invoke event as Electron builds it for a call from `frame` (default: the main frame). */
  invokeEvent(frame: FakeFrame | null = this.mainFrame): InvokeEventLike {
    return { sender: this, senderFrame: frame };
  }
}

export class FakeBrowserWindow extends Emitter implements BrowserWindowLike {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = 0;
  focused = 0;
  restored = 0;
  minimized = false;
  destroyed = false;

  constructor(readonly options: import('electron').BrowserWindowConstructorOptions) {
    super();
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
  }
  show(): void {
    this.shown++;
  }
  focus(): void {
    this.focused++;
  }
  restore(): void {
    this.restored++;
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(event: 'ready-to-show', listener: () => void): this {
    this.add(event, listener, true);
    return this;
  }
  on(event: 'closed', listener: () => void): this {
    this.add(event, listener);
    return this;
  }
  /** The user closing the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

type Handler = (event: InvokeEventLike, ...args: unknown[]) => unknown;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    // Electron throws on a second handler for a channel; so does the fake.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** A renderer's ipcRenderer.invoke(channel, ...args), arriving with `event`. */
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, ...args);
  }
}

export class FakeShell implements ShellLike {
  readonly external: string[] = [];
  readonly paths: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.external.push(url);
  }
  async openPath(path: string): Promise<string> {
    this.paths.push(path);
    return '';
  }
}

export class FakeDialog implements DialogLike {
  readonly errors: Array<{ title: string; content: string }> = [];
  readonly messages: Array<{ message: string; detail?: string }> = [];
  showErrorBox(title: string, content: string): void {
    this.errors.push({ title, content });
  }
  async showMessageBox(options: { message: string; detail?: string }): Promise<unknown> {
    this.messages.push(options);
    return { response: 0 };
  }
}

export class FakeApp extends Emitter implements AppLike {
  gotLock = true;
  sandboxEnabled = false;
  userModelId: string | null = null;
  quitCalls = 0;
  /** True once a quit went through (no before-quit listener held it). */
  quitted = false;
  exitCode: number | null = null;
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((r) => (this.readyResolve = r));

  constructor(readonly userData = '/fake/userData') {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Electron's 'ready'. */
  makeReady(): void {
    this.readyResolve();
  }
  getPath(_name: 'userData'): string {
    return this.userData;
  }
  getAppPath(): string {
    return '/fake/app';
  }
  getVersion(): string {
    return '0.1.0';
  }
  setAppUserModelId(id: string): void {
    this.userModelId = id;
  }
  /** Like Electron: emits before-quit, and quits unless a listener prevented it. */
  quit(): void {
    this.quitCalls++;
    const e = new FakeEvent();
    this.emit('before-quit', e);
    if (!e.defaultPrevented) this.quitted = true;
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  on(event: 'second-instance' | 'activate' | 'window-all-closed', listener: () => void): this;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): this;
  on(event: string, listener: Listener): this {
    this.add(event, listener);
    return this;
  }
}

export class FakeNotification implements NotificationLike {
  shown = false;
  private clickListener: (() => void) | null = null;
  constructor(readonly options: { title: string; body: string }) {}
  show(): void {
    this.shown = true;
  }
  on(_event: 'click', listener: () => void): this {
    this.clickListener = listener;
    return this;
  }
  click(): void {
    this.clickListener?.();
  }
}

export interface FakeElectron {
  electron: ElectronDeps;
  app: FakeApp;
  ipcMain: FakeIpcMain;
  shell: FakeShell;
  dialog: FakeDialog;
  windows: FakeBrowserWindow[];
  notifications: FakeNotification[];
  menus: MenuItemConstructorOptions[][];
  setNotificationsSupported(v: boolean): void;
}

/** A fresh fake Electron; nothing is shared between tests. */
export function createFakeElectron(): FakeElectron {
  const windows: FakeBrowserWindow[] = [];
  const notifications: FakeNotification[] = [];
  const menus: MenuItemConstructorOptions[][] = [];
  let supported = true;
  class BrowserWindow extends FakeBrowserWindow {
    constructor(options: import('electron').BrowserWindowConstructorOptions) {
      super(options);
      windows.push(this);
    }
  }
  class Notification extends FakeNotification {
    static isSupported(): boolean {
      return supported;
    }
    constructor(options: { title: string; body: string }) {
      super(options);
      notifications.push(this);
    }
  }
  const app = new FakeApp();
  const ipcMain = new FakeIpcMain();
  const shell = new FakeShell();
  const dialog = new FakeDialog();
  return {
    electron: { app, BrowserWindow, ipcMain, Notification, shell, dialog, setMenu: (t) => void menus.push(t) },
    app,
    ipcMain,
    shell,
    dialog,
    windows,
    notifications,
    menus,
    setNotificationsSupported: (v) => void (supported = v),
  };
}

// ---------------------------------------------------------------- a fake MailtapApi

type Responder = (params: unknown) => unknown;

export class FakeApi implements MailtapApi {
  readonly calls: Array<{ method: ApiMethod; params: unknown }> = [];
  private readonly listeners = new Set<(e: ApiEventEnvelope) => void>();

  constructor(private readonly responders: Partial<Record<ApiMethod, Responder>> = {}) {}

  async call<M extends ApiMethod>(method: M, params: unknown): Promise<never> {
    this.calls.push({ method, params });
    const r = this.responders[method];
    if (!r) throw new Error(`FakeApi: no responder for ${method}`);
    return (await r(params)) as never;
  }
  subscribe(listener: (e: ApiEventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  emit<E extends ApiEventName>(event: E, data: ApiEvents[E]): void {
    for (const l of this.listeners) l({ event, data } as ApiEventEnvelope);
  }
  get subscriberCount(): number {
    return this.listeners.size;
  }
}

export function fakeSettings(notifications = true): Settings {
  return {
    smtp: { maxMessageSize: 1 << 20, maxRecipients: 100, maxLineLength: 1000, idleTimeoutMs: 60_000, credentials: [], hostname: 'mailtap', maxConnections: 1000 },
    retention: { maxMessages: 0, maxAgeHours: 0, maxSessions: 0 },
    ui: { theme: 'system', notifications },
    proxies: [],
    tls: { keyLogFile: '', upstreamCaFile: '' },
  };
}

export function fakeMessage(n: number, over: Partial<MessageSummary> = {}): MessageSummary {
  return {
    id: `m${n}`,
    sessionId: null,
    receivedAt: new Date(0).toISOString(),
    envelope: { mailFrom: `bounce${n}@example.test`, rcptTo: ['to@example.test'], params: {}, helo: null, user: null, tls: false },
    from: { name: 'Alice', address: `alice${n}@example.test` },
    to: [{ name: '', address: 'to@example.test' }],
    cc: [],
    subject: `Subject ${n}`,
    messageId: null,
    date: null,
    size: 100,
    attachmentCount: 0,
    snippet: '',
    read: false,
    warnings: [],
    source: 'smtp',
    ...over,
  };
}

export function fakeServerInfo(url = 'http://127.0.0.1:8025/'): ServerInfo {
  return {
    version: '0.1.0',
    dataDir: '/fake/data',
    listeners: [{ name: 'smtp', protocol: 'smtp', role: 'sink', address: '127.0.0.1', port: 1025, tls: 'starttls' }],
    http: { url, tokenRequired: false },
  };
}
