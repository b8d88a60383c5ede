// Logins by real clients against the sink, checked through the HTTP API: curl's OAuth 2.0
// bearer logins (--oauth2-bearer: OAUTHBEARER, RFC 7628, or XOAUTH2) over SMTP, POP3 and IMAP,
// refused through the RFC 7628 §3.2.2 error challenge when credentials are configured; and
// IMAP LOGIN with literals (RFC 3501 §4.3, LITERAL+ RFC 7888) and with Python imaplib's quoted
// password. The timeline names the user and masks the secret; sessions.secret reveals it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { AuthSecret, SessionDetail } from '../../shared/api.js';
import type { AuthEvent, ExchangeEvent, Page, Protocol, SessionSummary } from '../../shared/types.js';
import { RawImap } from '../helpers/imap-client.js';
import { startTestMailtap, waitFor, type TestMailtap } from '../helpers/mailtap.js';
import { run } from '../helpers/run.js';

const TOKEN = 'ya29.a0AfH6SMBtest-Token_123';
const USER = 'alice@example.com';
const tmp = mkdtempSync(join(tmpdir(), 'mailtap-auth-clients-'));
let mt: TestMailtap;
const seen = new Set<string>();

before(async () => {
  mt = await startTestMailtap();
});
after(async () => {
  await mt.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The next session of `protocol` to close that no earlier test looked at, with its events. */
async function nextSession(protocol: Protocol): Promise<SessionDetail> {
  const s = await waitFor(async () => (await mt.get<Page<SessionSummary>>(`/api/sessions?protocol=${protocol}&limit=100`)).items.find((x) => x.endedAt !== null && !seen.has(x.id)), 8000, `a closed ${protocol} session`);
  seen.add(s.id);
  return mt.get<SessionDetail>(`/api/sessions/${s.id}?limit=5000`);
}

/** Its one auth event and what sessions.secret reveals of it; the timeline must not hold the secret. */
async function authOf(d: SessionDetail, secret: string): Promise<{ auth: AuthEvent; revealed: AuthSecret }> {
  const auths = d.events.items.filter((e): e is AuthEvent => e.kind === 'auth');
  assert.equal(auths.length, 1, JSON.stringify(d.events.items));
  assert.ok(!JSON.stringify(d).includes(secret), 'the secret is not in the API view of the session');
  const revealed = await mt.get<AuthSecret>(`/api/sessions/${d.session.id}/secret/${auths[0]!.seq}`);
  return { auth: auths[0]!, revealed };
}

function curl(url: string, ...args: string[]) {
  return run('curl', ['-sS', '--max-time', '20', url, '--user', USER, ...args]);
}

describe('OAuth 2.0 bearer tokens', () => {
  const mail = join(tmp, 'mail.eml');
  writeFileSync(mail, 'From: a@example.com\r\nTo: b@example.com\r\nSubject: oauth\r\n\r\nhello\r\n');
  const cases: Array<{ protocol: Protocol; url: () => string; args: string[] }> = [
    { protocol: 'smtp', url: () => `smtp://127.0.0.1:${mt.smtpPort}`, args: ['--mail-from', 'a@example.com', '--mail-rcpt', 'b@example.com', '--upload-file', mail] },
    { protocol: 'imap', url: () => `imap://127.0.0.1:${mt.imapPort}/`, args: [] },
    { protocol: 'pop3', url: () => `pop3://127.0.0.1:${mt.pop3Port}/`, args: [] },
  ];
  // curl 7.88 takes OAUTHBEARER whenever it is advertised (--login-options AUTH=XOAUTH2 does
  // not change that), so XOAUTH2 comes from nodemailer and imaplib below.
  for (const c of cases)
    test(`curl --oauth2-bearer, ${c.protocol}: OAUTHBEARER, the user shown, the token masked and revealed`, async () => {
      const r = await curl(c.url(), '--oauth2-bearer', TOKEN, ...c.args);
      assert.equal(r.code, 0, r.stderr);
      const { auth, revealed } = await authOf(await nextSession(c.protocol), TOKEN);
      assert.deepEqual([auth.mechanism, auth.user, auth.ok], ['OAUTHBEARER', USER, true]);
      assert.match(auth.secretMasked ?? '', /^•+$/);
      assert.deepEqual([revealed.user, revealed.secret, revealed.kind], [USER, TOKEN, 'token']);
    });

  test('curl, credentials configured: a wrong token is refused after the error challenge, in each protocol', async () => {
    await mt.request('PATCH', '/api/settings', { smtp: { credentials: [{ user: USER, password: TOKEN }] } });
    try {
      for (const c of cases) {
        const bad = await curl(c.url(), '--oauth2-bearer', 'not-the-token', ...c.args);
        assert.equal(bad.code, 67, `${c.protocol}: curl says the login was denied: ${bad.stderr}`);
        const d = await nextSession(c.protocol);
        const { auth, revealed } = await authOf(d, 'not-the-token');
        assert.deepEqual([auth.mechanism, auth.user, auth.ok], ['OAUTHBEARER', USER, false], c.protocol);
        // The AUTH exchange went through the JSON error challenge (RFC 7628 §3.2.2) before failing.
        const ex = d.events.items.find((e): e is ExchangeEvent => e.kind === 'exchange' && /^AUTH/.test(e.command?.verb ?? ''))!;
        const challenges = ex.replies.flatMap((r) => r.lines).map((l) => Buffer.from(l.text, 'base64').toString());
        assert.ok(challenges.some((t) => t.startsWith('{') && JSON.parse(t).status === 'invalid_token'), JSON.stringify(ex.replies));
        assert.equal(revealed.secret, 'not-the-token', 'the dummy answer to the error challenge does not hide the token');
        const good = await curl(c.url(), '--oauth2-bearer', TOKEN, ...c.args);
        assert.equal(good.code, 0, `${c.protocol}: ${good.stderr}`);
        assert.equal((await authOf(await nextSession(c.protocol), TOKEN)).auth.ok, true);
      }
    } finally {
      await mt.request('PATCH', '/api/settings', { smtp: { credentials: [] } });
    }
  });

  test('nodemailer OAuth2 over STARTTLS: SMTP XOAUTH2', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mt.smtpPort,
      secure: false,
      requireTLS: true,
      auth: { type: 'OAuth2', user: USER, accessToken: TOKEN },
      tls: { rejectUnauthorized: false },
    });
    await transport.sendMail({ from: USER, to: 'b@example.com', subject: 'xoauth2', text: 'hi' });
    transport.close();
    const d = await nextSession('smtp');
    assert.equal(d.session.tls, true);
    const { auth, revealed } = await authOf(d, TOKEN);
    assert.deepEqual([auth.mechanism, auth.user, auth.ok], ['XOAUTH2', USER, true]);
    assert.deepEqual([revealed.secret, revealed.kind], [TOKEN, 'token']);
  });

  test('Python imaplib authenticate: IMAP XOAUTH2', async () => {
    const script = [
      'import imaplib,sys',
      'M=imaplib.IMAP4("127.0.0.1",int(sys.argv[1]))',
      'print(M.authenticate("XOAUTH2",lambda _: ("user=%s\\1auth=Bearer %s\\1\\1" % (sys.argv[2],sys.argv[3])).encode())[0])',
      'M.logout()',
    ].join('\n');
    const r = await run('python3', ['-c', script, String(mt.imapPort), USER, TOKEN]);
    assert.equal(r.code, 0, r.stderr);
    const { auth, revealed } = await authOf(await nextSession('imap'), TOKEN);
    assert.deepEqual([auth.mechanism, auth.user, auth.ok, revealed.secret], ['XOAUTH2', USER, true, TOKEN]);
  });

  test('imapflow accessToken: OAUTHBEARER with "," and "=" escaped in the authzid (RFC 5801 §5.1)', async () => {
    const user = 'ops,dev=1@example.com';
    const client = new ImapFlow({ host: '127.0.0.1', port: mt.imapPort, secure: false, auth: { user, accessToken: TOKEN }, logger: false, doSTARTTLS: false });
    await client.connect();
    await client.logout();
    const { auth, revealed } = await authOf(await nextSession('imap'), TOKEN);
    assert.deepEqual([auth.mechanism, auth.user, auth.ok, revealed.user, revealed.secret], ['OAUTHBEARER', user, true, user, TOKEN]);
  });
});

