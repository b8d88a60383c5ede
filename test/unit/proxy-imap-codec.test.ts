// The IMAP relay codec with no sockets: tables of events in and commands out, whole and one
// byte at a time, and fuzzed (fast-check). Side 'client' is the client, 'server' the upstream.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ImapProxy } from '../../main/core/protocols/imap/proxy.js';
import { rewriteCapabilities } from '../../main/core/protocols/imap/proxy-capability.js';
import { mailboxArgument, uidInFirstLine } from '../../main/core/protocols/imap/proxy-fetch.js';
import type { TlsMode } from '../../shared/types.js';
import { ProxyDrive, type Turn } from '../helpers/proxy-drive.js';

const drive = (clientTls: TlsMode = 'none', upstreamTls: TlsMode = 'none'): ProxyDrive<ImapProxy> => new ProxyDrive(new ImapProxy({ clientTls, upstreamTls }));
const GREETING = '* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ STARTTLS LOGINDISABLED] Dovecot ready.\r\n';
const MESSAGE = 'Subject: literal\r\n\r\na1 OK not a response\r\n* 2 EXISTS\r\n{5}\r\nend\r\n';
const fetchOf = (m: string, item = 'BODY[]'): string => `* 1 FETCH (UID 7 ${item} {${Buffer.byteLength(m, 'latin1')}}\r\n${m} FLAGS (\\Seen))\r\n`;

