// The OAuth 2.0 bearer mechanisms, XOAUTH2 and OAUTHBEARER (RFC 7628), and what the dissectors
// show of mechanisms they cannot parse: decoders as tables, the sink's side of the exchange
// (accepted, or refused through the RFC 7628 §3.2.2 error challenge), and the SMTP, POP3 and
// IMAP dissectors over whole dialogues, fed whole and one byte at a time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDissector } from '../../main/core/protocols/dissector.js';
import { decodeOauthBearer, decodeSaslname, decodeXoauth2, observeSaslResponse, type SaslSeen } from '../../main/core/protocols/sasl-decode.js';
import { BEARER_ERROR_CHALLENGE, SaslServer, type SaslResult } from '../../main/core/protocols/sasl-server.js';
import type { AuthEvent, Protocol, TimelineEventInput } from '../../shared/types.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const TOKEN = 'ya29.a0AfH6SMB-secret_token.value';
const xoauth2 = (user: string, token = TOKEN): string => `user=${user}\x01auth=Bearer ${token}\x01\x01`;
/** RFC 7628 §3.1, as curl sends it: gs2-header, host, port, auth, then the closing ^A. */
const oauthbearer = (authzid: string | null, token = TOKEN): string =>
  `n,${authzid === null ? '' : `a=${authzid}`},\x01host=mx.example.test\x01port=587\x01auth=Bearer ${token}\x01\x01`;

describe('SASL bearer decoding', () => {
  const rows: Array<{ name: string; mech: 'XOAUTH2' | 'OAUTHBEARER'; text: string; want: { user: string | null; token: string } | null }> = [
    { name: 'XOAUTH2', mech: 'XOAUTH2', text: xoauth2('alice@example.com'), want: { user: 'alice@example.com', token: TOKEN } },
    { name: 'XOAUTH2, keys in any order and case', mech: 'XOAUTH2', text: `AUTH=bearer ${TOKEN}\x01User=a@b\x01\x01`, want: { user: 'a@b', token: TOKEN } },
    { name: 'XOAUTH2 without the user', mech: 'XOAUTH2', text: `auth=Bearer ${TOKEN}\x01\x01`, want: null },
    { name: 'XOAUTH2 with a Basic scheme', mech: 'XOAUTH2', text: 'user=a\x01auth=Basic YTpi\x01\x01', want: null },
    { name: 'XOAUTH2 as empty', mech: 'XOAUTH2', text: '', want: null },
    { name: 'OAUTHBEARER (RFC 7628 §4.1)', mech: 'OAUTHBEARER', text: oauthbearer('user@example.com'), want: { user: 'user@example.com', token: TOKEN } },
    { name: 'OAUTHBEARER authzid with =2C and =3D (RFC 5801 §5.1)', mech: 'OAUTHBEARER', text: oauthbearer('a=2Cb=3Dc@x'), want: { user: 'a,b=c@x', token: TOKEN } },
    { name: 'OAUTHBEARER without authzid', mech: 'OAUTHBEARER', text: oauthbearer(null), want: { user: null, token: TOKEN } },
    { name: 'OAUTHBEARER with a bad escape', mech: 'OAUTHBEARER', text: oauthbearer('a=41b'), want: null },
    { name: 'OAUTHBEARER, the dummy answer to an error (§3.2.3)', mech: 'OAUTHBEARER', text: '\x01', want: null },
    { name: 'OAUTHBEARER without gs2 header', mech: 'OAUTHBEARER', text: `\x01auth=Bearer ${TOKEN}\x01\x01`, want: null },
    { name: 'OAUTHBEARER without auth', mech: 'OAUTHBEARER', text: 'n,a=u,\x01host=h\x01\x01', want: null },
  ];
  for (const r of rows) test(r.name, () => assert.deepEqual((r.mech === 'XOAUTH2' ? decodeXoauth2 : decodeOauthBearer)(r.text), r.want));

  test('saslname escapes: strict for the server, lenient for the dissector', () => {
    assert.equal(decodeSaslname('x=2Cy=3d'), 'x,y=');
    assert.equal(decodeSaslname('x=y'), null);
    assert.equal(decodeSaslname('x=y=2C', false), 'x=y,');
    assert.equal(decodeSaslname('=3D2C'), '=2C', 'decoded once, left to right');
  });
});

