// Settings with validation, the dark theme, and API errors shown in place.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Settings } from '../../shared/types.js';
import { screenshot } from '../helpers/browser.js';
import { openRoute, startE2E, type E2E } from './harness.js';
import { RED_DOT_PNG, sendMail } from './mail.js';

describe('settings, theme and errors', () => {
  let e: E2E;
  before(async () => {
    e = await startE2E();
  });
  after(async () => {
    await e?.close();
  });

  test('settings validate before saving and save through settings.update', async () => {
    await e.page.goto(e.url + '#/settings');
    await e.page.getByTestId('settings').waitFor();
    await e.page.getByTestId('listeners').filter({ hasText: `127.0.0.1:${e.mt.smtpPort}` }).waitFor();
    await screenshot(e.page, 'settings');

    const lineLength = e.page.getByTestId('max-line-length');
    await lineLength.fill('100');
    await e.page.getByText('At least 512 octets (RFC 5321 §4.5.3.1.4).').waitFor();
    assert.equal(await e.page.getByTestId('save-settings').isDisabled(), true, 'cannot save an invalid form');
    await e.page.getByTestId('hostname').fill('');
    await e.page.getByText('cannot be empty').waitFor();
    // The form applies the server's rules (shared/settings-rules.ts): a name the greeting
    // could not carry is refused here, not after a round trip.
    await e.page.getByTestId('hostname').fill('my_host');
    await e.page.getByText('letters, digits, dots and hyphens').waitFor();
    await e.page.getByTestId('max-connections').fill('0');
    await e.page.getByText('At least 1.', { exact: true }).waitFor();
    await screenshot(e.page, 'settings-validation');
    await e.page.getByTestId('max-connections').fill('50');

    await e.page.getByTestId('hostname').fill('sink.test');
    await lineLength.fill('1000');
    await e.page.getByTestId('save-settings').click();
    await e.page.getByText('Saved', { exact: true }).waitFor();
    const saved = await e.mt.get<Settings>('/api/settings');
    assert.equal(saved.smtp.maxLineLength, 1000);
    assert.equal(saved.smtp.hostname, 'sink.test');
    assert.equal(saved.smtp.maxConnections, 50);
  });

  test('the theme toggle switches to dark and is kept in settings', async () => {
    await sendMail(e.mt.smtpPort, {
      from: 'Design <design@acme.test>',
      to: 'dev@example.org',
      subject: 'New palette for the dashboard',
      text: 'See the attached swatch.',
      html: '<h2>New palette</h2><p>The dark theme is in. Swatch: <img src="cid:swatch@acme" width="32" height="32"></p>',
      attachments: [{ filename: 'swatch.png', content: RED_DOT_PNG, cid: 'swatch@acme' }],
    });
    await openRoute(e, '#/messages');
    await e.page.getByTestId('message-row').first().click();
    await e.page.getByTestId('html-frame').waitFor();
    const before = await e.page.evaluate(() => document.documentElement.dataset.theme);
    assert.equal(before, 'light');
    await e.page.getByTestId('theme-toggle').click();
    assert.equal(await e.page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const bg = await e.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(20, 22, 27)');
    await e.page.waitForTimeout(200);
    await screenshot(e.page, 'dark-theme');
    await openRoute(e, '#/sessions');
    await e.page.getByTestId('session-row').first().click();
    await e.page.locator('[data-testid="timeline-row"][data-kind="close"]').waitFor();
    await screenshot(e.page, 'dark-theme-timeline');
    assert.equal((await e.mt.get<Settings>('/api/settings')).ui.theme, 'dark');
    await e.page.reload();
    await e.page.getByTestId('session-detail').waitFor();
    assert.equal(await e.page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'kept after a reload');
    await e.page.getByTestId('theme-toggle').click();
  });

  test('an API error shows inline, never a blank screen', async () => {
    await openRoute(e, '#/messages/0000000000000zzz');
    const banner = e.page.getByTestId('error-banner');
    await banner.waitFor();
    assert.match(await banner.innerText(), /not found/i);
    assert.match(await banner.innerText(), /404/);
    // The rest of the app still works around it.
    assert.ok(await e.page.getByTestId('message-row').count());
    await openRoute(e, '#/sessions/0000000000000zzz/wire');
    await e.page.getByTestId('error-banner').waitFor();
    assert.deepEqual(e.pageErrors(), []);
  });
});