describe('IMAP LOGIN arguments', () => {
  test('a synchronising literal password, and LITERAL+ user and password, on a raw socket', async () => {
    const password = 'p@ss "w0rd" {x}\\';
    const c = await RawImap.open(mt.imapPort);
    c.write(`a1 LOGIN alice {${Buffer.byteLength(password)}}\r\n`);
    assert.match(await c.next(), /^\+ /);
    c.write(`${password}\r\n`);
    assert.match(await c.next(), /^a1 OK /);
    c.write('a2 LOGOUT\r\n');
    c.close();
    const sync = await authOf(await nextSession('imap'), password);
    assert.deepEqual([sync.auth.user, sync.auth.ok, sync.auth.secretMasked], ['alice', true, '•'.repeat(12)]);
    assert.deepEqual([sync.revealed.secret, sync.revealed.kind, sync.revealed.note], [password, 'password', null]);

    const p = await RawImap.open(mt.imapPort);
    p.write(`b1 LOGIN {${USER.length}+}\r\n${USER} {6+}\r\nsëcret\r\n`.replace('{6+}', `{${Buffer.byteLength('sëcret')}+}`));
    assert.match(await p.next(), /^b1 OK /);
    p.close();
    const plus = await authOf(await nextSession('imap'), 'sëcret');
    assert.deepEqual([plus.auth.user, plus.revealed.user, plus.revealed.secret], [USER, USER, 'sëcret']);
  });

  test('Python imaplib login() quotes the password with escapes', async () => {
    const password = 'quo"te\\back slash';
    const script = 'import imaplib,sys\nM=imaplib.IMAP4("127.0.0.1",int(sys.argv[1]))\nprint(M.login("bob@example.test",sys.argv[2])[0])\nM.logout()\n';
    const r = await run('python3', ['-c', script, String(mt.imapPort), password]);
    assert.equal(r.code, 0, r.stderr);
    const { auth, revealed } = await authOf(await nextSession('imap'), 'back slash');
    assert.deepEqual([auth.user, auth.ok], ['bob@example.test', true]);
    assert.equal(revealed.secret, password);
  });
});
