import { test } from 'node:test';
import { defaultDataDir } from '../../main/core/data-dir.js';
import assert from 'node:assert/strict';
import { IPC_EVENT_CHANNEL, ipcChannel, routes } from '../../shared/api.js';
import { runDesktop } from '../../main/electron/desktop.js';
import type { DesktopOptions, MailtapService, StartOptions } from '../../main/electron/desktop.js';
import { createFakeElectron, FakeApi, fakeMessage, fakeServerInfo, fakeSettings } from '../helpers/fake-electron.js';

const silent = { warn: () => {}, error: () => {} };
const URL_ = 'http://127.0.0.1:8025/';

async function start(over: Partial<DesktopOptions> = {}, opts: { lock?: boolean; fail?: Error; close?: () => Promise<void> } = {}) {
  const fx = createFakeElectron();
  fx.app.gotLock = opts.lock ?? true;
  const api = new FakeApi({ 'settings.get': () => fakeSettings(true), 'server.info': () => fakeServerInfo(URL_) });
  const started: StartOptions[] = [];
  let closes = 0;
  let loads = 0;
  const service: MailtapService = {
    info: fakeServerInfo(URL_),
    api,
    close: opts.close ?? (async () => void closes++),
  };
  fx.app.makeReady();
  const desktop = await runDesktop({
    electron: fx.electron,
    loadStartMailtap: async () => {
      loads++;
      return async (o) => {
        started.push(o);
        if (opts.fail) throw opts.fail;
        return service;
      };
    },
    preloadPath: '/opt/mailtap/dist/main/electron/preload.cjs',
    env: {},
    platform: 'linux',
    log: silent,
    ...over,
  });
  return { fx, api, desktop, started, closes: () => closes, loads: () => loads };
}

test('a second instance quits at once and starts nothing', async () => {
  const { fx, desktop, loads } = await start({}, { lock: false });
  assert.equal(desktop, null);
  assert.equal(fx.app.quitCalls, 1);
  assert.equal(loads(), 0);
  assert.equal(fx.windows.length, 0);
});

test('the service gets the same data directory as mailtap serve, or MAILTAP_DATA', async () => {
  const a = await start({ env: { XDG_DATA_HOME: '/fake/xdg' } });
  assert.deepEqual(a.started, [{ dataDir: defaultDataDir({ XDG_DATA_HOME: '/fake/xdg' }) }]);
  assert.notEqual(a.started[0]!.dataDir, '/fake/userData/data');
  const b = await start({ env: { MAILTAP_DATA: '/tmp/mt' } });
  assert.deepEqual(b.started, [{ dataDir: '/tmp/mt' }]);
});

test('one sandboxed window on the service UI, shown when ready, hardened', async () => {
  const { fx } = await start();
  assert.equal(fx.app.sandboxEnabled, true);
  assert.equal(fx.windows.length, 1);
  const w = fx.windows[0]!;
  assert.equal(w.options.webPreferences?.sandbox, true);
  assert.equal(w.options.webPreferences?.preload, '/opt/mailtap/dist/main/electron/preload.cjs');
  assert.equal(w.loadedUrl, URL_);
  assert.equal(w.shown, 0);
  w.emit('ready-to-show');
  assert.equal(w.shown, 1);
  assert.equal(w.webContents.navigate('https://example.com/'), false);
  assert.deepEqual(w.webContents.openWindow('https://example.com/'), { action: 'deny' });
});

test('IPC from the window reaches the service api; from a foreign page it does not', async () => {
  const { fx, api } = await start();
  assert.equal(fx.ipcMain.handlers.size, Object.keys(routes).length);
  const wc = fx.windows[0]!.webContents;
  const reply = await fx.ipcMain.invoke(ipcChannel('server.info'), wc.invokeEvent(), {});
  assert.deepEqual(reply, { ok: true, result: fakeServerInfo(URL_) });
  wc.mainFrame.url = 'https://elsewhere.example/';
  const refused = (await fx.ipcMain.invoke(ipcChannel('server.info'), wc.invokeEvent(), {})) as { ok: boolean };
  assert.equal(refused.ok, false);
  assert.equal(api.calls.filter((c) => c.method === 'server.info').length, 1);
});

