// The POP3 relay codec with no sockets: tables of events in and commands out, whole and one
// byte at a time, and fuzzed (fast-check). Side 'client' is the client, 'server' the upstream.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Pop3Proxy, rewriteCapa } from '../../main/core/protocols/pop3/proxy.js';
import type { TlsMode } from '../../shared/types.js';
import { ProxyDrive, type Turn } from '../helpers/proxy-drive.js';

const drive = (clientTls: TlsMode = 'none', upstreamTls: TlsMode = 'none'): ProxyDrive<Pop3Proxy> => new ProxyDrive(new Pop3Proxy({ clientTls, upstreamTls }));
const GREETING = '+OK Dovecot ready. <1.2@up>\r\n';
const CAPA = '+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSTLS\r\nSASL PLAIN\r\n.\r\n';
const MESSAGE = 'Subject: dots\r\n\r\n.leading dot\r\n..two\r\n.\r\n+OK not a status\r\nend\r\n';
const stuffed = (m: string): string => m.replace(/^\./gm, '..');

describe('POP3 relay codec', () => {
  test('asks for the upstream first and holds client bytes until it greets', () => {
    const d = drive();
    assert.deepEqual(d.log, [{ type: 'open-upstream' }]);
    d.from('client', 'CAPA\r\n').connected();
    assert.equal(d.sent('server'), '');
    d.from('server', GREETING);
    assert.equal(d.sent('server'), 'CAPA\r\n');
  });

  for (const how of ['whole', 'bytewise'] as const) {
    test(`plain both legs (${how}): byte-exact both ways, STLS hidden from CAPA, RETR caught unstuffed`, () => {
      const d = drive().connected();
      d.from('server', GREETING, how);
      d.from('client', 'CAPA\r\nUSER bob\r\nPASS secret\r\n', how);
      d.from('server', `${CAPA}+OK\r\n+OK logged in\r\n`, how);
      d.from('client', 'LIST\r\nRETR 1\r\nTOP 1 0\r\nRETR 1\r\nRETR 9\r\nQUIT\r\n', how);
      const retr = `+OK 80 octets\r\n${stuffed(MESSAGE)}.\r\n`;
      d.from('server', `+OK 1 messages\r\n1 80\r\n.\r\n${retr}+OK\r\nSubject: dots\r\n\r\n.\r\n${retr}-ERR no such message\r\n+OK bye\r\n`, how);
      assert.equal(d.sent('server'), 'CAPA\r\nUSER bob\r\nPASS secret\r\nLIST\r\nRETR 1\r\nTOP 1 0\r\nRETR 1\r\nRETR 9\r\nQUIT\r\n');
      assert.equal(d.sent('client'), `${GREETING}+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSASL PLAIN\r\n.\r\n+OK\r\n+OK logged in\r\n+OK 1 messages\r\n1 80\r\n.\r\n${retr}+OK\r\nSubject: dots\r\n\r\n.\r\n${retr}-ERR no such message\r\n+OK bye\r\n`);
      assert.deepEqual(d.delivered(), [MESSAGE], 'caught once, with the byte-stuffing undone; TOP is not a whole message');
      assert.deepEqual(d.kinds('deliver')[0]!.envelope, { mailFrom: '', rcptTo: [], params: {}, helo: null, user: 'bob', tls: false }, 'nobody sent it; bob fetched it');
    });
  }

  test('client STLS is answered by the proxy and never forwarded; CAPA offers STLS only before TLS', () => {
    const d = drive('starttls').connected().from('server', GREETING);
    d.from('client', 'CAPA\r\n').from('server', '+OK\r\nUIDL\r\n.\r\n');
    assert.match(d.sent('client'), /\+OK\r\nUIDL\r\nSTLS\r\n\.\r\n$/);
    d.from('client', 'STLS\r\n');
    assert.match(d.sent('client'), /\+OK Begin TLS negotiation\r\n$/);
    assert.deepEqual(d.kinds('start-tls'), [{ type: 'start-tls', side: 'client', role: 'server' }]);
    d.tls('client').from('client', 'CAPA\r\n').from('server', CAPA).from('client', 'STLS\r\n');
    assert.match(d.sent('client'), /TOP\r\nUIDL\r\nSASL PLAIN\r\n\.\r\n-ERR TLS already active\r\n$/);
    assert.equal(d.sent('server'), 'CAPA\r\nCAPA\r\n');
  });

  test('upstream STARTTLS: STLS right after the greeting; the client is greeted once TLS is up (RFC 2595 §4)', () => {
    const d = drive('none', 'starttls').connected();
    d.from('server', GREETING).from('client', 'USER early\r\n');
    assert.equal(d.sent('server'), 'STLS\r\n');
    assert.equal(d.sent('client'), '', 'no greeting before the upstream leg is encrypted');
    d.from('server', '+OK Begin TLS\r\n');
    assert.deepEqual(d.kinds('start-tls'), [{ type: 'start-tls', side: 'server', role: 'client' }]);
    d.tls('server');
    assert.equal(d.sent('client'), GREETING);
    assert.equal(d.sent('server'), 'STLS\r\nUSER early\r\n', 'held client bytes follow in order');
  });

  const failures: [string, (d: ProxyDrive<Pop3Proxy>) => void, RegExp][] = [
    ['unreachable', (d) => d.ev({ type: 'connect-failed', side: 'server', error: 'connect ECONNREFUSED' }), /^-ERR \[SYS\/TEMP\] upstream unavailable: connect ECONNREFUSED\r\n$/],
    ['STLS refused', (d) => d.connected().from('server', GREETING).from('server', '-ERR no TLS here\r\n'), /^-ERR \[SYS\/TEMP\] the upstream refused STLS: -ERR no TLS here\r\n$/],
    ['verification failed', (d) => d.connected().from('server', GREETING).from('server', '+OK\r\n').ev({ type: 'tls-failed', side: 'server', error: 'certificate has expired' }), /^-ERR \[SYS\/TEMP\] upstream TLS failed: certificate has expired\r\n$/],
    ['timed out', (d) => d.connected().ev({ type: 'timeout', side: 'server' }), /^-ERR \[SYS\/TEMP\] upstream timed out\r\n$/],
    ['closed before greeting', (d) => d.connected().ev({ type: 'closed', side: 'server' }), /^-ERR \[SYS\/TEMP\] upstream closed the connection before its greeting\r\n$/],
  ];
  for (const [name, run, expected] of failures) {
    test(`upstream failure (${name}): -ERR [SYS/TEMP] with the reason, both legs closed (RFC 3206 §4)`, () => {
      const d = drive('none', 'starttls');
      run(d);
      assert.match(d.sent('client'), expected);
      assert.deepEqual(d.closed(), ['client', 'server']);
      // The adapter records connect and TLS failures itself; the codec records the rest.
      assert.deepEqual(d.recorded(), /unreachable|verification/.test(name) ? [] : ['upstream']);
    });
  }

  test('STLS injection on the client leg: refused, flagged, never forwarded (CVE-2011-0411)', () => {
    const d = drive('starttls').connected().from('server', GREETING);
    d.from('client', 'STLS\r\nUSER injected\r\n');
    assert.equal(d.sent('server'), '');
    assert.deepEqual(d.recorded(), ['starttls-injection']);
    assert.equal(d.kinds('start-tls').length, 0);
    assert.match(d.sent('client'), /-ERR plaintext pipelined after STLS is refused\r\n$/);
    assert.deepEqual(d.closed(), ['client', 'server']);
  });

  test('plaintext after the +OK but before the client handshake is refused too', () => {
    const d = drive('starttls').connected().from('server', GREETING).from('client', 'STLS\r\n').from('client', 'USER x\r\n');
    assert.deepEqual(d.recorded(), ['starttls-injection']);
    assert.equal(d.sent('server'), '');
  });

  test('STLS injection on the upstream leg (bytes after its +OK) is flagged', () => {
    const d = drive('none', 'starttls').connected().from('server', GREETING).from('server', '+OK\r\n+OK forged\r\n');
    assert.equal(d.kinds('start-tls').length, 0);
    assert.equal((d.kinds('record')[0]!.event as { leg: string }).leg, 'upstream');
  });

  test('a local reply waits for the pipelined replies ahead of it (RFC 2449 §6.6)', () => {
    const d = drive().connected().from('server', GREETING).from('client', 'NOOP\r\nSTLS\r\n');
    assert.equal(d.sent('client'), GREETING);
    d.from('server', '+OK\r\n');
    assert.equal(d.sent('client'), `${GREETING}+OK\r\n-ERR STLS not available on this listener\r\n`);
  });

  test('a message number caught once is known for the session: RETR again and a whole TOP are not read again', () => {
    // Different bytes under one number cannot come from a correct server (RFC 1939 §5): they
    // show that the second fetch was recognised by its number, without reading it.
    const d = drive().connected().from('server', GREETING);
    d.from('client', 'RETR 1\r\nRETR 1\r\nTOP 1 99\r\nRETR 2\r\n');
    d.from('server', '+OK\r\nSubject: a\r\n\r\nx\r\n.\r\n+OK\r\nSubject: b\r\n\r\ny\r\n.\r\n+OK\r\nSubject: c\r\n\r\nz\r\n.\r\n+OK\r\nSubject: d\r\n\r\nw\r\n.\r\n', 'bytewise');
    assert.deepEqual(d.delivered(), ['Subject: a\r\n\r\nx\r\n', 'Subject: d\r\n\r\nw\r\n']);
    assert.match(d.sent('client'), /Subject: b\r\n\r\ny\r\n\.\r\n/, 'relayed all the same');
  });

  test('a TOP cut short leaves its number free: a later RETR is caught', () => {
    const d = drive().connected().from('server', GREETING);
    d.from('client', 'TOP 1 1\r\nRETR 1\r\n');
    d.from('server', '+OK\r\nSubject: a\r\n\r\nl1\r\n.\r\n+OK\r\nSubject: a\r\n\r\nl1\r\nl2\r\n.\r\n');
    assert.deepEqual(d.delivered(), ['Subject: a\r\n\r\nl1\r\nl2\r\n']);
  });

  test('AUTH: answers sent before their "+" challenge are still answers; the replies stay paired (RFC 5034 §4)', () => {
    const d = drive().connected().from('server', '+OK hi\r\n');
    d.from('client', 'AUTH LOGIN\r\nYWxpY2U=\r\ncHc=\r\nSTAT\r\n');
    assert.equal(d.sent('server'), 'AUTH LOGIN\r\n', 'the answers wait for their challenges');
    d.from('server', '+ VXNlcm5hbWU6\r\n');
    assert.equal(d.sent('server'), 'AUTH LOGIN\r\nYWxpY2U=\r\n');
    d.from('server', '+ UGFzc3dvcmQ6\r\n+OK logged in\r\n');
    assert.equal(d.sent('server'), 'AUTH LOGIN\r\nYWxpY2U=\r\ncHc=\r\nSTAT\r\n');
    d.from('server', '+OK 1 20\r\n');
    assert.match(d.sent('client'), /\+OK logged in\r\n\+OK 1 20\r\n$/);
  });

  test('AUTH: SASL lines are relayed, not taken for commands', () => {
    const d = drive().connected().from('server', GREETING);
    d.from('client', 'AUTH PLAIN\r\n').from('server', '+ \r\n').from('client', 'AGFsaWNlAHB3\r\n').from('server', '+OK\r\n');
    d.from('client', 'AUTH PLAIN AGFsaWNlAHB3\r\nRETR 1\r\n').from('server', '+OK\r\n+OK\r\nSubject: a\r\n\r\nx\r\n.\r\n');
    assert.equal(d.sent('server'), 'AUTH PLAIN\r\nAGFsaWNlAHB3\r\nAUTH PLAIN AGFsaWNlAHB3\r\nRETR 1\r\n');
    assert.equal(d.delivered().length, 1);
  });

  test('a TOP asking for more lines than the body has is the whole message and is caught (RFC 1939 §7)', () => {
    const d = drive().connected().from('server', GREETING).from('client', 'TOP 1 1\r\nTOP 1 2\r\nTOP 1 2147483647\r\n');
    d.from('server', '+OK\r\nS: a\r\n\r\nl1\r\n.\r\n+OK\r\nS: a\r\n\r\nl1\r\nl2\r\n.\r\n+OK\r\nS: a\r\n\r\nl1\r\nl2\r\n.\r\n');
    assert.deepEqual(d.delivered(), ['S: a\r\n\r\nl1\r\nl2\r\n'], 'as many lines as asked may be a cut: only the last is sure to be whole');
  });

  test('an overlong line passes through in pieces with every byte', () => {
    const long = `X-Long: ${'a'.repeat(200_000)}\r\n`;
    const d = drive().connected().from('server', GREETING).from('client', 'RETR 1\r\n').from('server', `+OK\r\n${long}\r\nbody\r\n.\r\n`, [4096]);
    assert.equal(d.sent('client'), `${GREETING}+OK\r\n${long}\r\nbody\r\n.\r\n`);
    assert.deepEqual(d.delivered(), [`${long}\r\nbody\r\n`]);
  });

  test('either side closing passes on what it sent, then half-closes the other', () => {
    const d = drive().connected().from('server', GREETING).from('client', 'QUIT\r\nPART').ev({ type: 'closed', side: 'client' });
    assert.equal(d.sent('server'), 'QUIT\r\nPART');
    assert.deepEqual(d.closed(), ['server']);
    const e = drive().connected().from('server', `${GREETING}+OK part`).ev({ type: 'closed', side: 'server' });
    assert.equal(e.sent('client'), `${GREETING}+OK part`);
    assert.deepEqual(e.closed(), ['client']);
  });

  test('CAPA rewriting leaves the bytes alone when nothing changes', () => {
    const lines = (s: string): Buffer[] => s.split(/(?<=\n)/).map((l) => Buffer.from(l));
    assert.equal(rewriteCapa(lines('+OK\r\nSTLS\r\nTOP\r\n'), true).toString(), '+OK\r\nSTLS\r\nTOP\r\n.\r\n');
    assert.equal(rewriteCapa(lines('+OK\r\nstls\r\nTOP\r\n'), false).toString(), '+OK\r\nTOP\r\n.\r\n');
  });
});

