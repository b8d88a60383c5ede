// The proxy listeners view in a real browser: validation messages (the form's own and the
// API's), a listener made through the UI that relays to mailtap's own sink, mail sent through
// it with nodemailer showing up as a proxy session, and start, stop, edit and delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProxyListenerState, SessionSummary } from '../../shared/types.js';
import { screenshot } from '../helpers/browser.js';
import { waitFor } from '../helpers/mailtap.js';
import { startE2E, type E2E } from './harness.js';
import { sendMail } from './mail.js';

describe('proxy listeners', () => {
  let e: E2E;
  const row = (name: string) => e.page.locator(`[data-testid="listener-row"][data-name="${name}"]`);
  const listeners = () => e.mt.get<ProxyListenerState[]>('/api/listeners');

  before(async () => {
    e = await startE2E();
  });
  after(async () => {
    await e?.close();
  });

  test('an empty page explains listeners; the form reports bad fields before saving', async () => {
    await e.page.goto(e.url + '#/proxy');
    await e.page.getByTestId('listeners-empty').waitFor();
    assert.match(await e.page.getByTestId('listeners-empty').innerText(), /--proxy/);
    await e.page.getByTestId('add-listener').click();
    const form = e.page.getByTestId('listener-form');
    await form.waitFor();
    await e.page.getByTestId('lf-name').fill('');
    await e.page.getByTestId('lf-listen-port').fill('70000');
    await e.page.getByTestId('lf-upstream-host').fill('smtp example.com');
    await e.page.getByTestId('lf-upstream-port').fill('');
    assert.equal(await e.page.getByTestId('lf-max-connections').inputValue(), '4096', 'the default cap');
    await e.page.getByTestId('lf-max-connections').fill('0');
    await e.page.getByTestId('lf-save').click();
    const text = await form.innerText();
    assert.match(text, /A name is required/);
    assert.match(text, /A port is from 0 to 65535/);
    assert.match(text, /“smtp example\.com” is not a host name or an IP address/);
    assert.match(text, /The upstream port is required/);
    assert.match(text, /A whole number from 1 to 100,000/);
    assert.equal((await listeners()).length, 0, 'nothing was sent to the API');
    await screenshot(e.page, 'proxy-listener-form-validation');
    await e.page.getByTestId('lf-max-connections').fill('4096'); // the next test goes on with this form
  });

  test('a listener made in the form relays mail to the sink, and the session is a proxy session', async () => {
    await e.page.getByTestId('lf-name').fill('sink-relay');
    await e.page.getByTestId('lf-listen-port').fill('0');
    await e.page.getByTestId('lf-upstream-host').fill('127.0.0.1');
    await e.page.getByTestId('lf-upstream-port').fill(String(e.mt.smtpPort));
    await e.page.getByTestId('lf-upstream-tls').selectOption('none');
    await e.page.getByTestId('lf-save').click();
    await row('sink-relay').and(e.page.locator('[data-status="running"]')).waitFor();
    assert.equal(await e.page.getByTestId('listener-form').count(), 0, 'the form closes once saved');
    const [l] = await listeners();
    assert.equal(l!.running, true);
    assert.ok(l!.boundPort! > 0);
    assert.match(await row('sink-relay').getByTestId('listener-listen').innerText(), new RegExp(`127\\.0\\.0\\.1:${l!.boundPort}`));

    await sendMail(l!.boundPort!, { from: 'app@shop.test', to: 'buyer@example.org', subject: 'Through the proxy', text: 'relayed' });
    const proxied = await waitFor(async () => (await e.mt.get<{ items: SessionSummary[] }>('/api/sessions?role=proxy')).items.find((s) => s.endedAt !== null), 8000, 'a closed proxy session');
    assert.equal(proxied.upstream?.port, e.mt.smtpPort);
    await e.page.getByTestId('nav-sessions').click();
    const sessionRow = e.page.locator(`[data-testid="session-row"][data-id="${proxied.id}"]`);
    await sessionRow.waitFor();
    assert.match(await sessionRow.innerText(), /proxy/);
    await sessionRow.click();
    await e.page.locator('[data-testid="timeline-row"] .leg-upstream').first().waitFor();
    assert.ok(await e.page.locator('[data-testid="timeline-row"]').filter({ hasText: 'DATA' }).count());
  });

  test('a duplicate name gets the API’s message at the name field; a taken port shows the listener’s error', async () => {
    await e.page.getByTestId('nav-proxy').click();
    await e.page.getByTestId('add-listener').click();
    await e.page.getByTestId('lf-name').fill('sink-relay');
    await e.page.getByTestId('lf-upstream-host').fill('127.0.0.1');
    await e.page.getByTestId('lf-upstream-port').fill('25');
    await e.page.getByTestId('lf-save').click();
    const nameField = e.page.locator('.field').filter({ has: e.page.getByTestId('lf-name') });
    await nameField.locator('.field-error').waitFor();
    assert.match(await nameField.locator('.field-error').innerText(), /a listener named sink-relay exists/);
    // A port that is taken (the sink's own): the listener is saved but in error, with the reason.
    await e.page.getByTestId('lf-name').fill('port-clash');
    await e.page.getByTestId('lf-listen-port').fill(String(e.mt.smtpPort));
    await e.page.getByTestId('lf-client-tls').selectOption('starttls');
    await e.page.getByTestId('lf-upstream-host').fill('smtp.example.com');
    await e.page.getByTestId('lf-upstream-port').fill('587');
    await e.page.getByTestId('lf-upstream-tls').selectOption('starttls');
    await e.page.getByTestId('lf-save').click();
    await row('port-clash').and(e.page.locator('[data-status="error"]')).waitFor();
    assert.match(await e.page.getByTestId('listener-error').innerText(), /EADDRINUSE|in use/i);
    assert.match(await row('port-clash').innerText(), /STARTTLS[\s\S]*smtp\.example\.com:587[\s\S]*verify/);
    await screenshot(e.page, 'proxy-listeners');
  });

  test('stop, start, edit and delete', async () => {
    await row('sink-relay').getByTestId('listener-stop').click();
    await row('sink-relay').and(e.page.locator('[data-status="stopped"]')).waitFor();
    assert.equal((await listeners()).find((l) => l.name === 'sink-relay')!.running, false);
    await row('sink-relay').getByTestId('listener-start').click();
    await row('sink-relay').and(e.page.locator('[data-status="running"]')).waitFor();

    await row('port-clash').getByTestId('listener-edit').click();
    assert.equal(await e.page.getByTestId('lf-name').isDisabled(), true, 'a name cannot change');
    await e.page.getByTestId('lf-listen-port').fill('0');
    await e.page.getByTestId('lf-verify').uncheck();
    await e.page.getByTestId('lf-max-connections').fill('250');
    await e.page.getByTestId('lf-save').click();
    await e.page.getByTestId('listener-form').waitFor({ state: 'detached' });
    const edited = (await listeners()).find((l) => l.name === 'port-clash')!;
    assert.equal(edited.listenPort, 0);
    assert.equal(edited.verifyUpstream, false);
    assert.equal(edited.maxConnections, 250);
    await waitFor(async () => (await row('port-clash').innerText()).includes('no verify'), 5000, 'the row to show the edit');

    const del = row('port-clash').getByTestId('listener-delete');
    await del.click();
    assert.equal((await listeners()).length, 2, 'the first click only asks');
    await del.click();
    await row('port-clash').waitFor({ state: 'detached' });
    assert.deepEqual((await listeners()).map((l) => l.name), ['sink-relay']);
    assert.deepEqual(e.pageErrors(), []);
  });
});
