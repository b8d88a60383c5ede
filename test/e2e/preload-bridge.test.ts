// The Electron transport, in a real browser: a stand-in for the preload's `window.mailtap`
// (call + onEvent, errors rejected as `{ error }` bodies, bytes as Uint8Array) wired to the
// in-process service. The UI must run on it alone, with no HTTP API call and no WebSocket.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { ApiMethod, MailtapApi } from '../../shared/api.js';
import { RENDERER_DIST, launchBrowser, screenshot } from '../helpers/browser.js';
import { startE2E, type E2E } from './harness.js';
import { sendMail } from './mail.js';

type Reply = { ok: true; result: unknown } | { ok: false; error: { status: number; code: string; message: string } };

const BRIDGE_INIT = `(() => {
  const listeners = new Set();
  window.__bridgeEmit = (envelope) => listeners.forEach((l) => l(envelope));
  window.mailtap = {
    platform: 'electron',
    async call(method, params) {
      const r = await window.__bridgeCall(method, params);
      if (!r.ok) throw { error: r.error };
      const res = r.result;
      if (res && res.__base64) {
        const bin = atob(res.data);
        const data = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
        return { contentType: res.contentType, filename: res.filename, data };
      }
      return res;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
})();`;

/** Installs the stand-in preload on `page`, backed by `api`; returns the unsubscribe. */
async function wireBridge(page: Page, api: MailtapApi): Promise<() => void> {
  await page.exposeFunction('__bridgeCall', async (method: ApiMethod, params: never): Promise<Reply> => {
    try {
      const r = (await api.call(method, params)) as { data?: unknown };
      if (r && r.data instanceof Uint8Array) return { ok: true, result: { ...r, data: Buffer.from(r.data).toString('base64'), __base64: true } };
      return { ok: true, result: r };
    } catch (err) {
      const x = err as { status?: number; code?: string; message: string };
      return { ok: false, error: { status: x.status ?? 500, code: x.code ?? 'internal', message: x.message } };
    }
  });
  await page.addInitScript(BRIDGE_INIT);
  return api.subscribe((env) => void page.evaluate((x) => (window as unknown as { __bridgeEmit: (v: unknown) => void }).__bridgeEmit(x), env as unknown).catch(() => undefined));
}

describe('the UI over the preload bridge', () => {
  let e: E2E;
  let unsubscribe: () => void = () => undefined;
  const apiRequests: string[] = [];
  let sockets = 0;
  const blob = randomBytes(20_000);

  before(async () => {
    e = await startE2E();
    unsubscribe = await wireBridge(e.page, e.mt.app.api);
    e.page.on('request', (r) => r.url().includes('/api/') && apiRequests.push(r.url()));
    e.page.on('websocket', () => sockets++);
  });
  after(async () => {
    unsubscribe();
    await e?.close();
  });

  test('calls, live events, binary downloads and errors all go through window.mailtap', async () => {
    await e.page.goto(e.url + '#/messages');
    await e.page.getByTestId('smtp-address').filter({ hasText: `:${e.mt.smtpPort}` }).waitFor();
    await sendMail(e.mt.smtpPort, {
      from: 'bridge@example.com',
      to: 'dev@example.org',
      subject: 'Over IPC',
      text: 'hello',
      attachments: [{ filename: 'blob.bin', content: blob }],
    });
    await e.page.getByTestId('message-row').filter({ hasText: 'Over IPC' }).click();
    await e.page.locator('[data-tab="attachments"]').click();
    const [download] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId('attachment-download').click()]);
    assert.ok((await readFile((await download.path())!)).equals(blob), 'byte-exact over the bridge');

    await e.page.evaluate(() => (window.location.hash = '#/messages/0000000000000zzz'));
    assert.match(await e.page.getByTestId('error-banner').innerText(), /404/);

    assert.deepEqual(apiRequests, [], 'no HTTP API request');
    assert.equal(sockets, 0, 'no WebSocket');
    assert.deepEqual(e.pageErrors(), []);
  });

  test('the build loads from file:// (as Electron loads it) and runs on the bridge', async () => {
    // Electron serves file:// with its own privileges; Chromium needs this flag for module scripts.
    const b = await launchBrowser({ extraArgs: ['--allow-file-access-from-files'] });
    let stop: () => void = () => undefined;
    try {
      stop = await wireBridge(b.page, e.mt.app.api);
      await b.page.goto(pathToFileURL(join(RENDERER_DIST, 'index.html')).href + '#/sessions');
      await b.page.getByTestId('session-row').first().click();
      await b.page.locator('[data-testid="timeline-row"][data-kind="close"]').waitFor();
      assert.equal(await b.page.evaluate(() => window.location.protocol), 'file:');
      await screenshot(b.page, 'electron-file-url');
      assert.deepEqual(b.errors.filter((x) => x.startsWith('pageerror')), []);
    } finally {
      stop();
      await b.close();
    }
  });
});