describe("the caught message's envelope: who logged in (RFC 1939 §7, RFC 5034)", () => {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  /** A login fed one byte at a time, then RETR 1: the user and TLS of the envelope. */
  const caughtAfter = (login: Turn[], clientTls: TlsMode = 'none'): { user: string | null; tls: boolean } =>
    drive(clientTls).connected().fetchedEnvelope([['server', GREETING], ...login, ['client', 'RETR 1\r\n'], ['server', `+OK\r\n${stuffed(MESSAGE)}.\r\n`]]);
  const rows: Array<{ name: string; login: Turn[]; user: string | null }> = [
    { name: 'USER/PASS accepted', login: [['client', 'USER bob\r\nPASS secret\r\n'], ['server', '+OK\r\n+OK logged in\r\n']], user: 'bob' },
    { name: 'USER/PASS refused', login: [['client', 'USER bob\r\nPASS wrong\r\n'], ['server', '+OK\r\n-ERR [AUTH] invalid\r\n']], user: null },
    {
      name: 'USER/PASS refused, then another USER accepted',
      login: [['client', 'USER eve\r\nPASS x\r\n'], ['server', '+OK\r\n-ERR [AUTH] no\r\n'], ['client', 'USER alice@x.test\r\nPASS pw\r\n'], ['server', '+OK\r\n+OK\r\n']],
      user: 'alice@x.test',
    },
    { name: 'USER refused, PASS answered +OK regardless', login: [['client', 'USER ghost\r\nPASS x\r\n'], ['server', '-ERR no\r\n+OK\r\n']], user: null },
    { name: 'APOP accepted', login: [['client', 'APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n'], ['server', '+OK maildrop has 1 message\r\n']], user: 'mrose' },
    { name: 'AUTH PLAIN after a "+" challenge', login: [['client', 'AUTH PLAIN\r\n'], ['server', '+ \r\n'], ['client', `${b64('\0carol\0pw')}\r\n`], ['server', '+OK\r\n']], user: 'carol' },
    { name: 'AUTH XOAUTH2 with an initial response', login: [['client', `AUTH XOAUTH2 ${b64('user=dave\x01auth=Bearer t\x01\x01')}\r\n`], ['server', '+OK\r\n']], user: 'dave' },
    { name: 'AUTH refused', login: [['client', `AUTH PLAIN ${b64('\0mallory\0pw')}\r\n`], ['server', '-ERR [AUTH] no\r\n']], user: null },
  ];
  for (const r of rows) test(`${r.name}: user ${r.user}`, () => assert.deepEqual(caughtAfter(r.login), { user: r.user, tls: false }));

  test('a client leg in TLS: tls true', () => {
    assert.deepEqual(caughtAfter(rows[0]!.login, 'implicit'), { user: 'bob', tls: true });
  });
});

