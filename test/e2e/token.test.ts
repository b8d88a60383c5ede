// `mailtap serve --token`: the UI keeps ?token= from its URL and sends it on every call and on
// the live WebSocket; without it, the API's 401 shows as an inline message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startE2E, type E2E } from './harness.js';
import { sendMail } from './mail.js';

describe('an API token', () => {
  let e: E2E;
  const token = 'tok-' + Math.random().toString(36).slice(2);
  before(async () => {
    e = await startE2E({ token });
  });
  after(async () => {
    await e?.close();
  });

  test('with ?token= in the URL, calls and live events work', async () => {
    assert.ok(e.url.includes(`?token=${token}`), 'the server gives the URL with its token');
    await e.page.goto(e.url + '#/messages');
    await e.page.getByTestId('smtp-address').filter({ hasText: `:${e.mt.smtpPort}` }).waitFor();
    await e.page.locator('[data-testid="connection"].conn-open').waitFor();
    await sendMail(e.mt.smtpPort, { from: 'a@example.com', to: 'b@example.org', subject: 'Behind a token', text: 'hi' });
    await e.page.getByTestId('message-row').filter({ hasText: 'Behind a token' }).waitFor();
    // In-app navigation keeps the token.
    await e.page.getByTestId('nav-sessions').click();
    await e.page.getByTestId('session-row').first().waitFor();
    assert.ok(e.page.url().includes(`token=${token}`));
    assert.deepEqual(e.pageErrors(), []);
  });

  test('without the token, the UI says how to get in', async () => {
    const page = await e.browser.context.newPage();
    try {
      await page.goto(e.url.replace(/\?token=.*$/, '') + '#/messages');
      const banner = page.getByTestId('error-banner').first();
      await banner.waitFor();
      assert.match(await banner.innerText(), /Not authorised \(401\).*token/);
      assert.equal(await page.locator('[data-testid="connection"].conn-open').count(), 0, 'the live socket is refused too');
    } finally {
      await page.close();
    }
  });
});
