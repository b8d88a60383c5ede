// sessions.secret and sessions.payload: the wire log dissected again gives each auth event's
// secret unmasked (PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and OAUTHBEARER tokens, IMAP LOGIN with
// atoms, quoted strings and literals, POP3 USER/PASS and APOP), and the bytes
// of an exchange's payload. The timeline itself keeps only masks.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SessionRecorder } from '../../main/core/capture/recorder.js';
import { sessionPayload, sliceStream } from '../../main/core/sessions-payload.js';
import { authSecretsFromWire, describeSecret, sessionSecret } from '../../main/core/sessions-secret.js';
import { newId } from '../../main/core/store/ids.js';
import type { WireRecord } from '../../main/core/store/session-records.js';
import { SessionStore } from '../../main/core/store/session-store.js';
import type { Direction, Protocol, SessionSummary } from '../../shared/types.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A dialogue as wire records: [direction, text] pairs, optionally inside TLS from some index. */
function wire(steps: Array<[Direction, string]>, tlsFrom = Infinity): WireRecord[] {
  return steps.map(([direction, text], i) => ({ t: 1_000_000 + i * 10, direction, leg: 'client', tls: i >= tlsFrom, bytes: Buffer.from(text, 'latin1') }));
}

function reveal(protocol: Protocol, steps: Array<[Direction, string]>, tlsFrom?: number) {
  return authSecretsFromWire(protocol, 'client', wire(steps, tlsFrom)).map((a, i) => describeSecret(protocol, i, a));
}

