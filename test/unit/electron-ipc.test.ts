import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IPC_EVENT_CHANNEL, ipcChannel, routes } from '../../shared/api.js';
import { ApiError, notFound } from '../../main/core/errors.js';
import { forwardEvents, isTrustedSender, registerIpc, toErrorBody } from '../../main/electron/ipc.js';
import type { WebContentsLike } from '../../main/electron/ports.js';
import { FakeApi, FakeFrame, FakeIpcMain, FakeWebContents, fakeMessage, fakeSettings } from '../helpers/fake-electron.js';

const APP = 'http://127.0.0.1:8025/';

function setup(responders: ConstructorParameters<typeof FakeApi>[0] = {}) {
  const ipcMain = new FakeIpcMain();
  const api = new FakeApi(responders);
  const ours = new FakeWebContents(APP);
  const own = new Set<WebContentsLike>([ours]);
  const warnings: unknown[][] = [];
  const log = { warn: (...a: unknown[]) => void warnings.push(a), error: () => {} };
  const dispose = registerIpc({ ipcMain, api, appUrl: APP, isOwnWebContents: (wc) => own.has(wc), log });
  return { ipcMain, api, ours, own, warnings, dispose };
}

test('one handler per contract method, on its ipcChannel, and nothing else', () => {
  const { ipcMain } = setup();
  const expected = Object.keys(routes).map((m) => ipcChannel(m as keyof typeof routes)).sort();
  assert.deepEqual([...ipcMain.handlers.keys()].sort(), expected);
  assert.ok(expected.includes('mailtap:messages.list'));
});

test('disposing removes every handler', () => {
  const { ipcMain, dispose } = setup();
  dispose();
  assert.equal(ipcMain.handlers.size, 0);
});

test('a call from the app window reaches api.call with its method and params', async () => {
  const { ipcMain, api, ours } = setup({ 'messages.get': (p) => ({ id: (p as { id: string }).id, echoed: true }) });
  const reply = await ipcMain.invoke(ipcChannel('messages.get'), ours.invokeEvent(), { id: 'm42' });
  assert.deepEqual(api.calls, [{ method: 'messages.get', params: { id: 'm42' } }]);
  assert.deepEqual(reply, { ok: true, result: { id: 'm42', echoed: true } });
});

test('a call without params gets {}', async () => {
  const { ipcMain, api, ours } = setup({ 'settings.get': () => fakeSettings() });
  await ipcMain.invoke(ipcChannel('settings.get'), ours.invokeEvent());
  assert.deepEqual(api.calls, [{ method: 'settings.get', params: {} }]);
});

test('a call from a frame on another URL is refused and never reaches the api', async () => {
  const { ipcMain, api, ours, warnings } = setup({ 'messages.clear': () => ({ deleted: 9 }) });
  ours.mainFrame.url = 'https://evil.example/';
  const reply = await ipcMain.invoke(ipcChannel('messages.clear'), ours.invokeEvent(), {});
  assert.deepEqual(reply, { ok: false, error: { status: 403, code: 'forbidden', message: 'caller is not the mailtap window' } });
  assert.equal(api.calls.length, 0);
  assert.equal(warnings.length, 1);
});

test('calls from a subframe, a foreign window or a destroyed frame are refused', async () => {
  const { ipcMain, api, ours } = setup({ 'messages.clear': () => ({ deleted: 9 }) });
  const ch = ipcChannel('messages.clear');
  // A preview iframe showing the app origin is still not the main frame.
  const sub = new FakeFrame(APP, ours.mainFrame, ours.mainFrame.processId);
  const stranger = new FakeWebContents(APP); // right URL, but not a window we created
  const lookalike = new FakeFrame(APP, null, ours.mainFrame.processId); // top-level, but not our main frame
  for (const event of [ours.invokeEvent(sub), stranger.invokeEvent(), ours.invokeEvent(null), ours.invokeEvent(lookalike)]) {
    const reply = (await ipcMain.invoke(ch, event, {})) as { ok: boolean; error?: { status: number } };
    assert.equal(reply.ok, false);
    assert.equal(reply.error?.status, 403);
  }
  assert.equal(api.calls.length, 0);
});

test('isTrustedSender accepts exactly our main frame on the app origin', () => {
  const ours = new FakeWebContents(APP);
  const policy = { appUrl: APP, isOwnWebContents: (wc: WebContentsLike) => wc === ours };
  assert.equal(isTrustedSender(ours.invokeEvent(), policy), true);
  ours.mainFrame.url = 'http://127.0.0.1:8025/#/sessions/s1';
  assert.equal(isTrustedSender(ours.invokeEvent(), policy), true);
  ours.mainFrame.url = 'file:///etc/passwd';
  assert.equal(isTrustedSender(ours.invokeEvent(), policy), false);
});

test('params that are not an object are rejected with 400', async () => {
  const { ipcMain, api, ours } = setup({ 'messages.list': () => ({ total: 0, offset: 0, items: [] }) });
  for (const bad of [null, 'x', 3, ['a']]) {
    const reply = (await ipcMain.invoke(ipcChannel('messages.list'), ours.invokeEvent(), bad)) as { error?: { status: number } };
    assert.equal(reply.error?.status, 400, JSON.stringify(bad));
  }
  assert.equal(api.calls.length, 0);
});

test('an ApiError becomes its status, code and message', async () => {
  const { ipcMain, ours } = setup({
    'messages.get': () => {
      throw notFound('message m1');
    },
  });
  const reply = await ipcMain.invoke(ipcChannel('messages.get'), ours.invokeEvent(), { id: 'm1' });
  assert.deepEqual(reply, { ok: false, error: { status: 404, code: 'not_found', message: 'message m1 not found' } });
});

test('any other error becomes a 500 without its stack', () => {
  assert.deepEqual(toErrorBody(new TypeError('boom')), { error: { status: 500, code: 'internal', message: 'boom' } });
  assert.deepEqual(toErrorBody('weird'), { error: { status: 500, code: 'internal', message: 'internal error' } });
  assert.deepEqual(toErrorBody(new ApiError(409, 'conflict', 'busy')), { error: { status: 409, code: 'conflict', message: 'busy' } });
});

test('live events go to every open window on IPC_EVENT_CHANNEL', () => {
  const api = new FakeApi();
  const a = new FakeWebContents(APP);
  const b = new FakeWebContents(APP);
  const closed = new FakeWebContents(APP);
  closed.destroyed = true;
  const stop = forwardEvents(api, () => [a, b, closed]);
  const m = fakeMessage(1);
  api.emit('message.received', m);
  for (const wc of [a, b]) assert.deepEqual(wc.sent, [{ channel: IPC_EVENT_CHANNEL, args: [{ event: 'message.received', data: m }] }]);
  assert.equal(closed.sent.length, 0);
  stop();
  api.emit('messages.deleted', { ids: ['m1'] });
  assert.equal(a.sent.length, 1, 'nothing after unsubscribe');
  assert.equal(api.subscriberCount, 0);
});

test('a window failing to receive does not stop the others', () => {
  const api = new FakeApi();
  const broken = new FakeWebContents(APP);
  broken.send = () => {
    throw new Error('gone');
  };
  const ok = new FakeWebContents(APP);
  forwardEvents(api, () => [broken, ok], { warn: () => {}, error: () => {} });
  api.emit('sessions.deleted', { ids: ['s1'] });
  assert.equal(ok.sent.length, 1);
});
