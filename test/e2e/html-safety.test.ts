// The HTML preview runs no script and fetches nothing remote until the user allows it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { screenshot } from '../helpers/browser.js';
import { startE2E, type E2E } from './harness.js';
import { RED_DOT_PNG, sendMail } from './mail.js';

describe('HTML preview safety', () => {
  let e: E2E;
  let remote: Server;
  let port = 0;
  const hits: string[] = [];

  before(async () => {
    remote = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url?.startsWith('/pixel.png')) res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(RED_DOT_PNG);
      else res.writeHead(200, { 'content-type': 'text/css' }).end('h1 { color: rebeccapurple; }');
    });
    await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
    port = (remote.address() as AddressInfo).port;
    e = await startE2E();
  });
  after(async () => {
    await e?.close();
    await new Promise<void>((r) => (remote ? remote.close(() => r()) : r()));
  });

  test('scripts and event handlers do not run; remote content waits for "Load remote content"', async () => {
    const base = `http://127.0.0.1:${port}`;
    const html = `<!doctype html><html><head><title>Spring sale</title>
<meta http-equiv="refresh" content="0;url=${base}/refresh">
<link rel="stylesheet" href="${base}/style.css">
</head><body onload="parent.postMessage('onload-ran','*')">
<h1>Spring sale</h1>
<p>Everything must go. <a href="javascript:parent.postMessage('link-ran','*')">Shop now</a></p>
<script>parent.postMessage('script-ran','*'); document.title = 'pwned'; try { top.document.title = 'pwned'; } catch (e) {}</script>
<img src="data:image/png;base64,AAAA" onerror="parent.postMessage('onerror-ran','*'); document.title = 'pwned'">
<svg onload="parent.postMessage('svg-ran','*')" width="1" height="1"></svg>
<p>Tracking pixel: <img id="remote" src="${base}/pixel.png?u=1" width="24" height="24"></p>
<p>Inline logo: <img id="inline" src="cid:logo@sale" width="24" height="24"></p>
</body></html>`;
    await e.page.goto(e.url);
    await e.page.evaluate(() => {
      const w = window as unknown as { __posted: unknown[] };
      w.__posted = [];
      window.addEventListener('message', (m) => w.__posted.push(m.data));
    });
    await sendMail(e.mt.smtpPort, {
      from: 'Shop <offers@shop.test>',
      to: 'dev@example.org',
      subject: 'Spring sale (hostile HTML)',
      text: 'Plain version',
      html,
      attachments: [{ filename: 'logo.png', content: RED_DOT_PNG, cid: 'logo@sale' }],
    });
    await e.page.getByTestId('message-row').filter({ hasText: 'Spring sale' }).click();
    const frameEl = e.page.getByTestId('html-frame');
    await frameEl.waitFor();
    assert.equal(await frameEl.getAttribute('sandbox'), '', 'sandboxed with no allowances');
    const srcdoc = (await frameEl.getAttribute('srcdoc'))!;
    assert.match(srcdoc, /^<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data: blob:;/i);
    assert.doesNotMatch(srcdoc, /http-equiv="refresh"/i, 'meta refresh removed');
    assert.doesNotMatch(srcdoc, /cid:logo@sale/, 'cid: rewritten');
    assert.match(srcdoc, /src="data:image\/png;base64,/);

    // Give a script every chance to run, then check that none did.
    await e.page.waitForTimeout(600);
    assert.deepEqual(await e.page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), []);
    assert.equal(await e.page.title(), 'mailtap');
    const frame = e.page.frames().find((f) => f.url() === 'about:srcdoc');
    assert.ok(frame, 'the preview frame exists');
    assert.equal(await frame.title(), 'Spring sale', 'the message document kept its own title');
    // The cid: image is resolved from the message's own part.
    assert.equal(await frame.locator('#inline').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 1);

    assert.equal(hits.length, 0, `no remote request before the user allows it: ${hits.join(', ')}`);
    const banner = e.page.getByTestId('remote-banner');
    assert.match(await banner.innerText(), /Remote content blocked \(2\)/);
    await screenshot(e.page, 'message-html');

    await e.page.getByTestId('toggle-remote').click();
    await e.page.waitForFunction(() => document.querySelector('[data-testid="remote-banner"]')?.textContent?.includes('loaded'));
    const end = Date.now() + 5000;
    while (!hits.some((h) => h.startsWith('/pixel.png')) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await e.page.waitForTimeout(300);
    assert.equal(hits.filter((h) => h.startsWith('/pixel.png')).length, 1, 'the pixel is fetched once, after allowing');
    assert.ok(!hits.includes('/refresh'), 'the refresh target is never fetched');
    const loaded = e.page.frames().find((f) => f.url() === 'about:srcdoc')!;
    assert.equal(await loaded.locator('#remote').evaluate((img: HTMLImageElement) => img.naturalWidth), 1);
    assert.deepEqual(await e.page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), [], 'still no script after allowing remote content');
    assert.deepEqual(e.pageErrors(), []);
  });
});