describe('observeSaslResponse', () => {
  const seen = (mechanism: string, ...responses: string[]): SaslSeen => {
    const a: SaslSeen = { mechanism, user: null, secret: null, responses: 0 };
    for (const r of responses) observeSaslResponse(a, r);
    return a;
  };
  const rows: Array<{ name: string; mech: string; responses: string[]; user: string | null; secret: string | null }> = [
    { name: 'XOAUTH2 initial response', mech: 'XOAUTH2', responses: [b64(xoauth2('alice@example.com'))], user: 'alice@example.com', secret: TOKEN },
    { name: 'XOAUTH2 after an empty challenge', mech: 'XOAUTH2', responses: ['', b64(xoauth2('bob'))], user: 'bob', secret: TOKEN },
    { name: 'XOAUTH2: the empty answer to the error challenge keeps the login', mech: 'XOAUTH2', responses: [b64(xoauth2('bob')), ''], user: 'bob', secret: TOKEN },
    { name: 'OAUTHBEARER: AQ== after the error challenge keeps the login', mech: 'OAUTHBEARER', responses: [b64(oauthbearer('carol')), 'AQ=='], user: 'carol', secret: TOKEN },
    { name: 'OAUTHBEARER escaped authzid', mech: 'OAUTHBEARER', responses: [b64(oauthbearer('d=2Ce'))], user: 'd,e', secret: TOKEN },
    // curl 7.88 sends the user unescaped: what went by is still shown, and the token still masked.
    { name: 'OAUTHBEARER authzid with a bare "="', mech: 'OAUTHBEARER', responses: [b64(oauthbearer('u;AUTH=X'))], user: 'u;AUTH=X', secret: TOKEN },
    { name: 'SCRAM: the user of client-first, no secret', mech: 'SCRAM-SHA-256', responses: [b64('n,,n=user=2C1,r=rOprNGfwEbeRWgbNEkqO')], user: 'user,1', secret: null },
    { name: 'EXTERNAL: the authzid', mech: 'EXTERNAL', responses: [b64('dave')], user: 'dave', secret: null },
    // Unknown mechanisms: nothing decoded is shown, not even as a user.
    { name: 'an unknown mechanism carrying a bearer token', mech: 'X-TOKEN', responses: [b64(xoauth2('eve'))], user: null, secret: null },
    { name: 'an unknown mechanism carrying NUL-separated text', mech: 'X-PASS', responses: [b64('\0frank\0hunter2')], user: null, secret: null },
    { name: 'GSSAPI blob', mech: 'GSSAPI', responses: ['YIIBzQYJKoZIhvcSAQICAQBuggG8'], user: null, secret: null },
    { name: 'EXTERNAL that is not a name', mech: 'EXTERNAL', responses: [b64('auth=Bearer x')], user: null, secret: null },
  ];
  for (const r of rows)
    test(r.name, () => {
      const a = seen(r.mech, ...r.responses);
      assert.deepEqual([a.user, a.secret], [r.user, r.secret]);
    });
});

describe('SaslServer bearer mechanisms', () => {
  const creds = [{ user: 'alice@example.com', password: TOKEN }];
  const run = (mech: string, credentials: typeof creds, initial: string | null, ...lines: string[]): SaslResult[] => {
    const s = new SaslServer(mech, credentials, () => '<1@t>');
    const out = [s.begin(initial)];
    for (const l of lines) out.push(s.respond(l));
    return out;
  };

  for (const mech of ['XOAUTH2', 'OAUTHBEARER']) {
    const ir = (user: string, token = TOKEN): string => b64(mech === 'XOAUTH2' ? xoauth2(user, token) : oauthbearer(user, token));
    test(`${mech}: any token without credentials, initial response or after an empty challenge`, () => {
      assert.deepEqual(run(mech, [], ir('x@y', 'anything')), [{ type: 'done', user: 'x@y', ok: true }]);
      assert.deepEqual(run(mech, [], null, ir('x@y')), [{ type: 'challenge', challenge: '' }, { type: 'done', user: 'x@y', ok: true }]);
    });
    test(`${mech}: the configured password is the token`, () => {
      assert.deepEqual(run(mech, creds, ir('alice@example.com')), [{ type: 'done', user: 'alice@example.com', ok: true }]);
    });
    test(`${mech}: a wrong token gets the JSON error challenge, then fails (RFC 7628 §3.2.2)`, () => {
      const r = run(mech, creds, ir('alice@example.com', 'wrong'), 'AQ==');
      assert.deepEqual(r, [{ type: 'challenge', challenge: BEARER_ERROR_CHALLENGE }, { type: 'done', user: 'alice@example.com', ok: false }]);
      assert.equal(JSON.parse(Buffer.from(BEARER_ERROR_CHALLENGE, 'base64').toString()).status, 'invalid_token');
    });
    test(`${mech}: malformed, and cancelled at the error challenge`, () => {
      assert.deepEqual(run(mech, [], b64('user=a')), [{ type: 'error', reason: 'malformed' }]);
      assert.deepEqual(run(mech, creds, ir('alice@example.com', 'wrong'), '*')[1], { type: 'error', reason: 'cancelled' });
    });
  }

  test('OAUTHBEARER without authzid logs in as the configured user whose token it is', () => {
    assert.deepEqual(run('OAUTHBEARER', creds, b64(oauthbearer(null))), [{ type: 'done', user: 'alice@example.com', ok: true }]);
  });
});

/** Dialogues per protocol: [c|s, text]; the auth event they must give. */
interface Dialogue {
  name: string;
  protocol: Protocol;
  steps: Array<['c' | 's', string]>;
  auth: Pick<AuthEvent, 'mechanism' | 'user' | 'ok'>;
}