describe('IMAP relay codec', () => {
  for (const how of ['whole', 'bytewise'] as const) {
    test(`plain both legs (${how}): byte-exact both ways, literals both ways, STARTTLS hidden, BODY[] caught`, () => {
      const d = drive().connected();
      d.from('server', GREETING, how);
      d.from('client', 'a1 LOGIN "bob" {6}\r\n', how);
      assert.equal(d.sent('server'), 'a1 LOGIN "bob" {6}\r\n');
      d.from('client', 'secret\r\n', how);
      assert.equal(d.sent('server'), 'a1 LOGIN "bob" {6}\r\n', 'a synchronising literal waits for the "+"');
      d.from('server', '+ OK\r\n', how).from('client', '', how);
      d.from('server', 'a1 OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE IDLE] Logged in\r\n', how);
      d.from('client', 'a2 APPEND INBOX {11+}\r\na3 STARTTLS\r\n\r\na4 SELECT INBOX\r\na5 FETCH 1 BODY.PEEK[]\r\na6 FETCH 1 RFC822\r\n', how);
      d.from('server', `a2 OK appended\r\n* 1 EXISTS\r\na4 OK selected\r\n${fetchOf(MESSAGE)}a5 OK\r\n${fetchOf(MESSAGE, 'RFC822')}a6 OK\r\n`, how);
      assert.equal(d.sent('server'), 'a1 LOGIN "bob" {6}\r\nsecret\r\na2 APPEND INBOX {11+}\r\na3 STARTTLS\r\n\r\na4 SELECT INBOX\r\na5 FETCH 1 BODY.PEEK[]\r\na6 FETCH 1 RFC822\r\n');
      assert.equal(
        d.sent('client'),
        `* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ LOGINDISABLED] Dovecot ready.\r\n+ OK\r\na1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n` +
          `a2 OK appended\r\n* 1 EXISTS\r\na4 OK selected\r\n${fetchOf(MESSAGE)}a5 OK\r\n${fetchOf(MESSAGE, 'RFC822')}a6 OK\r\n`,
      );
      assert.deepEqual(d.delivered(), [MESSAGE], 'the literal is the message; fetched twice, caught once');
      assert.deepEqual(d.recorded(), ['capability-removed']);
    });
  }

  test('a UID fetched again is known by its mailbox, UIDVALIDITY and UID, not read again; another mailbox is another key', () => {
    // Different bytes under one UID cannot come from a correct server: they show which way the
    // second fetch was recognised. By its key, it is not collected, so it is not caught again.
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a SELECT INBOX\r\nb UID FETCH 7 BODY.PEEK[]\r\nc UID FETCH 7 BODY.PEEK[]\r\n');
    const select = (v: number): string => `* 3 EXISTS\r\n* OK [UIDVALIDITY ${v}] UIDs valid\r\n* OK [UIDNEXT 9] next\r\n`;
    d.from('server', `${select(100)}a OK [READ-WRITE] selected\r\n${fetchOf('Subject: one\r\n\r\n1\r\n')}b OK\r\n${fetchOf('Subject: two\r\n\r\n2\r\n')}c OK\r\n`, 'bytewise');
    assert.deepEqual(d.delivered(), ['Subject: one\r\n\r\n1\r\n']);
    d.from('client', 'd EXAMINE "inbox"\r\ne UID FETCH 7 BODY.PEEK[]\r\n');
    d.from('server', `${select(100)}d OK [READ-ONLY] examined\r\n${fetchOf('Subject: three\r\n\r\n3\r\n')}e OK\r\n`);
    assert.equal(d.delivered().length, 1, 'INBOX again, in any spelling, with the same UIDVALIDITY');
    d.from('client', 'f SELECT Archive\r\ng UID FETCH 7 BODY.PEEK[]\r\n');
    d.from('server', `${select(100)}f OK selected\r\n${fetchOf('Subject: four\r\n\r\n4\r\n')}g OK\r\n`);
    d.from('client', 'h SELECT INBOX\r\ni UID FETCH 7 BODY.PEEK[]\r\n');
    d.from('server', `${select(101)}h OK selected\r\n${fetchOf('Subject: five\r\n\r\n5\r\n')}i OK\r\n`);
    assert.deepEqual(d.delivered().slice(1), ['Subject: four\r\n\r\n4\r\n', 'Subject: five\r\n\r\n5\r\n'], 'another mailbox, and a new UIDVALIDITY, are other keys');
    d.from('client', 'j SELECT Nowhere\r\nk UID FETCH 7 BODY.PEEK[]\r\n');
    d.from('server', `j NO no such mailbox\r\n${fetchOf('Subject: six\r\n\r\n6\r\n')}k OK\r\n`);
    assert.equal(d.delivered().length, 4, 'after a failed SELECT nothing is selected: the content decides');
  });

  test('mailboxArgument: atoms, quoted strings with escapes, INBOX in any case; a literal is not known', () => {
    const rows: [string, string | null][] = [
      [' INBOX', 'INBOX'],
      [' inbox (CONDSTORE)', 'INBOX'],
      [' "Sent Items"', 'Sent Items'],
      [' "a \\"q\\" b"', 'a "q" b'],
      [' Archive/2024', 'Archive/2024'],
      [' {5}', null],
      [' ~{5}', null],
      ['', null],
    ];
    for (const [args, name] of rows) assert.equal(mailboxArgument(args), name, args);
  });

  test('a UID inside a quoted string, or after a literal, is no key: the content decides', () => {
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a SELECT INBOX\r\nb FETCH 1:3 (ENVELOPE BODY.PEEK[])\r\n');
    const m1 = 'Subject: seven\r\n\r\n7\r\n';
    const m2 = 'Subject: UID 7 inside\r\n\r\nx\r\n';
    const m3 = 'Subject: later\r\n\r\ny\r\n';
    const len = (m: string): number => Buffer.byteLength(m, 'latin1');
    d.from(
      'server',
      `* OK [UIDVALIDITY 5] ok\r\na OK selected\r\n` +
        `* 1 FETCH (UID 7 BODY[] {${len(m1)}}\r\n${m1})\r\n` +
        `* 2 FETCH (ENVELOPE (NIL "Re: (UID 7) again" NIL NIL NIL NIL NIL NIL NIL NIL) BODY[] {${len(m2)}}\r\n${m2} UID 8)\r\n` +
        `* 3 FETCH (ENVELOPE (NIL {5}\r\nUID 7 NIL NIL NIL NIL NIL NIL NIL NIL) BODY[] {${len(m3)}}\r\n${m3} UID 9)\r\n` +
        'b OK\r\n',
      'bytewise',
    );
    assert.deepEqual(d.delivered(), [m1, m2, m3]);
  });

  test('fetched by sequence number, then by UID: the same content is caught once', () => {
    // Only a session that has made an unkeyed catch hashes its keyed ones; this one has.
    const m = 'Subject: same\r\n\r\nbody\r\n';
    const len = Buffer.byteLength(m, 'latin1');
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a SELECT INBOX\r\nb FETCH 1 BODY.PEEK[]\r\nc UID FETCH 7 BODY.PEEK[]\r\nd UID FETCH 8 BODY.PEEK[]\r\n');
    d.from(
      'server',
      `* OK [UIDVALIDITY 5] ok\r\na OK selected\r\n* 1 FETCH (BODY[] {${len}}\r\n${m})\r\nb OK\r\n` +
        `* 1 FETCH (UID 7 BODY[] {${len}}\r\n${m})\r\nc OK\r\n* 2 FETCH (UID 8 BODY[] {6}\r\nother!)\r\nd OK\r\n`,
      'bytewise',
    );
    assert.deepEqual(d.delivered(), [m, 'other!']);
  });

  test('a large literal is caught into one buffer of its announced size, owned by the message; a small one as chunks', () => {
    const big = Buffer.alloc(300 * 1024, 'abcdefghij\r\n');
    const head = Buffer.from(`* 1 FETCH (UID 9 BODY[] {${big.length}}\r\n`);
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a SELECT INBOX\r\nb UID FETCH 9 BODY.PEEK[]\r\n');
    // Pieces of odd sizes, as a socket gives them: each lands where it belongs in the buffer.
    d.from('server', Buffer.concat([Buffer.from('* OK [UIDVALIDITY 3] ok\r\na OK\r\n'), head, big, Buffer.from(')\r\nb OK\r\n')]), [7, 65536, 1000, 123457]);
    const [del] = d.kinds('deliver');
    assert.equal(del?.chunks.length, 1);
    assert.equal(del!.meta.owned, true);
    assert.equal(del!.chunks[0]!.byteLength, del!.chunks[0]!.buffer.byteLength, 'all of its memory: the store can move it to a worker');
    assert.ok(Buffer.from(del!.chunks[0]!).equals(big));
    assert.match(d.sent('client'), /b OK\r\n$/);

    const small = drive().connected().from('server', '* OK hi\r\n').from('client', 'a UID FETCH 7 BODY.PEEK[]\r\n');
    small.from('server', `${fetchOf('Subject: s\r\n\r\nx\r\n')}a OK\r\n`, 'bytewise');
    assert.equal(small.kinds('deliver')[0]?.meta.owned, false, 'views of the socket chunks, which the wire log holds');
  });

  test('uidInFirstLine reads the top-level UID item only', () => {
    const rows: [string, string | null][] = [
      ['* 1 FETCH (UID 7 BODY[] {5}', '7'],
      ['* 1 FETCH (FLAGS (\\Seen) uid 12 RFC822 {5}', '12'],
      ['* 1 FETCH (BODY[HEADER.FIELDS (UID)] {5}', null],
      ['* 1 FETCH (ENVELOPE (NIL "a \\" UID 3 b" NIL) BODY[] {5}', null],
      ['* 1 FETCH (ENVELOPE (NIL "x" NIL) UID 4 BODY[] {5}', '4'],
      ['* 1 FETCH (XUID 5 BODY[] {5}', null],
      ['* 1 FETCH (UID 99999999999 BODY[] {5}', null],
    ];
    for (const [line, uid] of rows) assert.equal(uidInFirstLine(line), uid, line);
  });

  test('partial and part fetches are relayed but not caught', () => {
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a FETCH 1 (BODY[]<0.5> BODY[1] RFC822.HEADER)\r\n');
    d.from('server', '* 1 FETCH (BODY[]<0> {5}\r\nSubje BODY[1] {2}\r\nhi RFC822.HEADER {3}\r\nX: \r\n)\r\na OK\r\n');
    assert.deepEqual(d.delivered(), []);
    assert.match(d.sent('client'), /RFC822\.HEADER \{3\}\r\nX: \r\n\)\r\na OK\r\n$/);
  });

  test('a header, then the text of the same message, is caught as one message (as fetchmail fetches)', () => {
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a FETCH 3 RFC822.HEADER\r\nb FETCH 3 BODY.PEEK[TEXT]\r\n');
    d.from('server', '* 3 FETCH (RFC822.HEADER {14}\r\nSubject: x\r\n\r\n)\r\na OK\r\n* 3 FETCH (BODY[TEXT] {6}\r\nbody\r\n)\r\nb OK\r\n', 'bytewise');
    assert.deepEqual(d.delivered(), ['Subject: x\r\n\r\nbody\r\n']);
  });

  test('client STARTTLS: answered by the proxy once nothing is in flight, then CAPABILITY again', () => {
    const d = drive('starttls').connected().from('server', '* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] hi\r\n');
    assert.equal(d.sent('client'), '* OK [CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS] hi\r\n');
    d.from('client', 'a NOOP\r\nb STARTTLS\r\n');
    assert.equal(d.sent('server'), 'a NOOP\r\n', 'never forwarded');
    assert.equal(d.kinds('start-tls').length, 0, 'waits for the NOOP');
    d.from('server', 'a OK\r\n');
    assert.match(d.sent('client'), /a OK\r\nb OK Begin TLS negotiation now\r\n$/);
    assert.deepEqual(d.kinds('start-tls'), [{ type: 'start-tls', side: 'client', role: 'server' }]);
    d.tls('client').from('client', 'c CAPABILITY\r\n').from('server', '* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\nc OK\r\n').from('client', 'd STARTTLS\r\n');
    assert.match(d.sent('client'), /\* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nc OK\r\nd BAD TLS is already active\r\n$/);
  });

  test('upstream STARTTLS: STARTTLS, handshake, CAPABILITY again, then the greeting with fresh capabilities', () => {
    const d = drive('none', 'starttls').connected();
    d.from('server', GREETING).from('client', 'a LOGIN u p\r\n');
    assert.equal(d.sent('server'), 'mailtap-tls STARTTLS\r\n');
    d.from('server', '* OK unrelated\r\nmailtap-tls OK Begin TLS\r\n');
    assert.deepEqual(d.kinds('start-tls'), [{ type: 'start-tls', side: 'server', role: 'client' }]);
    d.tls('server');
    assert.equal(d.sent('server'), 'mailtap-tls STARTTLS\r\nmailtap-cap CAPABILITY\r\n');
    d.from('server', '* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN COMPRESS=DEFLATE\r\nmailtap-cap OK done\r\n');
    assert.equal(d.sent('client'), '* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] Dovecot ready.\r\n');
    assert.equal(d.sent('server'), 'mailtap-tls STARTTLS\r\nmailtap-cap CAPABILITY\r\na LOGIN u p\r\n', 'held client bytes follow');
  });

  const failures: [string, (d: ProxyDrive<ImapProxy>) => void, RegExp][] = [
    ['unreachable', (d) => d.ev({ type: 'connect-failed', side: 'server', error: 'connect ECONNREFUSED' }), /^\* BYE \[UNAVAILABLE\] upstream unavailable: connect ECONNREFUSED\r\n$/],
    ['STARTTLS refused', (d) => d.connected().from('server', GREETING).from('server', 'mailtap-tls BAD no\r\n'), /^\* BYE \[UNAVAILABLE\] the upstream refused STARTTLS: mailtap-tls BAD no\r\n$/],
    ['PREAUTH greeting', (d) => d.connected().from('server', '* PREAUTH hi\r\n'), /^\* BYE \[UNAVAILABLE\] the upstream greeted with: \* PREAUTH hi\r\n$/],
    ['verification failed', (d) => d.connected().from('server', GREETING).from('server', 'mailtap-tls OK\r\n').ev({ type: 'tls-failed', side: 'server', error: 'self-signed certificate' }), /^\* BYE \[UNAVAILABLE\] upstream TLS failed: self-signed certificate\r\n$/],
    ['timed out', (d) => d.connected().ev({ type: 'timeout', side: 'server' }), /^\* BYE \[UNAVAILABLE\] upstream timed out\r\n$/],
  ];
  for (const [name, run, expected] of failures) {
    test(`upstream failure (${name}): * BYE with the reason, both legs closed`, () => {
      const d = drive('none', 'starttls');
      run(d);
      assert.match(d.sent('client'), expected);
      assert.deepEqual(d.closed(), ['client', 'server']);
      // The adapter records connect and TLS failures itself; the codec records the rest.
      assert.deepEqual(d.recorded(), /unreachable|verification/.test(name) ? [] : ['upstream']);
    });
  }

  test('STARTTLS injection on the client leg: refused, flagged, never forwarded (CVE-2011-0411)', () => {
    const d = drive('starttls').connected().from('server', '* OK hi\r\n').from('client', 'a STARTTLS\r\nb LOGIN evil x\r\n');
    assert.equal(d.sent('server'), '');
    assert.deepEqual(d.recorded(), ['starttls-injection']);
    assert.match(d.sent('client'), /\* BYE plaintext pipelined after STARTTLS is refused\r\n$/);
    assert.deepEqual(d.closed(), ['client', 'server']);
  });

  test('STARTTLS injection on the upstream leg (bytes after its OK) is flagged', () => {
    const d = drive('none', 'starttls').connected().from('server', '* OK hi\r\n').from('server', 'mailtap-tls OK\r\n* OK forged\r\n');
    assert.equal(d.kinds('start-tls').length, 0);
    assert.equal((d.kinds('record')[0]!.event as { leg: string }).leg, 'upstream');
  });

  test('a STARTTLS inside a literal is data, not a command', () => {
    const d = drive('starttls').connected().from('server', '* OK hi\r\n');
    d.from('client', 'a APPEND INBOX {14+}\r\nb STARTTLS\r\nxx\r\n');
    assert.equal(d.sent('server'), 'a APPEND INBOX {14+}\r\nb STARTTLS\r\nxx\r\n');
    assert.equal(d.kinds('start-tls').length, 0);
  });

  test('a refused synchronising literal is never sent, and the next command is a command', () => {
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a APPEND INBOX {999999999}\r\n');
    d.from('server', 'a NO [TOOBIG] too big\r\n').from('client', 'b NOOP\r\n');
    assert.equal(d.sent('server'), 'a APPEND INBOX {999999999}\r\nb NOOP\r\n');
  });

  test('IDLE: "+ idling", untagged EXISTS through, DONE ends it (RFC 2177)', () => {
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'i IDLE\r\n').from('server', '+ idling\r\n* 4 EXISTS\r\n');
    d.from('client', 'DONE\r\n').from('server', 'i OK IDLE terminated\r\n').from('client', 'n STARTTLS\r\n');
    assert.equal(d.sent('server'), 'i IDLE\r\nDONE\r\n');
    assert.equal(d.sent('client'), '* OK hi\r\n+ idling\r\n* 4 EXISTS\r\ni OK IDLE terminated\r\nn BAD STARTTLS is not available on this listener\r\n');
  });

  test('AUTHENTICATE: SASL lines pass until the tagged answer; COMPRESS is refused locally', () => {
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a AUTHENTICATE PLAIN\r\n').from('server', '+ \r\n');
    d.from('client', 'AGFsaWNlAHB3\r\n').from('server', 'a OK\r\n').from('client', 'z COMPRESS DEFLATE\r\n');
    assert.equal(d.sent('server'), 'a AUTHENTICATE PLAIN\r\nAGFsaWNlAHB3\r\n');
    assert.match(d.sent('client'), /a OK\r\nz BAD COMPRESS is not available/);
  });

  test('either side closing passes on what it sent, then half-closes the other', () => {
    const d = drive().connected().from('server', '* OK hi\r\n').from('client', 'a LOGOUT\r\nPART').ev({ type: 'closed', side: 'client' });
    assert.equal(d.sent('server'), 'a LOGOUT\r\nPART');
    assert.deepEqual(d.closed(), ['server']);
    const e = drive().connected().from('server', '* OK hi\r\n* BYE par').ev({ type: 'closed', side: 'server' });
    assert.equal(e.sent('client'), '* OK hi\r\n* BYE par');
    assert.deepEqual(e.closed(), ['client']);
  });

  test('capability rewriting leaves the bytes alone when nothing changes', () => {
    const same = Buffer.from('* CAPABILITY IMAP4rev1 STARTTLS IDLE\r\n');
    assert.equal(rewriteCapabilities(same, same.toString().trimEnd(), true).bytes, same);
    const r = rewriteCapabilities(Buffer.from('a OK [CAPABILITY IMAP4rev1 compress=deflate] ok\n'), 'a OK [CAPABILITY IMAP4rev1 compress=deflate] ok', false);
    assert.equal(r.bytes.toString(), 'a OK [CAPABILITY IMAP4rev1] ok\n');
    assert.deepEqual(r.removed, ['compress=deflate']);
  });
});

