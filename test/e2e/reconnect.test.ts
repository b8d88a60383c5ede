// The live connection survives a server restart: the UI shows it is reconnecting, comes back
// by itself (backoff), refetches what it missed and receives live events again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RENDERER_DIST, ensureRendererBuilt, launchBrowser, type Browser } from '../helpers/browser.js';
import { startTestMailtap, type TestMailtap } from '../helpers/mailtap.js';
import { tempDir } from './harness.js';
import { sendMail } from './mail.js';

describe('reconnecting', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let mt: TestMailtap | null = null;
  let browser: Browser;

  before(async () => {
    await ensureRendererBuilt();
    dir = await tempDir('mailtap-reconnect-');
    mt = await startTestMailtap({ dataDir: dir.path, staticDir: RENDERER_DIST });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await mt?.close();
    await dir?.remove();
  });

  test('after a restart the UI reconnects and catches up', async () => {
    const page = browser.page;
    const httpPort = Number(new URL(mt!.app.info.http.url).port);
    await sendMail(mt!.smtpPort, { from: 'a@example.com', to: 'b@example.org', subject: 'Before the restart', text: '1' });
    await page.goto(mt!.app.info.http.url + '#/messages');
    await page.getByTestId('message-row').filter({ hasText: 'Before the restart' }).waitFor();
    await page.locator('[data-testid="connection"].conn-open').waitFor();

    await mt!.close();
    mt = null;
    await page.locator('[data-testid="connection"]:not(.conn-open)').waitFor();

    // Mail that arrives while the page is disconnected shows up once it is back.
    mt = await startTestMailtap({ dataDir: dir.path, staticDir: RENDERER_DIST, httpPort });
    await sendMail(mt.smtpPort, { from: 'a@example.com', to: 'b@example.org', subject: 'While away', text: '2' });
    await page.locator('[data-testid="connection"].conn-open').waitFor({ timeout: 15_000 });
    await page.getByTestId('message-row').filter({ hasText: 'While away' }).waitFor();
    await sendMail(mt.smtpPort, { from: 'a@example.com', to: 'b@example.org', subject: 'Live again', text: '3' });
    await page.getByTestId('message-row').filter({ hasText: 'Live again' }).waitFor();
    assert.equal(await page.getByTestId('message-row').count(), 3);
    assert.deepEqual(browser.errors.filter((x) => x.startsWith('pageerror')), []);
  });
});