describe('sessions.secret decoding', () => {
  test('SMTP AUTH PLAIN with an initial response', () => {
    const [a] = reveal('smtp', [
      ['s2c', '220 mx ESMTP\r\n'],
      ['c2s', 'EHLO c\r\n'],
      ['s2c', '250-mx\r\n250 AUTH PLAIN LOGIN CRAM-MD5\r\n'],
      ['c2s', `AUTH PLAIN ${b64('\0alice\0correct horse')}\r\n`],
      ['s2c', '235 2.7.0 Authentication successful\r\n'],
    ]);
    assert.deepEqual(a, { seq: 0, mechanism: 'PLAIN', user: 'alice', secret: 'correct horse', kind: 'password', note: null });
  });

  test('SMTP AUTH LOGIN in two challenges, after STARTTLS', () => {
    const [a] = reveal(
      'smtp',
      [
        ['s2c', '220 mx\r\n'],
        ['c2s', 'EHLO c\r\n'],
        ['s2c', '250 STARTTLS\r\n'],
        ['c2s', 'STARTTLS\r\n'],
        ['s2c', '220 go ahead\r\n'],
        ['c2s', 'EHLO c\r\n'],
        ['s2c', '250 AUTH LOGIN\r\n'],
        ['c2s', 'AUTH LOGIN\r\n'],
        ['s2c', `334 ${b64('Username:')}\r\n`],
        ['c2s', `${b64('bob@example.test')}\r\n`],
        ['s2c', `334 ${b64('Password:')}\r\n`],
        ['c2s', `${b64('pässwörd')}\r\n`],
        ['s2c', '235 ok\r\n'],
      ],
      5,
    );
    assert.equal(a!.user, 'bob@example.test');
    assert.equal(a!.secret, 'pässwörd');
    assert.equal(a!.kind, 'password');
  });

  test('CRAM-MD5 shows the user and the digest, which is not a password', () => {
    const challenge = '<1896.697170952@postoffice.example.net>';
    const digest = createHmac('md5', 'tanstaaftanstaaf').update(challenge).digest('hex');
    const [a] = reveal('smtp', [
      ['s2c', '220 mx\r\n'],
      ['c2s', 'AUTH CRAM-MD5\r\n'],
      ['s2c', `334 ${b64(challenge)}\r\n`],
      ['c2s', `${b64(`tim ${digest}`)}\r\n`],
      ['s2c', '235 ok\r\n'],
    ]);
    assert.equal(a!.user, 'tim');
    assert.equal(a!.secret, digest);
    assert.equal(a!.kind, 'digest');
    assert.match(a!.note!, /not the password/);
  });

  test('IMAP LOGIN with a quoted password', () => {
    const [a] = reveal('imap', [
      ['s2c', '* OK IMAP4rev1 ready\r\n'],
      ['c2s', 'a1 LOGIN carol "p\\"w d\\\\x"\r\n'],
      ['s2c', 'a1 OK LOGIN completed\r\n'],
    ]);
    assert.equal(a!.mechanism, 'LOGIN');
    assert.equal(a!.user, 'carol');
    assert.equal(a!.secret, 'p"w d\\x');
  });

  test('IMAP LOGIN with an atom password', () => {
    const [a] = reveal('imap', [
      ['s2c', '* OK ready\r\n'],
      ['c2s', 'x LOGIN dev hunter2\r\n'],
      ['s2c', 'x OK done\r\n'],
    ]);
    assert.equal(a!.secret, 'hunter2');
  });

  test('POP3 USER/PASS: the whole rest of the PASS line', () => {
    const [a] = reveal('pop3', [
      ['s2c', '+OK POP3 ready\r\n'],
      ['c2s', 'USER dave\r\n'],
      ['s2c', '+OK\r\n'],
      ['c2s', 'PASS pass with spaces\r\n'],
      ['s2c', '+OK maildrop locked\r\n'],
    ]);
    assert.deepEqual([a!.mechanism, a!.user, a!.secret, a!.kind], ['USER', 'dave', 'pass with spaces', 'password']);
  });

  test('POP3 APOP: the digest, not a password', () => {
    const [a] = reveal('pop3', [
      ['s2c', '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n'],
      ['c2s', 'APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n'],
      ['s2c', '+OK mrose maildrop has 1 message\r\n'],
    ]);
    assert.deepEqual([a!.mechanism, a!.user, a!.secret, a!.kind], ['APOP', 'mrose', 'c4c9334bac560ecc979e58001b3e22fb', 'digest']);
    assert.match(a!.note!, /RFC 1939/);
  });

  test('SMTP XOAUTH2: the user, and the bearer token, which is not a password', () => {
    const token = 'ya29.a0AfH6SMBx-token';
    const [a] = reveal('smtp', [
      ['s2c', '220 mx\r\n'],
      ['c2s', `AUTH XOAUTH2 ${b64(`user=alice@example.com\x01auth=Bearer ${token}\x01\x01`)}\r\n`],
      ['s2c', '235 2.7.0 ok\r\n'],
    ]);
    assert.deepEqual([a!.mechanism, a!.user, a!.secret, a!.kind], ['XOAUTH2', 'alice@example.com', token, 'token']);
    assert.match(a!.note!, /bearer token/);
  });

  test('IMAP OAUTHBEARER refused: the dummy answer to the error challenge leaves the token', () => {
    const [a] = reveal('imap', [
      ['s2c', '* OK ready\r\n'],
      ['c2s', `t0 AUTHENTICATE OAUTHBEARER ${b64('n,a=a=2Cb@x,\x01host=h\x01port=143\x01auth=Bearer tok-123\x01\x01')}\r\n`],
      ['s2c', `+ ${b64('{"status":"invalid_token"}')}\r\n`],
      ['c2s', 'AQ==\r\n'],
      ['s2c', 't0 NO failed\r\n'],
    ]);
    assert.deepEqual([a!.mechanism, a!.user, a!.secret, a!.kind], ['OAUTHBEARER', 'a,b@x', 'tok-123', 'token']);
    assert.match(a!.note!, /RFC 7628/);
  });

  test('an unknown mechanism shows no user and reveals nothing', () => {
    const [a] = reveal('smtp', [
      ['s2c', '220 mx\r\n'],
      ['c2s', `AUTH X-SECRET ${b64('user=mallory\x01auth=Bearer zzz\x01\x01')}\r\n`],
      ['s2c', '235 ok\r\n'],
    ]);
    assert.deepEqual([a!.user, a!.secret, a!.kind], [null, null, null]);
    assert.match(a!.note!, /X-SECRET/);
  });

  test('IMAP LOGIN with literals: synchronising, LITERAL+ (RFC 7888), and the user as a literal', () => {
    const [sync, plus, both] = reveal('imap', [
      ['s2c', '* OK ready\r\n'],
      ['c2s', 'a1 LOGIN alice {8}\r\n'],
      ['s2c', '+ Ready for literal data\r\n'],
      ['c2s', 'pa ss"\\w\r\n'],
      ['s2c', 'a1 NO [AUTHENTICATIONFAILED] no\r\n'],
      ['c2s', 'a2 LOGIN "alice" {7+}\r\nhunter2\r\n'],
      ['s2c', 'a2 NO [AUTHENTICATIONFAILED] no\r\n'],
      ['c2s', 'a3 LOGIN {17+}\r\nalice@example.com {3+}\r\nxyz\r\n'],
      ['s2c', 'a3 OK Logged in\r\n'],
    ]);
    assert.deepEqual([sync!.user, sync!.secret, sync!.kind, sync!.note], ['alice', 'pa ss"\\w', 'password', null]);
    assert.deepEqual([plus!.user, plus!.secret], ['alice', 'hunter2']);
    assert.deepEqual([both!.user, both!.secret], ['alice@example.com', 'xyz']);
  });

  test('IMAP LOGIN with a literal over the limit says where the password is', () => {
    const [a] = reveal('imap', [
      ['s2c', '* OK ready\r\n'],
      ['c2s', `a1 LOGIN alice {2048+}\r\n${'p'.repeat(2048)}\r\n`],
      ['s2c', 'a1 NO no\r\n'],
    ]);
    assert.deepEqual([a!.user, a!.secret, a!.kind], ['alice', null, null]);
    assert.match(a!.note!, /literal over 1024 octets; the wire log/);
  });

  test('a cancelled exchange has no secret, and says so', () => {
    const [a] = reveal('smtp', [
      ['s2c', '220 mx\r\n'],
      ['c2s', 'AUTH LOGIN\r\n'],
      ['s2c', `334 ${b64('Username:')}\r\n`],
      ['c2s', '*\r\n'],
      ['s2c', '501 5.0.0 cancelled\r\n'],
    ]);
    assert.equal(a!.secret, null);
    assert.equal(a!.kind, null);
    assert.ok(a!.note);
  });
});