describe('POP3 relay codec properties (fast-check)', () => {
  const cuts = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 });
  test('any chunking of both streams gives the same bytes on each side and one capture', () => {
    const client = ['USER a\r\nPASS b\r\n', 'CAPA\r\nRETR 1\r\nQUIT\r\n'];
    const server = [GREETING, '+OK\r\n+OK\r\n', `${CAPA}+OK\r\n${stuffed(MESSAGE)}.\r\n+OK bye\r\n`];
    fc.assert(
      fc.property(cuts, (c) => {
        const d = drive().connected();
        d.from('server', server[0]!, c).from('client', client[0]!, c).from('server', server[1]!, c).from('client', client[1]!, c).from('server', server[2]!, c);
        assert.equal(d.sent('server'), client.join(''));
        assert.equal(d.sent('client'), server.join('').replace('STLS\r\n', ''));
        assert.deepEqual(d.delivered(), [MESSAGE]);
      }),
      { numRuns: 200 },
    );
  });

  test('random bytes both ways, randomly cut: never throws, never loses or reorders a byte', () => {
    const bytes = fc.uint8Array({ maxLength: 300 });
    fc.assert(
      fc.property(bytes, bytes, bytes, cuts, (a, b, c, k) => {
        const d = drive().connected().from('server', GREETING);
        d.from('client', Buffer.from(a), k).from('server', Buffer.from(b), k).from('client', Buffer.from(c), k);
        d.ev({ type: 'closed', side: 'client' }).ev({ type: 'closed', side: 'server' });
        const noLocal = !/(^|\n)STLS/i.test(Buffer.concat([a, c]).toString('latin1'));
        if (noLocal) assert.deepEqual(d.sentBytes('server'), Buffer.concat([a, c]));
        const capa = /(^|\n)CAPA/i.test(Buffer.concat([a, c]).toString('latin1'));
        if (noLocal && !capa) assert.deepEqual(d.sentBytes('client'), Buffer.concat([Buffer.from(GREETING), b]));
      }),
      { numRuns: 1000 },
    );
  });
});
