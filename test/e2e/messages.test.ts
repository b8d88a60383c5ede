// Messages in a real browser: the empty state, live arrival, the MIME tree, a byte-exact
// attachment download, search and delete.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { MimeNode } from '../../shared/types.js';
import { screenshot } from '../helpers/browser.js';
import { openRoute, startE2E, type E2E } from './harness.js';
import { RED_DOT_PNG, sendMail } from './mail.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('messages in the browser', () => {
  let e: E2E;
  const attachment = randomBytes(64 * 1024 + 17);

  before(async () => {
    e = await startE2E();
  });
  after(async () => {
    await e?.close();
  });

  test('the empty state tells a newcomer where to point their app, with the real port', async () => {
    await e.page.goto(e.url);
    await e.page.getByTestId('messages-empty').waitFor();
    assert.equal(await e.page.getByTestId('smtp-address').innerText(), `127.0.0.1:${e.mt.smtpPort}`);
    const snippets = await e.page.locator('.snippet pre').allInnerTexts();
    assert.ok(snippets.some((s) => s.includes(`swaks --server 127.0.0.1:${e.mt.smtpPort}`)), 'swaks snippet has the port');
    assert.ok(snippets.some((s) => s.includes(`port: ${e.mt.smtpPort},`)), 'nodemailer snippet has the port');
    await screenshot(e.page, 'empty-state');
  });

  test('a mail sent with nodemailer appears in the list without a reload', async () => {
    await e.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await sendMail(e.mt.smtpPort, {
      from: 'Alice Example <alice@example.com>',
      to: 'Bob <bob@example.org>, carol@example.net',
      subject: 'Quarterly report with chart',
      text: 'Hi Bob,\n\nThe chart is inline and the data is attached.\n\n-- Alice',
      html: '<h1>Quarterly report</h1><p>Hi Bob, here is the chart:</p><p><img src="cid:chart@report" alt="chart" width="40" height="40"></p>',
      attachments: [
        { filename: 'chart.png', content: RED_DOT_PNG, cid: 'chart@report' },
        { filename: 'data.bin', content: attachment, contentType: 'application/octet-stream' },
      ],
    });
    const row = e.page.getByTestId('message-row').filter({ hasText: 'Quarterly report with chart' });
    await row.waitFor({ timeout: 5000 });
    assert.equal(await e.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'the page was not reloaded');
    assert.match(await row.innerText(), /Alice Example/);
    assert.equal(await row.locator('.mrow-clip').count(), 1, 'attachment icon');
    assert.equal(await row.evaluate((el) => el.classList.contains('unread')), true, 'new mail is unread');

    // A few more, for a list worth a screenshot.
    for (const [i, subject] of ['Password reset for bob', 'Your invoice #2041', 'Build #1207 failed', 'Welcome to Acme'].entries()) {
      await sendMail(e.mt.smtpPort, { from: `noreply${i}@acme.test`, to: `user${i}@example.org`, subject, text: `Body of ${subject}` });
    }
    await e.page.getByTestId('message-row').nth(4).waitFor();
    assert.equal(await e.page.getByTestId('message-row').count(), 5);
    await screenshot(e.page, 'messages-list');
  });

  test('opening a message marks it read and shows its MIME tree with the right parts', async () => {
    const row = e.page.getByTestId('message-row').filter({ hasText: 'Quarterly report with chart' });
    const id = (await row.getAttribute('data-id'))!;
    await row.click();
    await e.page.getByTestId('message-subject').filter({ hasText: 'Quarterly report with chart' }).waitFor();
    await e.page.waitForFunction((mid) => !document.querySelector(`[data-id="${mid}"]`)?.classList.contains('unread'), id);

    await e.page.locator('[data-tab="mime"]').click();
    await e.page.getByTestId('mime-tree').waitFor();
    const shown = await e.page.getByTestId('mime-node').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-path')} ${el.getAttribute('data-type')}`));
    const tree = await e.mt.get<MimeNode>(`/api/messages/${id}/mime`);
    const expected: string[] = [];
    const walk = (n: MimeNode) => (expected.push(`${n.path} ${n.contentType}`), n.children.forEach(walk));
    walk(tree);
    assert.deepEqual(shown, expected);
    const types = shown.map((s) => s.split(' ')[1]);
    assert.equal(types[0], 'multipart/mixed');
    for (const t of ['multipart/alternative', 'text/plain', 'text/html', 'image/png', 'application/octet-stream']) assert.ok(types.includes(t), `tree has ${t}`);
    // Connector lines are drawn (pseudo-elements on nested items).
    const connector = await e.page.locator('.mtree ul > li').first().evaluate((li) => getComputedStyle(li, '::before').borderLeftStyle);
    assert.equal(connector, 'solid');

    // Selecting the text part previews it inline.
    await e.page.locator('[data-testid="mime-node"][data-type="text/plain"]').click();
    await e.page.getByTestId('part-text').filter({ hasText: 'The chart is inline' }).waitFor();
    await e.page.locator('[data-testid="mime-node"][data-type="image/png"]').click();
    await e.page.getByTestId('part-image').waitFor();
    await screenshot(e.page, 'mime-tree');
  });

  test('an attachment downloads byte-exact, from the MIME tree and from the attachments tab', async () => {
    await e.page.locator('[data-testid="mime-node"][data-type="application/octet-stream"]').click();
    const [fromTree] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId('part-download').click()]);
    assert.equal(sha(await readFile((await fromTree.path())!)), sha(attachment));
    assert.equal(fromTree.suggestedFilename(), 'data.bin');

    await e.page.locator('[data-tab="attachments"]').click();
    const button = e.page.locator('[data-testid="attachment-download"][data-filename="data.bin"]');
    const [fromTab] = await Promise.all([e.page.waitForEvent('download'), button.click()]);
    const bytes = await readFile((await fromTab.path())!);
    assert.equal(bytes.length, attachment.length);
    assert.ok(bytes.equals(attachment), 'identical bytes');
  });

  test('the raw source and the headers tab show the message as received', async () => {
    await e.page.locator('[data-tab="raw"]').click();
    const raw = await e.page.getByTestId('raw-source').innerText();
    assert.match(raw, /^Subject: Quarterly report with chart$/m);
    assert.match(raw, /Content-Type: multipart\/mixed/);
    await e.page.locator('[data-tab="headers"]').click();
    assert.match(await e.page.getByTestId('headers-tab').innerText(), /RCPT TO\s+<bob@example.org>, <carol@example.net>/);
  });

  test('search filters the list; delete removes one message', async () => {
    await openRoute(e, '#/messages');
    await e.page.locator('body').click({ position: { x: 5, y: 400 } });
    await e.page.keyboard.press('/'); // focuses the search box
    await e.page.keyboard.type('invoice');
    await e.page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 1);
    assert.match(await e.page.getByTestId('message-row').innerText(), /Your invoice #2041/);
    await e.page.getByTestId('message-row').click();
    await e.page.getByTestId('delete-message').click();
    await e.page.getByTestId('delete-message').click(); // confirm
    await e.page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 0);
    await e.page.getByPlaceholder('Search from, to, subject, body').fill('');
    await e.page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 4);
    // j/k walk the list and open each message.
    await e.page.getByTestId('message-list').focus();
    await e.page.keyboard.press('j');
    await e.page.keyboard.press('j');
    const second = await e.page.getByTestId('message-row').nth(1).getAttribute('data-id');
    await e.page.waitForFunction((id) => window.location.hash.startsWith(`#/messages/${id}`), second);
    assert.equal(await e.page.getByTestId('message-row').nth(1).getAttribute('aria-selected'), 'true');
    assert.deepEqual(e.pageErrors(), []);
  });
});
