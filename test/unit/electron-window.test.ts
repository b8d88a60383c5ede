import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hardenWebContents, isPermissionAllowed, windowOptions } from '../../main/electron/window.js';
import { isAppUrl, isExternalUrl } from '../../main/electron/urls.js';
import { FakeWebContents } from '../helpers/fake-electron.js';

const APP = 'http://127.0.0.1:8025/';

function hardened(): { wc: FakeWebContents; opened: string[] } {
  const wc = new FakeWebContents(APP);
  const opened: string[] = [];
  hardenWebContents(wc, { appUrl: APP, openExternal: async (url) => void opened.push(url) });
  return { wc, opened };
}

test('window options: isolated, sandboxed, no Node, web security on, our preload', () => {
  const o = windowOptions({ preloadPath: '/opt/mailtap/dist/main/electron/preload.cjs' });
  const wp = o.webPreferences!;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.nodeIntegrationInWorker, false);
  assert.equal(wp.nodeIntegrationInSubFrames, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.allowRunningInsecureContent, false);
  assert.equal(wp.webviewTag, false);
  assert.equal(wp.preload, '/opt/mailtap/dist/main/electron/preload.cjs');
  assert.equal(o.show, false);
});

test('window options refuse a relative preload path', () => {
  assert.throws(() => windowOptions({ preloadPath: 'dist/main/electron/preload.cjs' }), /absolute/);
});

test('navigation within the app origin is allowed and stays in the window', async () => {
  const { wc, opened } = hardened();
  assert.equal(wc.navigate('http://127.0.0.1:8025/#/messages/m1'), true);
  assert.equal(wc.navigate('http://127.0.0.1:8025/sessions?x=1'), true);
  await Promise.resolve();
  assert.deepEqual(opened, []);
});

test('navigation elsewhere is denied; http(s) and mailto links go to the system browser', async () => {
  const { wc, opened } = hardened();
  assert.equal(wc.navigate('https://example.com/'), false);
  assert.equal(wc.navigate('http://127.0.0.1:9999/'), false, 'another port is another origin');
  assert.equal(wc.navigate('mailto:someone@example.com'), false);
  await Promise.resolve();
  assert.deepEqual(opened, ['https://example.com/', 'http://127.0.0.1:9999/', 'mailto:someone@example.com']);
});

test('navigation to dangerous schemes is denied and never reaches openExternal', async () => {
  const { wc, opened } = hardened();
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<b>x</b>', 'smb://host/share', 'x-custom:run', 'not a url']) {
    assert.equal(wc.navigate(url), false, url);
  }
  await Promise.resolve();
  assert.deepEqual(opened, []);
});

test('window.open is always denied; only http, https and mailto reach openExternal', async () => {
  const { wc, opened } = hardened();
  const urls = [
    'https://example.com/a',
    'http://example.com/b',
    'mailto:x@example.com',
    'file:///C:/Windows/system32/calc.exe',
    'javascript:void(0)',
    'ms-msdt:/id PCWDiagnostic',
    'vbscript:msgbox',
    'about:blank',
  ];
  for (const url of urls) assert.deepEqual(wc.openWindow(url), { action: 'deny' }, url);
  await Promise.resolve();
  assert.deepEqual(opened, ['https://example.com/a', 'http://example.com/b', 'mailto:x@example.com']);
});

test('a failing openExternal is logged, not thrown into the navigation', async () => {
  const wc = new FakeWebContents(APP);
  const warnings: unknown[][] = [];
  hardenWebContents(wc, {
    appUrl: APP,
    openExternal: async () => {
      throw new Error('no browser');
    },
    log: { warn: (...a) => void warnings.push(a), error: () => {} },
  });
  assert.deepEqual(wc.openWindow('https://example.com/'), { action: 'deny' });
  await new Promise((r) => setImmediate(r));
  assert.equal(warnings.length, 1);
});

test('webview attachment is blocked', () => {
  const { wc } = hardened();
  assert.equal(wc.attachWebview(), false);
});

test('permission requests are denied, except clipboard writes from the app page', () => {
  const { wc } = hardened();
  for (const p of ['media', 'geolocation', 'notifications', 'midi', 'openExternal', 'fullscreen', 'pointerLock']) {
    assert.equal(wc.session.request(p, { requestingUrl: APP }), false, p);
    assert.equal(wc.session.check(p, 'http://127.0.0.1:8025'), false, p);
  }
  assert.equal(wc.session.request('clipboard-sanitized-write', { requestingUrl: `${APP}#/m/1` }), true);
  assert.equal(wc.session.request('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/' }), false);
  assert.equal(wc.session.request('clipboard-sanitized-write', {}), false);
  assert.equal(wc.session.check('clipboard-sanitized-write', 'http://127.0.0.1:8025'), true);
  assert.equal(isPermissionAllowed('clipboard-read', APP, APP), false);
});

test('isAppUrl compares origins for http and exact paths for file:', () => {
  assert.equal(isAppUrl('http://127.0.0.1:8025/x/y?z#w', APP), true);
  assert.equal(isAppUrl('http://localhost:8025/', APP), false);
  assert.equal(isAppUrl('https://127.0.0.1:8025/', APP), false);
  assert.equal(isAppUrl('http://127.0.0.1:8026/', APP), false);
  assert.equal(isAppUrl('garbage', APP), false);
  const file = 'file:///opt/mailtap/dist/renderer/index.html';
  assert.equal(isAppUrl('file:///opt/mailtap/dist/renderer/index.html#/m/1', file), true);
  assert.equal(isAppUrl('file:///etc/passwd', file), false);
  assert.equal(isAppUrl('about:blank', 'about:blank'), false, 'only http(s) and file app URLs exist');
});

test('isExternalUrl accepts exactly http, https and mailto', () => {
  assert.deepEqual(
    ['http://a', 'https://a', 'mailto:a@b', 'HTTPS://A', 'file:///a', 'ftp://a', 'javascript:1', ''].map(isExternalUrl),
    [true, true, true, true, false, false, false, false],
  );
});