describe('sessions.secret and sessions.payload on a recorded session', () => {
  const summary = (): SessionSummary => ({
    id: newId(), protocol: 'smtp', role: 'sink', startedAt: 1_000_000, endedAt: null, client: { address: '127.0.0.1', port: 1 }, server: { address: '127.0.0.1', port: 2 },
    upstream: null, tls: false, user: null, messageIds: [], exchanges: 0, warnings: 0, errors: 0, bytesIn: 0, bytesOut: 0,
  });

  test('the nth auth event gets the nth secret; the timeline holds masks only; DATA bytes come back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailtap-secret-'));
    const store = new SessionStore(dir);
    await store.open();
    const s = summary();
    const rec = new SessionRecorder(s, store, { timeline: () => undefined });
    const say = (d: Direction, text: string) => rec.wire('client', d, false, Buffer.from(text));
    say('s2c', '220 mx\r\n');
    say('c2s', `AUTH PLAIN ${b64('\0eve\0wrong-one')}\r\n`);
    say('s2c', '535 5.7.8 no\r\n');
    say('c2s', `AUTH PLAIN ${b64('\0eve\0right-one')}\r\n`);
    say('s2c', '235 ok\r\n');
    say('c2s', 'MAIL FROM:<eve@x.test>\r\n');
    say('s2c', '250 ok\r\n');
    say('c2s', 'DATA\r\n');
    say('s2c', '354 go\r\n');
    say('c2s', 'Subject: hi\r\n\r\n..dot line\r\n');
    say('c2s', '.\r\n');
    say('s2c', '250 queued\r\n');
    await rec.end('client', 'client');

    const events = await store.allEvents(s.id);
    const auths = events.filter((e) => e.kind === 'auth');
    assert.equal(auths.length, 2);
    assert.ok(!JSON.stringify(events).includes('right-one'), 'the timeline never holds a secret');
    assert.equal((await sessionSecret(store, s.id, auths[0]!.seq)).secret, 'wrong-one');
    const second = await sessionSecret(store, s.id, auths[1]!.seq);
    assert.deepEqual([second.user, second.secret], ['eve', 'right-one']);
    await assert.rejects(sessionSecret(store, s.id, 0), /not an auth event/);
    await assert.rejects(sessionSecret(store, 'nope', 0), /session/);

    const data = events.find((e) => e.kind === 'exchange' && e.command?.verb === 'DATA')!;
    const whole = await sessionPayload(store, s.id, data.seq);
    assert.equal(Buffer.from(whole.data).toString(), 'Subject: hi\r\n\r\n..dot line\r\n.\r\n');
    const head = await sessionPayload(store, s.id, data.seq, 7);
    assert.equal(Buffer.from(head.data).toString(), 'Subject');
    await assert.rejects(sessionPayload(store, s.id, auths[0]!.seq), /no payload/);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('sliceStream cuts across chunks of one leg and direction only', () => {
    const w: WireRecord[] = [
      { t: 1, direction: 'c2s', leg: 'client', tls: false, bytes: Buffer.from('abc') },
      { t: 2, direction: 's2c', leg: 'client', tls: false, bytes: Buffer.from('XYZ') },
      { t: 3, direction: 'c2s', leg: 'upstream', tls: false, bytes: Buffer.from('uuu') },
      { t: 4, direction: 'c2s', leg: 'client', tls: false, bytes: Buffer.from('defg') },
    ];
    assert.equal(sliceStream(w, 'client', 'c2s', 1, 4).toString(), 'bcde');
    assert.equal(sliceStream(w, 'client', 's2c', 0, 10).toString(), 'XYZ');
    assert.equal(sliceStream(w, 'upstream', 'c2s', 2, 1).toString(), 'u');
  });
});
