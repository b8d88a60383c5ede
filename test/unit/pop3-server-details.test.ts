// The POP3 server codec in detail: exact bytes of multi-line responses (byte-stuffing, CRLF.CRLF),
// TOP, the per-recipient maildrop and its snapshot, STLS, waits for the host, timeouts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3Server, type Pop3ServerConfig } from '../../main/core/protocols/pop3/server.js';
import { dotTerminated, topOf } from '../../main/core/protocols/pop3/reply.js';
import type { CodecCommand } from '../../main/core/protocols/types.js';
import { play } from '../helpers/playbook.js';
import { FakeHost, MESSAGES, responses } from '../helpers/pop3-fake.js';

const mk = (c: Partial<Pop3ServerConfig> = {}): Pop3Server => new Pop3Server({ tlsAvailable: true, timestamp: '<1.2@t>', ...c });
const LOGIN = 'USER bob\r\nPASS x\r\n';
const text = (cmds: CodecCommand[]): string => cmds.map((c) => (c.type === 'send' ? Buffer.from(c.bytes).toString('latin1') : '')).join('');

describe('POP3 multi-line bodies (RFC 1939 §3)', () => {
  const cases: [string, string, string][] = [
    ['ends in CRLF', 'a\r\nb\r\n', 'a\r\nb\r\n.\r\n'],
    ['no final line break gets CRLF', 'a\r\nb', 'a\r\nb\r\n.\r\n'],
    ['a leading dot on the first line', '.a\r\n', '..a\r\n.\r\n'],
    ['a lone dot line is stuffed', 'a\r\n.\r\nb\r\n', 'a\r\n..\r\nb\r\n.\r\n'],
    ['dots after a bare LF are stuffed too', 'a\n.\r\n', 'a\n..\r\n.\r\n'],
    ['a dot mid-line is left alone', 'a.b\r\n', 'a.b\r\n.\r\n'],
    ['empty message', '', '.\r\n'],
    ['CRLF only', '\r\n', '\r\n.\r\n'],
    ['many dots', '...\r\n..\r\n', '....\r\n...\r\n.\r\n'],
  ];
  for (const [name, body, wire] of cases) test(name, () => assert.equal(dotTerminated(Buffer.from(body, 'latin1')).toString('latin1'), wire));

  test('TOP: header, blank line, n lines of body', () => {
    const raw = Buffer.from('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n');
    assert.equal(topOf(raw, 0).toString(), 'A: 1\r\nB: 2\r\n\r\n');
    assert.equal(topOf(raw, 2).toString(), 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
    assert.equal(topOf(raw, 99).toString(), raw.toString());
    assert.equal(topOf(Buffer.from('A: 1\r\nB: 2'), 3).toString(), 'A: 1\r\nB: 2', 'no blank line: all header');
    assert.equal(topOf(Buffer.from('A: 1\n\nx\ny\n'), 1).toString(), 'A: 1\n\nx\n', 'bare LF messages');
    assert.equal(topOf(Buffer.from('\r\nbody\r\nmore\r\n'), 1).toString(), '\r\nbody\r\n', 'empty header');
  });
});

describe('POP3 server codec: details', () => {
  test('the greeting carries an APOP timestamp <pid.clock@host> (RFC 1939 §7), new each time', () => {
    const a = Buffer.from((new Pop3Server({ hostname: 'h.test' }).start()[0] as { bytes: Uint8Array }).bytes).toString();
    const b = Buffer.from((new Pop3Server({ hostname: 'h.test' }).start()[0] as { bytes: Uint8Array }).bytes).toString();
    assert.match(a, new RegExp(`^\\+OK .* <${process.pid}\\.\\d+\\.\\d+@h\\.test>\\r\\n$`));
    assert.notEqual(a, b);
  });

  test('RETR sends the stored bytes, byte-stuffed, with the size', () => {
    const r = play(mk(), [LOGIN + 'RETR 2\r\nRETR 3\r\n'], { serve: new FakeHost().serve });
    const { bodies } = responses(r, ['+OK', '+OK', '+OK', '+OK*', '+OK*']);
    assert.ok(r.sent.includes(`+OK ${MESSAGES[1]!.raw.length} octets\r\nSubject: two\r\nX-A: b\r\n\r\n..leading dot\r\nline 2\r\n..\r\nline 4\r\n.\r\n`), r.sent);
    assert.equal(bodies[1], 'Subject: three\r\n\r\nno final line break');
  });

  test('RETR marks the message seen; TOP does not', () => {
    const host = new FakeHost();
    play(mk(), [LOGIN + 'TOP 1 0\r\nRETR 2\r\n'], { serve: host.serve });
    assert.deepEqual(host.seen, [MESSAGES[1]!.id]);
  });

  test('TOP on the wire', () => {
    const r = play(mk(), [LOGIN + 'TOP 2 1\r\n'], { serve: new FakeHost().serve });
    assert.ok(r.sent.endsWith('+OK top of message follows\r\nSubject: two\r\nX-A: b\r\n\r\n..leading dot\r\n.\r\n'), r.sent);
  });

  test('STAT, LIST and UIDL agree, and leave out marked messages', () => {
    const sizes = MESSAGES.map((m) => m.raw.length);
    const r = play(mk(), [LOGIN + 'DELE 2\r\nSTAT\r\nLIST\r\nUIDL\r\nUIDL 3\r\n'], { serve: new FakeHost().serve });
    assert.ok(r.sent.includes(`+OK 2 ${sizes[0]! + sizes[2]!}\r\n`), r.sent);
    assert.ok(r.sent.includes(`\r\n1 ${sizes[0]}\r\n3 ${sizes[2]}\r\n.\r\n`), r.sent);
    assert.ok(r.sent.includes(`\r\n1 ${MESSAGES[0]!.id}\r\n3 ${MESSAGES[2]!.id}\r\n.\r\n`), r.sent);
    assert.ok(r.sent.endsWith(`+OK 3 ${MESSAGES[2]!.id}\r\n`));
  });

  test('an email address as the user name sees only its own mail, case-insensitively', () => {
    const host = new FakeHost();
    const r = play(mk(), ['USER BOB@example.test\r\nPASS x\r\nUIDL\r\n'], { serve: host.serve });
    assert.deepEqual(host.requests[0], { op: 'maildrop', user: 'BOB@example.test' });
    assert.match(r.sent, /maildrop has 2 messages/);
    assert.ok(r.sent.includes(`1 ${MESSAGES[0]!.id}\r\n2 ${MESSAGES[2]!.id}\r\n.\r\n`));
  });

  test('the maildrop is a snapshot: mail caught after login does not renumber it', () => {
    const host = new FakeHost();
    const s = mk();
    const serve = (cmds: CodecCommand[]): string => {
      let out = text(cmds);
      for (const c of cmds) if (c.type === 'request') out += serve(s.handle({ type: 'response', id: c.id, ok: true, value: host.serve(c.request) }));
      return out;
    };
    serve(s.start());
    serve(s.handle({ type: 'data', side: 'client', bytes: Buffer.from(LOGIN) }));
    host.messages.unshift({ id: '0000000000zzzzzz', rcptTo: [], raw: 'X: y\r\n\r\n' });
    assert.equal(serve(s.handle({ type: 'data', side: 'client', bytes: Buffer.from('STAT\r\nUIDL 1\r\n') })), `+OK 3 ${MESSAGES.reduce((n, m) => n + m.raw.length, 0)}\r\n+OK 1 ${MESSAGES[0]!.id}\r\n`);
    assert.equal(host.requests.filter((r) => r.op === 'maildrop').length, 1);
  });

  test('a message deleted elsewhere since login is -ERR, and the session goes on', () => {
    const host = new FakeHost();
    const r = play(mk(), [LOGIN, 'RETR 1\r\nNOOP\r\n'], {
      serve: (req) => {
        if ((req as { op: string }).op === 'read') throw new Error('gone');
        return host.serve(req);
      },
    });
    assert.deepEqual(responses(r, []).tokens, ['+OK', '+OK', '+OK', '-ERR', '+OK']);
  });

  test('QUIT whose deletions fail is -ERR [SYS/TEMP] and still closes (RFC 1939 §6)', () => {
    const host = new FakeHost();
    host.failDelete = true;
    const r = play(mk(), [LOGIN + 'DELE 1\r\nQUIT\r\n'], { serve: host.serve });
    assert.deepEqual(responses(r, []).tokens, ['+OK', '+OK', '+OK', '+OK', '-ERR[SYS/TEMP]']);
    assert.equal(r.closed, true);
  });

  test('input waits while the store answers: nothing pipelined is answered early', () => {
    const s = mk();
    s.start();
    const host = new FakeHost();
    const first = s.handle({ type: 'data', side: 'client', bytes: Buffer.from(LOGIN + 'STAT\r\n') });
    const req = first.find((c) => c.type === 'request');
    assert.ok(req && req.type === 'request');
    assert.equal(text(first), '+OK send PASS for bob\r\n');
    const after = s.handle({ type: 'response', id: req.id, ok: true, value: host.serve(req.request) });
    assert.match(text(after), /^\+OK bob's maildrop has 3 messages \(\d+ octets\)\r\n\+OK 3 \d+\r\n$/);
    assert.equal(after.length, 1, 'one write for the two responses');
  });

  test('CAPA lists the capabilities; STLS only before TLS and login', () => {
    const r = play(mk(), ['CAPA\r\n' + LOGIN + 'CAPA\r\n'], { serve: new FakeHost().serve });
    const { bodies } = responses(r, ['+OK', '+OK*', '+OK', '+OK', '+OK*']);
    const before = bodies[0]!.split('\r\n');
    for (const c of ['TOP', 'UIDL', 'USER', 'SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER', 'RESP-CODES', 'PIPELINING', 'AUTH-RESP-CODE', 'STLS', 'IMPLEMENTATION mailtap']) assert.ok(before.includes(c), `missing ${c}`);
    assert.ok(!bodies[1]!.split('\r\n').includes('STLS'));
    const none = play(mk({ tlsAvailable: false }), ['CAPA\r\n']);
    assert.ok(!none.sent.includes('STLS'));
  });

  test('STLS forgets USER and drops plaintext pipelined after it (RFC 2595 §4, CVE-2011-0411)', () => {
    const host = new FakeHost();
    const r = play(mk(), ['USER bob\r\n', 'STLS\r\nPASS injected\r\n', 'PASS x\r\nCAPA\r\n'], { serve: host.serve });
    assert.equal(r.tlsStarts, 1);
    assert.deepEqual(responses(r, ['+OK', '+OK', '+OK', '-ERR', '+OK*']).tokens, ['+OK', '+OK', '+OK', '-ERR', '+OK*']);
    assert.ok(!r.sent.includes('\r\nSTLS\r\n'), 'STLS is not offered inside TLS');
    assert.equal(host.requests.length, 0, 'the injected PASS never logged in');
  });

  test('idle timeout: -ERR and close, and nothing marked is deleted (RFC 1939 §3)', () => {
    const host = new FakeHost();
    const s = mk();
    play(s, [LOGIN + 'DELE 1\r\n'], { serve: host.serve });
    const out = s.handle({ type: 'timeout', side: 'client' });
    assert.match(text(out), /^-ERR \[SYS\/TEMP\] autologout/);
    assert.equal(out.at(-1)!.type, 'close');
    assert.deepEqual(host.deleted, []);
    assert.deepEqual(s.handle({ type: 'data', side: 'client', bytes: Buffer.from('QUIT\r\n') }), []);
  });

  test('a response for an unknown request id is ignored', () => {
    const s = mk();
    s.start();
    assert.deepEqual(s.handle({ type: 'response', id: 99, ok: true, value: [] }), []);
  });
});
