// An SMTP session in the browser: the session list, the timeline from greeting to QUIT with
// the codes the server really sent, keyboard navigation, and the wire view as text and hex.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { screenshot } from '../helpers/browser.js';
import { waitFor } from '../helpers/mailtap.js';
import { openRoute, startE2E, type E2E } from './harness.js';
import { sendMail } from './mail.js';
import { smtpDialogue, type Said } from './smtp-dialogue.js';

describe('sessions and the timeline', () => {
  let e: E2E;
  let said: Said[] = [];
  let sessionId = '';

  before(async () => {
    e = await startE2E();
  });
  after(async () => {
    await e?.close();
  });

  test('the session list shows SMTP sessions live', async () => {
    await e.page.goto(e.url + '#/sessions');
    await e.page.getByText('No sessions yet').waitFor();
    await sendMail(e.mt.smtpPort, { from: 'ci@build.test', to: 'dev@example.org', subject: 'Nightly build', text: 'ok' });
    said = await smtpDialogue(e.mt.smtpPort, [
      'EHLO client.example',
      'MAIL FROM:<alice@example.com>',
      'RCPT TO:<bob@example.org>',
      'DATA',
      'From: alice@example.com\nTo: bob@example.org\nSubject: Timeline test\n\nHello over raw SMTP.',
      'NOOP',
      'XYZZY',
      'RSET',
      'QUIT',
    ]);
    // More kinds of session for the list: STARTTLS with AUTH, and a client sending bare LFs.
    await sendMail(e.mt.smtpPort, {
      from: 'app@shop.test',
      to: 'orders@example.org',
      subject: 'Order #5512 confirmed',
      text: 'Thanks for your order.',
    }, { auth: { user: 'shop-app', pass: 's3cret-pa55' }, requireTLS: true });
    await smtpDialogue(e.mt.smtpPort, ['EHLO legacy.example', 'MAIL FROM:<cron@legacy.example>', 'RCPT TO:<ops@example.org>', 'DATA', 'Subject: cron output\n\nline one\nline two', 'QUIT'], { bareLf: true });
    await e.page.getByTestId('session-row').nth(3).waitFor();
    await e.page.locator('[data-testid="session-row"]').filter({ hasText: 'shop-app' }).waitFor();
    const sessions = await e.mt.get<{ items: Array<{ id: string; exchanges: number }> }>('/api/sessions');
    sessionId = sessions.items.find((x) => x.exchanges === 9)!.id;
    await waitFor(async () => (await e.mt.get<{ session: { endedAt: number | null } }>(`/api/sessions/${sessionId}`)).session.endedAt !== null, 5000, 'session end');
    const first = e.page.locator(`[data-testid="session-row"][data-id="${sessionId}"]`);
    assert.match(await first.innerText(), /SMTP/);
    assert.match(await first.innerText(), /127\.0\.0\.1:\d+/);
    const tlsRow = e.page.locator('[data-testid="session-row"]').filter({ hasText: 'shop-app' });
    assert.equal(await tlsRow.locator('.st-ok .icon').count(), 1, 'a TLS lock');
    await e.page.locator('[data-testid="session-row"] .st-warn').first().waitFor();
    await tlsRow.click();
    await e.page.locator('[data-testid="timeline-row"][data-kind="close"]').waitFor();
    await screenshot(e.page, 'sessions-list');
  });

  test('TLS, AUTH and warning markers: details expand, the secret is masked until revealed', async () => {
    const tls = e.page.locator('[data-testid="timeline-row"][data-kind="tls"]');
    await tls.click();
    await e.page.keyboard.press('Enter');
    assert.match(await tls.locator('.trow-detail').innerText(), /version\s+TLSv1\.[23]/);
    const auth = e.page.locator('[data-testid="timeline-row"][data-kind="auth"]');
    assert.match(await auth.innerText(), /AUTH\s+PLAIN\s+user\s+shop-app/);
    assert.doesNotMatch(await auth.innerText(), /s3cret-pa55/, 'the secret is not shown');
    assert.equal(await auth.getByTestId('auth-secret').innerText(), '••••••');
    await auth.getByTestId('auth-reveal').click();
    await auth.getByTestId('auth-secret').filter({ hasText: 's3cret-pa55' }).waitFor();
    await auth.getByTestId('auth-reveal').click();
    assert.doesNotMatch(await auth.getByTestId('auth-secret').innerText(), /s3cret-pa55/, 'hidden again');
    await screenshot(e.page, 'timeline-tls-auth');
    const legacy = e.page.locator('[data-testid="session-row"]').filter({ has: e.page.locator('.st-warn') });
    await legacy.click();
    const warning = e.page.locator('[data-testid="timeline-row"][data-kind="warning"]');
    await warning.waitFor();
    assert.match(await warning.innerText(), /bare LF/);
  });

  test('the timeline shows every exchange from the greeting to QUIT, with the codes sent', async () => {
    await e.page.locator(`[data-testid="session-row"][data-id="${sessionId}"]`).click();
    await e.page.getByTestId('timeline').waitFor();
    await e.page.locator('[data-testid="timeline-row"][data-kind="close"]').waitFor();
    const rows = await e.page.locator('[data-testid="timeline-row"][data-kind="exchange"]').evaluateAll((els) =>
      els.map((el) => ({
        verb: el.querySelector('.t-verb')?.textContent ?? null,
        code: el.querySelector('[data-testid="reply-code"]')?.textContent ?? '',
        cls: el.querySelector('[data-testid="reply-code"] .code')?.className ?? '',
      })),
    );
    // DATA shows its intermediate reply before the final one: "354→250".
    const expected = said.map((s) => ({ verb: s.command ? s.command.split(' ')[0]! : null, code: s.codes.join('→') }));
    assert.deepEqual(
      rows.map(({ verb, code }) => ({ verb, code })),
      expected,
    );
    assert.deepEqual(expected.map((x) => x.code), ['220', '250', '250', '250', '354→250', '250', '500', '250', '221']);
    const cls = (verb: string | null) => rows.find((r) => r.verb === verb)!.cls;
    assert.match(cls(null), /st-ok/);
    assert.match(cls('XYZZY'), /st-err/, '5xx is red');
    assert.match(cls('QUIT'), /st-ok/);
    const kinds = await e.page.getByTestId('timeline-row').evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')));
    assert.equal(kinds[0], 'connect');
    assert.equal(kinds[kinds.length - 1], 'close');
    assert.ok(kinds.includes('message'), 'a message-captured marker');
    await e.page.locator('[data-testid="captured-message-link"]').waitFor();
  });

  test('keyboard: j/k move the selection, Enter expands a multi-line reply', async () => {
    const list = e.page.getByTestId('timeline-list');
    await list.focus();
    await e.page.keyboard.press('j'); // connect
    await e.page.keyboard.press('j'); // greeting
    await e.page.keyboard.press('j'); // EHLO
    const selected = e.page.locator('[data-testid="timeline-row"][aria-selected="true"]');
    assert.equal(await selected.locator('.t-verb').innerText(), 'EHLO');
    await e.page.keyboard.press('Enter');
    await e.page.locator('[data-testid="timeline-row"][aria-expanded="true"] .trow-detail').waitFor();
    const detail = await e.page.locator('[data-testid="timeline-row"][aria-expanded="true"] .trow-detail').innerText();
    const ehlo = said[1]!.lines;
    for (const l of ehlo) assert.ok(detail.includes(l.slice(4)), `expanded detail shows "${l}"`);
    await e.page.keyboard.press('k');
    assert.equal(await selected.locator('.t-cmd').innerText(), 'greeting');
    // Expand the DATA exchange too: its 354 and 250 both show.
    await e.page.locator('[data-testid="timeline-row"]').filter({ has: e.page.locator('.t-verb', { hasText: /^DATA$/ }) }).dblclick();
    const data = await e.page.locator('[data-testid="timeline-row"][aria-expanded="true"]').filter({ hasText: 'DATA' }).innerText();
    assert.match(data, /354/);
    assert.match(data, /250/);
    await screenshot(e.page, 'timeline');
  });

  test('the wire view shows both directions as text and as hex', async () => {
    await openRoute(e, `#/sessions/${sessionId}/wire`);
    await e.page.getByTestId('wire-view').waitFor();
    await e.page.locator('.wline.c2s').filter({ hasText: 'EHLO client.example' }).waitFor();
    const first = await e.page.locator('.wline').first().innerText();
    assert.match(first, /^220 /);
    assert.ok((await e.page.locator('.wline.s2c').count()) > 3);
    assert.ok(await e.page.locator('.wline.c2s').filter({ hasText: 'Subject: Timeline test' }).count());
    assert.ok(await e.page.locator('.wline.c2s').filter({ hasText: /^\s*QUIT/ }).count());
    await screenshot(e.page, 'wire-view');
    await e.page.getByTestId('wire-hex').click();
    const hex = await e.page.locator('.wline').first().innerText();
    assert.match(hex, /^00000000 {2}32 32 30 20/, '"220 " in hex');
    await screenshot(e.page, 'wire-view-hex');
    assert.deepEqual(e.pageErrors(), []);
  });

  test('Delete asks once more, then removes the session and goes back to the list', async () => {
    await openRoute(e, `#/sessions/${sessionId}`);
    const del = e.page.getByTestId('delete-session');
    await del.click();
    assert.equal(await del.innerText(), 'Delete?');
    assert.equal((await e.mt.request('GET', `/api/sessions/${sessionId}`)).status, 200, 'not before the second click');
    await del.click();
    await waitFor(() => new URL(e.page.url()).hash === '#/sessions', 5000, 'back to the list');
    assert.equal((await e.mt.request('GET', `/api/sessions/${sessionId}`)).status, 404);
    await waitFor(async () => (await e.page.locator(`[data-testid="session-row"][data-id="${sessionId}"]`).count()) === 0, 5000, 'gone from the list');
    assert.deepEqual(e.pageErrors(), []);
  });
});
