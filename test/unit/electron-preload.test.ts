import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IPC_EVENT_CHANNEL, ipcChannel, routes } from '../../shared/api.js';
import type { ApiMethod } from '../../shared/api.js';
import preload from '../../main/electron/preload.cjs';
import { registerIpc } from '../../main/electron/ipc.js';
import { FakeApi, FakeIpcMain, FakeWebContents, fakeMessage } from '../helpers/fake-electron.js';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The renderer side of IPC, recording invokes and holding listeners. */
class FakeIpcRenderer {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];
  readonly listeners = new Map<string, Set<IpcListener>>();
  constructor(private readonly answer: (channel: string, ...args: unknown[]) => Promise<unknown>) {}
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.answer(channel, ...args);
  }
  on(channel: string, l: IpcListener): void {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(l);
  }
  removeListener(channel: string, l: IpcListener): void {
    this.listeners.get(channel)?.delete(l);
  }
  deliver(channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l({ sender: 'the ipcRenderer' }, ...args);
  }
}

test("the preload's inlined allow-list is exactly the contract's methods", () => {
  assert.deepEqual([...preload.METHODS].sort(), Object.keys(routes).sort());
  assert.equal(new Set(preload.METHODS).size, preload.METHODS.length, 'no duplicates');
});

test("the preload's inlined channel names match shared/api.ts", () => {
  for (const m of Object.keys(routes) as ApiMethod[]) assert.equal(preload.CHANNEL_PREFIX + m, ipcChannel(m));
  assert.equal(preload.EVENT_CHANNEL, IPC_EVENT_CHANNEL);
});

test('importing the preload outside Electron exposes nothing and does not throw', () => {
  assert.equal((globalThis as { mailtap?: unknown }).mailtap, undefined);
});

test('call is one invoke on the method channel with the params, resolving to the result', async () => {
  const ipc = new FakeIpcRenderer(async () => ({ ok: true, result: { total: 0, offset: 0, items: [] } }));
  const bridge = preload.createBridge(ipc);
  assert.equal(bridge.platform, 'electron');
  const result = await bridge.call('messages.list', { q: 'invoice', limit: 5 });
  assert.deepEqual(result, { total: 0, offset: 0, items: [] });
  assert.deepEqual(ipc.invoked, [{ channel: 'mailtap:messages.list', args: [{ q: 'invoice', limit: 5 }] }]);
});

test('a method outside the contract is rejected without any IPC', async () => {
  const ipc = new FakeIpcRenderer(async () => ({ ok: true, result: null }));
  const bridge = preload.createBridge(ipc);
  for (const m of ['shell.openExternal', '__proto__', 'constructor', 'toString', '', 'messages.list ']) {
    await assert.rejects(bridge.call(m as ApiMethod, {} as never), (e: unknown) => {
      assert.equal((e as { error: { status: number } }).error.status, 400);
      return true;
    });
  }
  await assert.rejects(bridge.call(42 as unknown as ApiMethod, {} as never));
  assert.equal(ipc.invoked.length, 0);
});

test('an error reply rejects with the { error } body', async () => {
  const error = { status: 404, code: 'not_found', message: 'message m1 not found' };
  const ipc = new FakeIpcRenderer(async () => ({ ok: false, error }));
  await assert.rejects(preload.createBridge(ipc).call('messages.get', { id: 'm1' }), (e: unknown) => {
    assert.deepEqual(e, { error });
    return true;
  });
});

test('a malformed reply rejects instead of resolving to garbage', async () => {
  const ipc = new FakeIpcRenderer(async () => 'what');
  await assert.rejects(preload.createBridge(ipc).call('server.info', {}), (e: unknown) => {
    assert.equal((e as { error: { code: string } }).error.code, 'bad_reply');
    return true;
  });
});

test('onEvent relays envelopes without the IPC event object, and unsubscribes', () => {
  const ipc = new FakeIpcRenderer(async () => null);
  const bridge = preload.createBridge(ipc);
  const got: unknown[][] = [];
  const off = bridge.onEvent((...args: unknown[]) => void got.push(args));
  const envelope = { event: 'messages.deleted', data: { ids: ['m1'] } };
  ipc.deliver(IPC_EVENT_CHANNEL, envelope);
  ipc.deliver('some-other-channel', { event: 'x' });
  assert.deepEqual(got, [[envelope]]);
  off();
  ipc.deliver(IPC_EVENT_CHANNEL, envelope);
  assert.equal(got.length, 1);
  assert.equal(ipc.listeners.get(IPC_EVENT_CHANNEL)?.size, 0);
  assert.throws(() => bridge.onEvent('nope' as never), TypeError);
});

test('end to end: bridge → ipcMain handler → api.call and back', async () => {
  const ipcMain = new FakeIpcMain();
  const api = new FakeApi({ 'messages.markRead': (p) => ({ ...fakeMessage(3), read: (p as { read: boolean }).read }) });
  const window = new FakeWebContents('http://127.0.0.1:8025/');
  registerIpc({ ipcMain, api, appUrl: 'http://127.0.0.1:8025/', isOwnWebContents: (wc) => wc === window });
  // The page's invoke arrives in main with the window's main frame as sender.
  const ipc = new FakeIpcRenderer((channel, ...args) => ipcMain.invoke(channel, window.invokeEvent(), ...args));
  const result = await preload.createBridge(ipc).call('messages.markRead', { id: 'm3', read: true });
  assert.equal(result.read, true);
  assert.deepEqual(api.calls, [{ method: 'messages.markRead', params: { id: 'm3', read: true } }]);
});