describe("the caught message's envelope: who logged in (RFC 3501 §6.2)", () => {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  /** A login fed one byte at a time, then a FETCH of BODY[]: the user and TLS of the envelope. */
  const caughtAfter = (login: Turn[], clientTls: TlsMode = 'none'): { user: string | null; tls: boolean } =>
    drive(clientTls).connected().fetchedEnvelope([['server', '* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ AUTH=PLAIN] hi\r\n'], ...login, ['client', 'f1 FETCH 1 BODY.PEEK[]\r\n'], ['server', `${fetchOf(MESSAGE)}f1 OK\r\n`]]);
  const rows: Array<{ name: string; login: Turn[]; user: string | null }> = [
    { name: 'LOGIN with a quoted password', login: [['client', 'a1 LOGIN alice@x.test "p a\\"ss\\\\"\r\n'], ['server', 'a1 OK Logged in\r\n']], user: 'alice@x.test' },
    { name: 'LOGIN with a quoted user', login: [['client', 'a1 LOGIN "bob smith" pw\r\n'], ['server', 'a1 OK [CAPABILITY IMAP4rev1] Logged in\r\n']], user: 'bob smith' },
    { name: 'LOGIN refused', login: [['client', 'a1 LOGIN mallory pw\r\n'], ['server', 'a1 NO [AUTHENTICATIONFAILED] no\r\n']], user: null },
    {
      name: 'LOGIN refused, then one accepted, with a synchronising literal user',
      login: [['client', 'a1 LOGIN eve x\r\n'], ['server', 'a1 NO no\r\n'], ['client', 'a2 LOGIN {5}\r\n'], ['server', '+ go\r\n'], ['client', 'carol {2+}\r\npw\r\n'], ['server', 'a2 OK\r\n']],
      user: 'carol',
    },
    { name: 'AUTHENTICATE PLAIN after a "+"', login: [['client', 'a1 AUTHENTICATE PLAIN\r\n'], ['server', '+ \r\n'], ['client', `${b64('\0dave\0pw')}\r\n`], ['server', 'a1 OK\r\n']], user: 'dave' },
    { name: 'AUTHENTICATE PLAIN with SASL-IR (RFC 4959)', login: [['client', `a1 AUTHENTICATE PLAIN ${b64('\0erin\0pw')}\r\n`], ['server', 'a1 OK\r\n']], user: 'erin' },
    { name: 'AUTHENTICATE XOAUTH2 refused', login: [['client', `a1 AUTHENTICATE XOAUTH2 ${b64('user=f\x01auth=Bearer t\x01\x01')}\r\n`], ['server', '+ eyJzdGF0dXMiOiI0MDEifQ==\r\n'], ['client', '\r\n'], ['server', 'a1 NO [AUTHENTICATIONFAILED] no\r\n']], user: null },
  ];
  for (const r of rows) test(`${r.name}: user ${r.user}`, () => assert.deepEqual(caughtAfter(r.login), { user: r.user, tls: false }));

  test('a client leg in TLS: tls true', () => {
    assert.deepEqual(caughtAfter(rows[0]!.login, 'implicit'), { user: 'alice@x.test', tls: true });
  });
});

