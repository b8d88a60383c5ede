// Timeline details in a real browser: revealing the password of a swaks AUTH session (decoded
// again from the wire log), the upstream certificate chain of a proxied STARTTLS session, and
// a DATA payload with its bytes, its size, a link to the decoded message and "show all".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { CaInfo, MessageSummary, ProxyListenerState, SessionSummary } from '../../shared/types.js';
import { screenshot } from '../helpers/browser.js';
import { waitFor } from '../helpers/mailtap.js';
import { openRoute, startE2E, type E2E } from './harness.js';
import { sendMail } from './mail.js';

const run = promisify(execFile);
const PASSWORD = 'Tr0ub4dor&3 horse';

describe('timeline details: AUTH reveal, TLS chain, payloads', () => {
  let e: E2E;
  const sessions = async () => (await e.mt.get<{ items: SessionSummary[] }>('/api/sessions?limit=100')).items;
  const row = (kind: string) => e.page.locator(`[data-testid="timeline-row"][data-kind="${kind}"]`);

  before(async () => {
    e = await startE2E({ width: 1440, height: 900 });
  });
  after(async () => {
    await e?.close();
  });

  test('reveal shows the password a swaks AUTH LOGIN sent over STARTTLS; hide masks it again', async () => {
    await run('swaks', ['--server', `127.0.0.1:${e.mt.smtpPort}`, '--from', 'deploy@ci.test', '--to', 'ops@example.org', '--tls', '--auth', 'LOGIN', '--auth-user', 'deploy-bot', '--auth-password', PASSWORD, '--h-Subject', 'Release 4.2 is out', '--timeout', '10'], { timeout: 20_000 });
    const s = await waitFor(async () => (await sessions()).find((x) => x.user === 'deploy-bot' && x.endedAt !== null), 8000, 'the swaks session');
    await openRoute(e, `#/sessions/${s.id}`);
    const auth = row('auth');
    await auth.waitFor();
    assert.match(await auth.innerText(), /AUTH\s+LOGIN\s+user\s+deploy-bot/);
    assert.equal(await auth.getByTestId('auth-secret').innerText(), '••••••');
    assert.doesNotMatch(await e.page.getByTestId('timeline').innerText(), /Tr0ub4dor/, 'masked everywhere until asked');
    await auth.getByTestId('auth-reveal').click();
    await waitFor(async () => (await auth.getByTestId('auth-secret').innerText()) === PASSWORD, 5000, 'the revealed password');
    assert.equal(await auth.getByTestId('auth-reveal').getAttribute('aria-pressed'), 'true');
    await auth.locator('.t-time').click();
    await screenshot(e.page, 'timeline-auth-reveal');
    await auth.getByTestId('auth-reveal').click();
    assert.equal(await auth.getByTestId('auth-secret').innerText(), '••••••');
  });

  test('an OAuth login from curl shows its user and a masked bearer token, revealed on request', async () => {
    const token = 'ya29.a0AfB_byC-dev-token-42';
    const mail = join(await mkdtemp(join(tmpdir(), 'mailtap-e2e-oauth-')), 'mail.eml');
    await writeFile(mail, 'From: ci@build.test\r\nTo: ops@example.org\r\nSubject: Nightly build green\r\n\r\nAll 412 checks passed.\r\n');
    await run('curl', ['-sS', '--max-time', '10', `smtp://127.0.0.1:${e.mt.smtpPort}`, '--mail-from', 'ci@build.test', '--mail-rcpt', 'ops@example.org', '--user', 'ci-bot@build.test', '--oauth2-bearer', token, '--upload-file', mail], { timeout: 20_000 });
    await rm(dirname(mail), { recursive: true });
    const s = await waitFor(async () => (await sessions()).find((x) => x.user === 'ci-bot@build.test' && x.endedAt !== null), 8000, 'the curl session');
    await openRoute(e, `#/sessions/${s.id}`);
    const auth = row('auth');
    await auth.waitFor();
    assert.match(await auth.innerText(), /AUTH\s+(OAUTHBEARER|XOAUTH2)\s+user\s+ci-bot@build\.test\s+bearer token/);
    assert.doesNotMatch(await e.page.getByTestId('timeline').innerText(), /ya29/, 'the token is masked everywhere until asked');
    await auth.getByTestId('auth-reveal').click();
    await waitFor(async () => (await auth.getByTestId('auth-secret').innerText()) === token, 5000, 'the revealed token');
    await screenshot(e.page, 'timeline-auth-oauth');
  });

  test('a proxied STARTTLS session shows the upstream chain, verified against the local CA', async () => {
    const ca = await e.mt.get<CaInfo>('/api/ca');
    await e.mt.request('PATCH', '/api/settings', { tls: { upstreamCaFile: ca.certPath } });
    const created = await e.mt.request('POST', '/api/listeners', { name: 'tls-upstream', protocol: 'smtp', listenHost: '127.0.0.1', listenPort: 0, clientTls: 'none', upstreamHost: '127.0.0.1', upstreamPort: e.mt.smtpPort, upstreamTls: 'starttls', servername: 'localhost', verifyUpstream: true });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const l = created.json as ProxyListenerState;
    await sendMail(l.boundPort!, { from: 'app@shop.test', to: 'buyer@example.org', subject: 'Receipt', text: 'Thanks.' });
    const s = await waitFor(async () => (await sessions()).find((x) => x.role === 'proxy' && x.endedAt !== null), 8000, 'the proxy session');
    await openRoute(e, `#/sessions/${s.id}`);
    const tls = row('tls').filter({ has: e.page.locator('.leg-upstream') });
    await tls.waitFor();
    await tls.click();
    await e.page.keyboard.press('Enter');
    const detail = tls.getByTestId('tls-detail');
    await detail.waitFor();
    const text = await detail.innerText();
    assert.match(text, /version\s+TLSv1\.[23]/);
    assert.match(text, /cipher\s+\S+/);
    assert.match(text, /SNI\s+localhost/);
    assert.match(await detail.getByTestId('tls-verified').innerText(), /verified/);
    const certs = detail.getByTestId('tls-cert');
    assert.equal(await certs.count(), 2, 'the leaf and the local CA');
    assert.match(await certs.nth(0).innerText(), /#0 leaf[\s\S]*issuer[\s\S]*mailtap local CA[\s\S]*SHA-256\s+([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    assert.match(await certs.nth(0).innerText(), /names\s+.*localhost/);
    const caFp = ca.fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
    assert.equal((await certs.nth(1).locator('.fp').innerText()).replace(/:/g, ''), caFp, 'the top of the chain is the local CA');
    await screenshot(e.page, 'timeline-tls-chain');
  });

  test('a DATA payload expands with its bytes, its size and the decoded message; show all loads the rest', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `Line ${String(i + 1).padStart(3, '0')} of the quarterly report, padded to make it long.`);
    await sendMail(e.mt.smtpPort, { from: 'reports@acme.test', to: 'cfo@example.org', subject: 'Quarterly report', text: lines.join('\n') + '\nEND-OF-REPORT' });
    const m = await waitFor(async () => (await e.mt.get<{ items: MessageSummary[] }>('/api/messages?subject=Quarterly')).items[0], 8000, 'the report');
    const s = await waitFor(async () => (await sessions()).find((x) => x.id === m.sessionId && x.endedAt !== null), 8000, 'its session');
    await openRoute(e, `#/sessions/${s.id}`);
    const data = e.page.locator('[data-testid="timeline-row"]').filter({ has: e.page.locator('.t-verb', { hasText: /^DATA$/ }) });
    await data.waitFor();
    // Keyboard: move to the DATA row with j, expand it with Enter.
    const list = e.page.getByTestId('timeline-list');
    await list.focus();
    const index = Number(await data.getAttribute('data-index'));
    for (let i = 0; i <= index; i++) await e.page.keyboard.press('j');
    assert.equal(await data.getAttribute('aria-selected'), 'true');
    await e.page.keyboard.press('Enter');
    const detail = data.getByTestId('payload-detail');
    await detail.waitFor();
    const size = await detail.getByTestId('payload-size').innerText();
    const exact = (await detail.getByTestId('payload-size').getAttribute('title'))!;
    const length = Number(/^([\d,]+) bytes/.exec(exact)![1]!.replace(/,/g, ''));
    assert.ok(length > 20_000, `a large DATA body (${length} bytes)`);
    assert.match(size, /DATA body/);
    const bytes = detail.getByTestId('payload-bytes');
    await waitFor(async () => (await bytes.innerText()).includes('Subject: Quarterly report'), 5000, 'the preview');
    assert.doesNotMatch(await bytes.innerText(), /END-OF-REPORT/, 'only a preview at first');
    assert.match(await detail.getByTestId('payload-truncated').innerText(), /8\.0 KB of \d+ KB shown/);
    await screenshot(e.page, 'timeline-data-payload');
    await detail.getByTestId('payload-show-all').click();
    await waitFor(async () => (await bytes.innerText()).includes('END-OF-REPORT'), 5000, 'the whole payload');
    assert.equal(await detail.getByTestId('payload-truncated').count(), 0);
    const link = detail.getByTestId('payload-message-link');
    assert.equal(await link.getAttribute('href'), `#/messages/${s.messageIds[0]}`);
    await detail.getByTestId('payload-hex').click();
    assert.match(await bytes.innerText(), /^[0-9a-f]{8} {2}([0-9a-f]{2} ){8} ([0-9a-f]{2} ){8}/);
    await link.click();
    await e.page.getByTestId('message-detail').or(e.page.locator('.msg-detail')).first().waitFor();
    assert.match(e.page.url(), new RegExp(`#/messages/${s.messageIds[0]}`));
  });

  test('the session list and header show the slowest exchange', async () => {
    await openRoute(e, '#/sessions');
    const latencies = e.page.getByTestId('session-max-latency');
    await latencies.first().waitFor();
    assert.match(await latencies.first().innerText(), /^max \d/);
    await e.page.getByTestId('theme-toggle').click();
    const s = (await sessions()).find((x) => x.user === 'deploy-bot')!;
    assert.ok(s.maxLatencyUs! > 0);
    await openRoute(e, `#/sessions/${s.id}`);
    await e.page.getByTestId('session-header').filter({ hasText: 'slowest' }).waitFor();
    const auth = row('auth');
    await auth.getByTestId('auth-reveal').click();
    await waitFor(async () => (await auth.getByTestId('auth-secret').innerText()) === PASSWORD, 5000, 'the revealed password');
    await screenshot(e.page, 'timeline-auth-reveal-dark');
    assert.deepEqual(e.pageErrors(), []);
  });
});