test('live events reach the window until it closes', async () => {
  const { fx, api } = await start();
  const w = fx.windows[0]!;
  api.emit('messages.deleted', { ids: ['m1'] });
  assert.deepEqual(w.webContents.sent, [{ channel: IPC_EVENT_CHANNEL, args: [{ event: 'messages.deleted', data: { ids: ['m1'] } }] }]);
  w.close();
  api.emit('messages.deleted', { ids: ['m2'] }); // must not throw on the destroyed contents
  assert.equal(w.webContents.sent.length, 1);
});

test('a caught message raises a desktop notification; clicking it focuses the window', async () => {
  const { fx, api } = await start({ notifier: { batchMs: 1, minIntervalMs: 1 } });
  await new Promise((r) => setTimeout(r, 5)); // settings.get answered
  api.emit('message.received', fakeMessage(1, { subject: 'Welcome' }));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(fx.notifications.length, 1);
  assert.equal(fx.notifications[0]!.options.title, 'Welcome');
  assert.equal(fx.notifications[0]!.shown, true);
  fx.notifications[0]!.click();
  assert.equal(fx.windows[0]!.focused, 1);
});

test('a second launch restores and focuses the existing window', async () => {
  const { fx } = await start();
  const w = fx.windows[0]!;
  w.minimized = true;
  fx.app.emit('second-instance');
  assert.equal(w.restored, 1);
  assert.equal(w.focused, 1);
  assert.equal(fx.windows.length, 1);
});

test('quit waits for the service to close, then quits for real and unhooks IPC', async () => {
  const { fx, api, closes } = await start();
  fx.app.quit();
  assert.equal(fx.app.quitted, false, 'held until the service closed');
  await new Promise((r) => setImmediate(r));
  assert.equal(closes(), 1);
  assert.equal(fx.app.quitted, true);
  assert.equal(fx.app.quitCalls, 2);
  assert.equal(fx.ipcMain.handlers.size, 0);
  assert.equal(api.subscriberCount, 0);
});

test('a service that hangs on close does not block quitting', async () => {
  const { fx } = await start({ closeTimeoutMs: 10 }, { close: () => new Promise(() => {}) });
  fx.app.quit();
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(fx.app.quitted, true);
});

test('closing the last window quits on Linux; on macOS it keeps running and reopens on activate', async () => {
  const linux = await start();
  linux.fx.windows[0]!.close();
  linux.fx.app.emit('window-all-closed');
  assert.equal(linux.fx.app.quitCalls, 1);

  const mac = await start({ platform: 'darwin' });
  mac.fx.windows[0]!.close();
  mac.fx.app.emit('window-all-closed');
  assert.equal(mac.fx.app.quitCalls, 0);
  mac.fx.app.emit('activate');
  assert.equal(mac.fx.windows.length, 2);
  assert.equal(mac.fx.windows[1]!.loadedUrl, URL_);
});

test('a service that fails to start: an error box and exit code 1, no window', async () => {
  const { fx, desktop } = await start({}, { fail: new Error('listen EADDRINUSE: address already in use 127.0.0.1:1025') });
  assert.equal(desktop, null);
  assert.deepEqual(fx.dialog.errors, [{ title: 'mailtap could not start', content: 'listen EADDRINUSE: address already in use 127.0.0.1:1025' }]);
  assert.equal(fx.app.exitCode, 1);
  assert.equal(fx.windows.length, 0);
});

test('the menu is installed and its actions reach the OS', async () => {
  const { fx } = await start({ env: { MAILTAP_DATA: '/fake/data' } });
  assert.equal(fx.menus.length, 1);
  const file = fx.menus[0]!.find((m) => m.label === 'File')!.submenu as { label?: string; click?: () => void }[];
  file.find((i) => i.label === 'Open data folder')!.click!();
  const help = fx.menus[0]!.find((m) => m.role === 'help')!.submenu as { label?: string; click?: () => void }[];
  help.find((i) => i.label === 'Open README')!.click!();
  help.find((i) => i.label === 'About mailtap')!.click!();
  assert.deepEqual(fx.shell.paths, ['/fake/data', '/fake/app/README.md']);
  assert.equal(fx.dialog.messages.length, 1);
  assert.match(fx.dialog.messages[0]!.detail ?? '', /smtp: 127\.0\.0\.1:1025/);
});

test('Windows gets an AppUserModelID for notifications', async () => {
  const { fx } = await start({ platform: 'win32' });
  assert.equal(fx.app.userModelId, 'dev.mailtap.app');
});
