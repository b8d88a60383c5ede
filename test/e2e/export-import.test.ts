// Export and import in a real browser: a session's transcript downloads from the Export menu
// with exactly the API's text; its JSON, imported into an emptied store from the sessions view,
// opens again; messages exported as mbox from the UI, deleted, and imported back through the
// file picker and by drag and drop, reappear, and export again byte for byte.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Download } from 'playwright-core';
import type { MessageSummary, Page as ApiPage, SessionSummary } from '../../shared/types.js';
import { screenshot } from '../helpers/browser.js';
import { waitFor } from '../helpers/mailtap.js';
import { openRoute, startE2E, type E2E } from './harness.js';
import { sendMail } from './mail.js';

describe('export and import from the GUI', () => {
  let e: E2E;
  let sessionId = '';
  const messages = () => e.mt.get<ApiPage<MessageSummary>>('/api/messages?limit=100');
  const downloaded = async (d: Download) => readFile((await d.path())!);

  before(async () => {
    e = await startE2E();
    for (const n of [1, 2, 3]) await sendMail(e.mt.smtpPort, { from: 'app@shop.test', to: 'dev@example.org', subject: `Order ${n}`, text: `From the start of a line\nOrder ${n} body.\n` });
    const s = await waitFor(async () => (await e.mt.get<ApiPage<SessionSummary>>('/api/sessions?protocol=smtp')).items.find((x) => x.endedAt !== null && x.messageIds.length), 8000, 'a closed session');
    sessionId = s.id;
  });
  after(async () => {
    await e?.close();
  });

  test('the session export menu offers the formats, with the tshark options a non-standard port needs', async () => {
    await openRoute(e, `#/sessions/${sessionId}`);
    await e.page.getByTestId('session-export').click();
    const items = e.page.getByTestId('session-export-items');
    await items.waitFor();
    for (const id of ['json', 'transcript', 'pcapng', 'pcapng-standard']) assert.equal(await e.page.getByTestId(`session-export-${id}`).count(), 1, id);
    assert.equal(await e.page.getByTestId('session-export-keylog').count(), 0, 'no key log for a plain session');
    assert.match(await e.page.getByTestId('tshark-hint').innerText(), new RegExp(`-d tcp\\.port==${e.mt.smtpPort},smtp -Y smtp`));
    await screenshot(e.page, 'session-export-menu');
  });

  test('the transcript downloads with exactly the API’s text', async () => {
    const [download] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId('session-export-transcript').click()]);
    const text = (await downloaded(download)).toString('utf8');
    const api = await e.mt.getRaw(`/api/sessions/${sessionId}/export?format=transcript`);
    assert.equal(text, api.body.toString('utf8'));
    assert.match(download.suggestedFilename(), /\.txt$/);
    assert.match(text, /^S: 220 /m);
    assert.match(text, /^C: MAIL FROM:<app@shop\.test>/m);
    assert.match(text, /^C: Subject: Order \d/m);
  });

  test('session JSON exported from the menu imports into an emptied store and opens', async () => {
    await e.page.getByTestId('session-export').click();
    const [download] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId('session-export-json').click()]);
    const path = (await download.path())!;
    assert.equal((await e.mt.request('DELETE', '/api/sessions')).status, 200);
    await openRoute(e, '#/sessions');
    await e.page.getByText('No sessions yet').waitFor();
    await e.page.getByTestId('import-session-input').setInputFiles(path);
    await e.page.waitForURL(new RegExp(`#/sessions/${sessionId}$`));
    await e.page.getByTestId('session-detail').waitFor();
    assert.equal(await e.page.locator(`[data-testid="session-row"][data-id="${sessionId}"]`).count(), 1);
    assert.ok(await e.page.locator('[data-testid="timeline-row"]').filter({ hasText: 'MAIL' }).count());
  });

  test('mbox: export all, delete, import through the picker, and it exports again byte for byte', async () => {
    await openRoute(e, '#/messages');
    await e.page.getByTestId('message-row').nth(2).waitFor();
    await e.page.getByTestId('messages-export').click();
    const [download] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId('messages-export-all').click()]);
    const mbox = await downloaded(download);
    assert.match(mbox.toString('utf8'), /^From app@shop\.test /);
    assert.equal(mbox.toString('utf8').match(/^From /gm)?.length, 3);
    assert.match(mbox.toString('utf8'), /^>From the start of a line/m, 'mboxrd quoting');

    await e.page.getByTestId('delete-all').click();
    await e.page.getByTestId('delete-all').click();
    await e.page.getByTestId('messages-empty').waitFor();
    await e.page.getByTestId('import-messages-input').setInputFiles({ name: 'orders.mbox', mimeType: 'application/mbox', buffer: mbox });
    await e.page.getByTestId('message-row').nth(2).waitFor();
    await e.page.getByTestId('import-file-result').waitFor();
    assert.match(await e.page.getByTestId('import-file-result').innerText(), /orders\.mbox \(mbox, .*\): 3 messages imported/);
    assert.equal((await messages()).total, 3);
    const again = await e.mt.getRaw('/api/messages.mbox');
    assert.ok(again.body.equals(mbox), 'the mbox round-trips byte for byte');
  });

  test('an .eml dropped on the list is imported, and the selected messages export on their own', async () => {
    const eml = 'From: dropped@example.test\r\nTo: dev@example.org\r\nSubject: Dropped in\r\n\r\nDragged from the desktop.\r\n';
    const drag = (type: 'dragenter' | 'drop') =>
      e.page.getByTestId('import-drop-zone').evaluate(
        (el, [text, kind]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([text!], 'dropped.eml', { type: 'message/rfc822' }));
          el.dispatchEvent(new DragEvent(kind!, { dataTransfer: dt, bubbles: true, cancelable: true }));
        },
        [eml, type],
      );
    await drag('dragenter');
    await e.page.locator('.drop-overlay').waitFor();
    await screenshot(e.page, 'messages-import');
    await drag('drop');
    await e.page.locator('.drop-overlay').waitFor({ state: 'detached' });
    await e.page.locator('[data-testid="message-row"]').filter({ hasText: 'Dropped in' }).waitFor();
    assert.match(await e.page.getByTestId('import-file-result').innerText(), /dropped\.eml \(eml, .*\): 1 message imported/);

    const rows = e.page.getByTestId('message-row');
    await rows.filter({ hasText: 'Dropped in' }).click({ modifiers: ['Control'] });
    await rows.filter({ hasText: 'Order 2' }).click({ modifiers: ['Control'] });
    assert.match(await e.page.getByTestId('message-count').innerText(), /2 selected/);
    await e.page.getByTestId('messages-export').click();
    const [download] = await Promise.all([e.page.waitForEvent('download'), e.page.getByTestId('messages-export-selected').click()]);
    const text = (await downloaded(download)).toString('utf8');
    assert.equal(text.match(/^From /gm)?.length, 2);
    assert.match(text, /Subject: Dropped in/);
    assert.match(text, /Subject: Order 2/);
    assert.doesNotMatch(text, /Subject: Order [13]/);
    assert.deepEqual(e.pageErrors(), []);
  });
});