const ERR = BEARER_ERROR_CHALLENGE;
const dialogues: Dialogue[] = [
  {
    name: 'SMTP XOAUTH2 with an initial response',
    protocol: 'smtp',
    steps: [['s', '220 mx\r\n'], ['c', 'EHLO c\r\n'], ['s', '250-mx\r\n250 AUTH XOAUTH2\r\n'], ['c', `AUTH XOAUTH2 ${b64(xoauth2('alice@example.com'))}\r\n`], ['s', '235 2.7.0 ok\r\n']],
    auth: { mechanism: 'XOAUTH2', user: 'alice@example.com', ok: true },
  },
  {
    name: 'SMTP OAUTHBEARER refused: error challenge, AQ==, 535',
    protocol: 'smtp',
    steps: [['s', '220 mx\r\n'], ['c', `AUTH OAUTHBEARER ${b64(oauthbearer('alice@example.com'))}\r\n`], ['s', `334 ${ERR}\r\n`], ['c', 'AQ==\r\n'], ['s', '535 5.7.8 no\r\n']],
    auth: { mechanism: 'OAUTHBEARER', user: 'alice@example.com', ok: false },
  },
  {
    name: 'POP3 XOAUTH2 after an empty challenge',
    protocol: 'pop3',
    steps: [['s', '+OK ready\r\n'], ['c', 'AUTH XOAUTH2\r\n'], ['s', '+ \r\n'], ['c', `${b64(xoauth2('bob@example.com'))}\r\n`], ['s', '+OK logged in\r\n']],
    auth: { mechanism: 'XOAUTH2', user: 'bob@example.com', ok: true },
  },
  {
    name: 'POP3 OAUTHBEARER refused (escaped authzid)',
    protocol: 'pop3',
    steps: [['s', '+OK ready\r\n'], ['c', `AUTH OAUTHBEARER ${b64(oauthbearer('b=2Cob'))}\r\n`], ['s', `+ ${ERR}\r\n`], ['c', 'AQ==\r\n'], ['s', '-ERR [AUTH] no\r\n']],
    auth: { mechanism: 'OAUTHBEARER', user: 'b,ob', ok: false },
  },
  {
    name: 'IMAP OAUTHBEARER with SASL-IR, refused (RFC 7628 §4.3)',
    protocol: 'imap',
    steps: [['s', '* OK ready\r\n'], ['c', `t0 AUTHENTICATE OAUTHBEARER ${b64(oauthbearer('carol@example.com'))}\r\n`], ['s', `+ ${ERR}\r\n`], ['c', 'AQ==\r\n'], ['s', 't0 NO SASL authentication failed\r\n']],
    auth: { mechanism: 'OAUTHBEARER', user: 'carol@example.com', ok: false },
  },
  {
    name: 'IMAP XOAUTH2 after a continuation',
    protocol: 'imap',
    steps: [['s', '* OK ready\r\n'], ['c', 'a AUTHENTICATE XOAUTH2\r\n'], ['s', '+ \r\n'], ['c', `${b64(xoauth2('dave@example.com'))}\r\n`], ['s', 'a OK done\r\n']],
    auth: { mechanism: 'XOAUTH2', user: 'dave@example.com', ok: true },
  },
  {
    name: 'SMTP, an unknown mechanism: no user shown',
    protocol: 'smtp',
    steps: [['s', '220 mx\r\n'], ['c', `AUTH X-TOKEN ${b64(xoauth2('eve'))}\r\n`], ['s', '235 ok\r\n']],
    auth: { mechanism: 'X-TOKEN', user: null, ok: true },
  },
];

function dissect(d: Dialogue, bytewise: boolean): TimelineEventInput[] {
  const dis = createDissector(d.protocol, 'client');
  const out: TimelineEventInput[] = [];
  d.steps.forEach(([dir, text], i) => {
    const bytes = Buffer.from(text, 'latin1');
    for (const part of bytewise ? [...bytes].map((b) => Buffer.from([b])) : [bytes]) out.push(...dis.onData(dir === 'c' ? 'c2s' : 's2c', part, i * 10));
  });
  out.push(...dis.onClose(1000));
  return out;
}

describe('dissectors: bearer tokens shown masked, never as the user', () => {
  for (const d of dialogues)
    for (const bytewise of [false, true])
      test(`${d.name}${bytewise ? ', one byte at a time' : ''}`, () => {
        const ev = dissect(d, bytewise);
        const auths = ev.filter((e): e is Omit<AuthEvent, 'seq'> => e.kind === 'auth');
        assert.equal(auths.length, 1);
        assert.deepEqual({ mechanism: auths[0]!.mechanism, user: auths[0]!.user, ok: auths[0]!.ok }, d.auth);
        const json = JSON.stringify(ev);
        for (const leak of [TOKEN, 'Bearer', b64(xoauth2('eve')).slice(0, 20)]) assert.ok(!json.includes(leak), `${leak} leaked into the timeline`);
        if (d.auth.user !== null) assert.match(auths[0]!.secretMasked ?? '', /^•+$/);
      });
});