describe('IMAP relay codec properties (fast-check)', () => {
  const cuts = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 });
  test('any chunking of both streams gives the same bytes on each side and one capture', () => {
    const client = ['a LOGIN u {1}\r\n', 'p\r\nb APPEND INBOX {3+}\r\nxyz c SELECT INBOX\r\nd FETCH 1 BODY[]\r\ne LOGOUT\r\n'];
    const server = ['* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n', '+ go\r\n', `a OK\r\nb OK\r\nc OK\r\n${fetchOf(MESSAGE)}d OK\r\n* BYE\r\ne OK\r\n`];
    fc.assert(
      fc.property(cuts, (c) => {
        const d = drive().connected();
        d.from('server', server[0]!, c).from('client', client[0]!, c).from('server', server[1]!, c).from('client', client[1]!, c).from('server', server[2]!, c);
        assert.equal(d.sent('server'), client.join(''));
        assert.equal(d.sent('client'), server.join('').replace(' STARTTLS]', ']'));
        assert.deepEqual(d.delivered(), [MESSAGE]);
      }),
      { numRuns: 200 },
    );
  });

  test('random bytes both ways, randomly cut: never throws, never loses or reorders a byte', () => {
    const bytes = fc.uint8Array({ maxLength: 300 });
    fc.assert(
      fc.property(bytes, bytes, bytes, cuts, (a, b, c, k) => {
        const d = drive().connected().from('server', '* OK hi\r\n');
        d.from('client', Buffer.from(a), k).from('server', Buffer.from(b), k).from('client', Buffer.from(c), k);
        d.ev({ type: 'closed', side: 'client' }).ev({ type: 'closed', side: 'server' });
        const sent = Buffer.concat([a, c]).toString('latin1');
        const local = /(STARTTLS|COMPRESS)/i.test(sent);
        // Held octets (a synchronising literal's, waiting for "+") go out when the client closes.
        if (!local) assert.deepEqual(d.sentBytes('server'), Buffer.concat([a, c]));
        if (!local && !/CAPABILITY/i.test(Buffer.from(b).toString('latin1'))) assert.deepEqual(d.sentBytes('client'), Buffer.concat([Buffer.from('* OK hi\r\n'), b]));
      }),
      { numRuns: 1000 },
    );
  });
});
