// The sans-IO parts of replay, with no sockets: response units per protocol (whole and one
// byte at a time), the client script and its TLS modes, the client engine as a playbook,
// credential rewriting, and the server replay codec.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import type { Protocol } from '../../shared/types.js';
import type { WireRecord } from '../../main/core/store/session-records.js';
import { unitFramer } from '../../main/core/replay/units.js';
import { buildScript, withTlsMode } from '../../main/core/replay/script.js';
import { ClientReplayEngine, type EngineCommand } from '../../main/core/replay/client-engine.js';
import { AuthRewriter } from '../../main/core/replay/auth-rewrite.js';
import { buildServerScript } from '../../main/core/replay/server-script.js';
import { ServerReplayCodec } from '../../main/core/replay/server-codec.js';
import { play } from '../helpers/playbook.js';

type Turn = [dir: 'c2s' | 's2c', text: string, tls?: boolean];
const wire = (turns: Turn[]): WireRecord[] => turns.map(([direction, text, tls], i) => ({ t: i * 1000, direction, leg: 'client', tls: !!tls, bytes: Buffer.from(text, 'latin1') }));
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Units found in a server stream, fed whole and one byte at a time: the same either way. */
function units(protocol: Protocol, server: string, client = ''): string[] {
  const whole = unitFramer(protocol);
  whole.client(Buffer.from(client));
  const a = whole.server(Buffer.from(server, 'latin1')).map((u) => `${u.kind}:${u.ok ? '+' : '-'}:${u.line}`);
  const bytewise = unitFramer(protocol);
  bytewise.client(Buffer.from(client));
  const b = [...Buffer.from(server, 'latin1')].flatMap((x) => bytewise.server(Buffer.from([x]))).map((u) => `${u.kind}:${u.ok ? '+' : '-'}:${u.line}`);
  assert.deepEqual(b, a);
  return a;
}

describe('response units', () => {
  test('SMTP: a multi-line reply is one unit; 334 and 354 are continuations (RFC 5321 §4.2.1)', () => {
    assert.deepEqual(units('smtp', '220 hi\r\n250-a\r\n250-b\r\n250 c\r\n334 VXNlcm5hbWU6\r\n354 go\r\n535 5.7.8 no\r\n'), [
      'final:+:220 hi', 'final:+:250 c', 'continue:+:334 VXNlcm5hbWU6', 'continue:+:354 go', 'final:-:535 5.7.8 no',
    ]);
  });
  test('POP3: bodies of RETR, CAPA, bare LIST end at "."; a "." inside is stuffed (RFC 1939 §3)', () => {
    const server = '+OK hi <1.2@h>\r\n+OK capa\r\nTOP\r\n.\r\n+ \r\n+OK in\r\n+OK 2 messages\r\n1 10\r\n.\r\n+OK 1 10\r\n+OK 10 octets\r\n..dot\r\n+OK fake\r\n.\r\n-ERR no such\r\n';
    assert.deepEqual(units('pop3', server, 'CAPA\r\nAUTH PLAIN\r\nAGFhAGI=\r\nLIST\r\nLIST 1\r\nRETR 1\r\nRETR 9\r\n'), [
      'final:+:+OK hi <1.2@h>', 'final:+:+OK capa', 'continue:+:+ ', 'final:+:+OK in', 'final:+:+OK 2 messages', 'final:+:+OK 1 10', 'final:+:+OK 10 octets', 'final:-:-ERR no such',
    ]);
  });
  test('IMAP: untagged data and literals ride with the tagged response; "+" is a unit (RFC 9051 §7)', () => {
    const server = '* OK ready\r\n* 1 FETCH (BODY[] {12}\r\nA1 OK fake\r\n)\r\n* 2 EXISTS\r\nA1 OK done\r\n+ go on\r\nA2 NO [AUTHENTICATIONFAILED] no\r\n';
    assert.deepEqual(units('imap', server), ['final:+:* OK ready', 'final:+:A1 OK done', 'continue:+:+ go on', 'final:-:A2 NO [AUTHENTICATIONFAILED] no']);
  });
});

const smtpStarttls = wire([
  ['s2c', '220 mx ESMTP\r\n'],
  ['c2s', 'EHLO a\r\n'],
  ['s2c', '250-mx\r\n250 STARTTLS\r\n'],
  ['c2s', 'STARTTLS\r\n'],
  ['s2c', '220 go ahead\r\n'],
  ['c2s', 'EHLO a\r\n', true],
  ['s2c', '250-mx\r\n250 AUTH PLAIN\r\n', true],
  ['c2s', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', true],
  ['s2c', '250 ok\r\n', true],
  ['s2c', '250 ok\r\n354 go\r\n', true],
  ['c2s', 'Subject: x\r\n\r\nhi\r\n.\r\n', true],
  ['s2c', '250 queued\r\n', true],
  ['c2s', 'QUIT\r\n', true],
  ['s2c', '221 bye\r\n', true],
]);

describe('client script', () => {
  test('steps: what the client sent at once, the units that answered it, TLS and STARTTLS', () => {
    const s = buildScript('smtp', smtpStarttls);
    assert.equal(s.implicit, false);
    assert.deepEqual(s.steps.map((x) => [x.send.toString().split('\r\n')[0], x.units, x.tls, x.starttls]), [
      ['', 1, false, false],
      ['EHLO a', 1, false, false],
      ['STARTTLS', 1, false, true],
      ['EHLO a', 1, true, false],
      ['MAIL FROM:<a@b>', 3, true, false],
      ['Subject: x', 1, true, false],
      ['QUIT', 1, true, false],
    ]);
    assert.deepEqual(s.steps.map((x) => x.at), [0, 1000, 3000, 5000, 7000, 10_000, 12_000]);
  });
  test('tls none and implicit skip the recorded STARTTLS; starttls adds one to a plaintext recording', () => {
    const s = buildScript('smtp', smtpStarttls);
    assert.deepEqual(withTlsMode(s, 'none').steps.map((x) => [!!x.skip, x.tls]), s.steps.map((x) => [x.starttls, false]));
    const imp = withTlsMode(s, 'implicit');
    assert.equal(imp.implicit, true);
    assert.ok(imp.steps.every((x) => x.tls));
    assert.deepEqual(withTlsMode(s, 'starttls').steps, s.steps, 'a recorded STARTTLS is kept as it is');
    const plain = buildScript('pop3', wire([['s2c', '+OK hi\r\n'], ['c2s', 'CAPA\r\n'], ['s2c', '+OK\r\nUSER\r\n.\r\n']]));
    const added = withTlsMode(plain, 'starttls');
    assert.deepEqual(added.steps.map((x) => [x.send.toString(), x.tls, !!x.injected]), [['', false, false], ['STLS\r\n', false, true], ['CAPA\r\n', true, false]]);
  });
});

/** Drive the engine: `answers[i]` is what the target says after the i-th send (the greeting first). */
function drive(engine: ClientReplayEngine, answers: string[], tlsOk = true): { sent: string[]; log: string[] } {
  const sent: string[] = [];
  const log: string[] = [];
  let i = 0;
  const queue: EngineCommand[] = [...engine.connected(0), ...engine.data(Buffer.from(answers[i++] ?? ''), 0)];
  for (let guard = 0; queue.length && guard < 1000; guard++) {
    const c = queue.shift()!;
    if (c.type === 'send') {
      sent.push(c.bytes.toString());
      if (i < answers.length) queue.push(...engine.data(Buffer.from(answers[i++]!), 0));
    } else if (c.type === 'start-tls') {
      log.push('start-tls');
      queue.push(...(tlsOk ? engine.tlsReady(0) : engine.closed()));
    } else if (c.type === 'finish') log.push(`finish:${c.outcome}`);
    else if (c.type === 'wait') log.push(`wait:${c.ms}`);
  }
  return { sent, log };
}

describe('client engine', () => {
  const script = buildScript('smtp', smtpStarttls);
  test('sends each step once its answer is complete, upgrades after 220, finishes', () => {
    const e = new ClientReplayEngine(script, { pace: 'fast', credentials: {} });
    const r = drive(e, ['220 t\r\n', '250 t\r\n', '220 ready\r\n', '250 t\r\n', '250 a\r\n250 b\r\n354 c\r\n', '250 q\r\n', '221 bye\r\n']);
    assert.deepEqual(r.sent.map((s) => s.split('\r\n')[0]), ['EHLO a', 'STARTTLS', 'EHLO a', 'MAIL FROM:<a@b>', 'Subject: x', 'QUIT']);
    assert.deepEqual(r.log, ['start-tls', 'finish:complete']);
  });
  test('a refused STARTTLS ends the run', () => {
    const e = new ClientReplayEngine(script, { pace: 'fast', credentials: {} });
    const r = drive(e, ['220 t\r\n', '250 t\r\n', '454 4.7.0 TLS not available\r\n']);
    assert.deepEqual(r.log, ['finish:tls-refused']);
  });
  test('an answer in pieces is waited for; timeout and close finish with a reason', () => {
    const e = new ClientReplayEngine(script, { pace: 'fast', credentials: {} });
    e.connected(0);
    assert.deepEqual(e.data(Buffer.from('220 t\r\n'), 0).map((c) => c.type), ['send', 'progress']);
    assert.deepEqual(e.data(Buffer.from('250-t\r\n'), 0), []);
    assert.ok(e.waitingForTarget);
    assert.deepEqual(e.timeout().map((c) => c.type === 'finish' && c.outcome), ['timeout']);
    assert.deepEqual(e.closed(), []);
  });
  test('original pacing waits until each step is due', () => {
    const e = new ClientReplayEngine(script, { pace: 'original', credentials: {} });
    e.connected(100);
    assert.deepEqual(e.data(Buffer.from('220 t\r\n'), 100), [{ type: 'wait', ms: 1 }]);
    assert.deepEqual(e.tick(101).map((c) => c.type), ['send', 'progress']);
  });
});

describe('credentials', () => {
  const cont = (line: string) => ({ kind: 'continue' as const, ok: true, line, bytes: Buffer.alloc(0) });
  test('SMTP AUTH PLAIN with an initial response is re-encoded; the DATA body is left alone', () => {
    const a = new AuthRewriter('smtp', { user: 'new', password: 'secret' });
    const out = a.rewrite(Buffer.from(`AUTH PLAIN ${b64('\0old\0pw')}\r\n`), null, null).toString();
    assert.equal(out, `AUTH PLAIN ${b64('\0new\0secret')}\r\n`);
    a.rewrite(Buffer.from('DATA\r\n'), null, null);
    const body = `AUTH PLAIN ${b64('\0old\0pw')}\r\n.\r\n`;
    assert.equal(a.rewrite(Buffer.from(body), cont('354 go'), null).toString(), body);
  });
  test('AUTH LOGIN answers the two prompts with the substitutes', () => {
    const a = new AuthRewriter('smtp', { user: 'new', password: 'secret' });
    assert.equal(a.rewrite(Buffer.from('AUTH LOGIN\r\n'), null, null).toString(), 'AUTH LOGIN\r\n');
    assert.equal(a.rewrite(Buffer.from(`${b64('old')}\r\n`), cont(`334 ${b64('Username:')}`), null).toString(), `${b64('new')}\r\n`);
    assert.equal(a.rewrite(Buffer.from(`${b64('pw')}\r\n`), cont(`334 ${b64('Password:')}`), null).toString(), `${b64('secret')}\r\n`);
  });
  test('CRAM-MD5 is recomputed from the new challenge (RFC 2195), or reported without a password', () => {
    const challenge = '<42.1@target>';
    const a = new AuthRewriter('smtp', { password: 'tanstaaftanstaaf' });
    a.rewrite(Buffer.from('AUTH CRAM-MD5\r\n'), null, null);
    const out = a.rewrite(Buffer.from(`${b64('tim 0123456789abcdef0123456789abcdef')}\r\n`), cont(`334 ${b64(challenge)}`), null).toString();
    assert.equal(Buffer.from(out.trim(), 'base64').toString(), `tim ${createHmac('md5', 'tanstaaftanstaaf').update(challenge).digest('hex')}`);
    const none = new AuthRewriter('smtp', {});
    none.rewrite(Buffer.from('AUTH CRAM-MD5\r\n'), null, null);
    none.rewrite(Buffer.from(`${b64('tim x')}\r\n`), cont(`334 ${b64(challenge)}`), null);
    assert.match(none.notes.join(), /CRAM-MD5 .*--pass/);
  });
  test('POP3 USER/PASS and APOP (RFC 1939 §7)', () => {
    const a = new AuthRewriter('pop3', { user: 'new', password: 'secret' });
    assert.equal(a.rewrite(Buffer.from('USER old\r\nPASS pw\r\n'), null, null).toString(), 'USER new\r\nPASS secret\r\n');
    const greeting = { kind: 'final' as const, ok: true, line: '+OK ready <1896.697170952@dbc.mtview.ca.us>', bytes: Buffer.alloc(0) };
    const apop = a.rewrite(Buffer.from('APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n'), greeting, greeting).toString();
    assert.equal(apop, `APOP new ${createHash('md5').update('<1896.697170952@dbc.mtview.ca.us>secret').digest('hex')}\r\n`);
  });
  test('IMAP LOGIN is requoted; a literal after a LOGIN-looking line is left alone', () => {
    const a = new AuthRewriter('imap', { password: 'p"w' });
    assert.equal(a.rewrite(Buffer.from('A1 LOGIN "bob" old\r\n'), null, null).toString(), 'A1 LOGIN "bob" "p\\"w"\r\n');
    const append = 'A2 APPEND INBOX {20}\r\n';
    assert.equal(a.rewrite(Buffer.from(append), null, null).toString(), append);
    assert.equal(a.rewrite(Buffer.from('A3 LOGIN bob secret\r\n'), cont('+ go'), null).toString(), 'A3 LOGIN bob secret\r\n');
  });
  describe('bearer logins: the user substituted, the password as the token', () => {
    const xoauth2 = (user: string, token: string): string => b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`);
    const recorded = xoauth2('old@x.test', 'ya29.old');
    const wanted = xoauth2('new@x.test', 'ya29.new');
    const sub = { user: 'new@x.test', password: 'ya29.new' };
    test('SMTP AUTH XOAUTH2 with an initial response, and in two steps after an empty 334', () => {
      assert.equal(new AuthRewriter('smtp', sub).rewrite(Buffer.from(`AUTH XOAUTH2 ${recorded}\r\n`), null, null).toString(), `AUTH XOAUTH2 ${wanted}\r\n`);
      const a = new AuthRewriter('smtp', sub);
      assert.equal(a.rewrite(Buffer.from('AUTH XOAUTH2\r\n'), null, null).toString(), 'AUTH XOAUTH2\r\n');
      assert.equal(a.rewrite(Buffer.from(`${recorded}\r\n`), cont('334 '), null).toString(), `${wanted}\r\n`);
      assert.deepEqual(a.notes, []);
    });
    test("the empty answer to XOAUTH2's error challenge stays as it was", () => {
      const a = new AuthRewriter('smtp', sub);
      a.rewrite(Buffer.from(`AUTH XOAUTH2 ${recorded}\r\n`), null, null);
      assert.equal(a.rewrite(Buffer.from('\r\n'), cont(`334 ${b64('{"status":"401"}')}`), null).toString(), '\r\n');
    });
    test('IMAP AUTHENTICATE XOAUTH2 with SASL-IR (RFC 4959), and after a "+"', () => {
      assert.equal(new AuthRewriter('imap', sub).rewrite(Buffer.from(`A1 AUTHENTICATE XOAUTH2 ${recorded}\r\n`), null, null).toString(), `A1 AUTHENTICATE XOAUTH2 ${wanted}\r\n`);
      const a = new AuthRewriter('imap', sub);
      assert.equal(a.rewrite(Buffer.from('A1 AUTHENTICATE XOAUTH2\r\n'), null, null).toString(), 'A1 AUTHENTICATE XOAUTH2\r\n');
      assert.equal(a.rewrite(Buffer.from(`${recorded}\r\n`), cont('+ '), null).toString(), `${wanted}\r\n`);
    });
    test('POP3 AUTH XOAUTH2 with an initial response (RFC 5034)', () => {
      assert.equal(new AuthRewriter('pop3', sub).rewrite(Buffer.from(`AUTH XOAUTH2 ${recorded}\r\n`), null, null).toString(), `AUTH XOAUTH2 ${wanted}\r\n`);
    });
    test('only --pass: the recorded user with the new token', () => {
      const out = new AuthRewriter('smtp', { password: 'ya29.new' }).rewrite(Buffer.from(`AUTH XOAUTH2 ${recorded}\r\n`), null, null).toString();
      assert.equal(out, `AUTH XOAUTH2 ${xoauth2('old@x.test', 'ya29.new')}\r\n`);
    });
    const decoded = (line: string): string => Buffer.from(line.trim().split(' ').at(-1)!, 'base64').toString();
    test('OAUTHBEARER (RFC 7628 §3.1): the authzid escaped (RFC 5801 §5.1), host and port kept', () => {
      const ob = b64('n,a=old@x.test,\x01host=mx.old.test\x01port=587\x01auth=Bearer ya29.old\x01\x01');
      const out = new AuthRewriter('smtp', { user: 'ops,dev=1@x.test', password: 'ya29.new' }).rewrite(Buffer.from(`AUTH OAUTHBEARER ${ob}\r\n`), null, null).toString();
      assert.equal(decoded(out), 'n,a=ops=2Cdev=3D1@x.test,\x01host=mx.old.test\x01port=587\x01auth=Bearer ya29.new\x01\x01');
      const bare = b64('n,,\x01auth=Bearer ya29.old\x01\x01');
      const imap = new AuthRewriter('imap', { user: 'u@x.test', password: 't' }).rewrite(Buffer.from(`A1 AUTHENTICATE OAUTHBEARER ${bare}\r\n`), null, null).toString();
      assert.equal(decoded(imap), 'n,a=u@x.test,\x01auth=Bearer t\x01\x01', 'no pairs recorded: none invented');
      const pass = new AuthRewriter('pop3', { password: 't' }).rewrite(Buffer.from(`AUTH OAUTHBEARER ${ob}\r\n`), null, null).toString();
      assert.equal(decoded(pass), 'n,a=old@x.test,\x01host=mx.old.test\x01port=587\x01auth=Bearer t\x01\x01', 'the recorded authzid as sent');
      const none = new AuthRewriter('pop3', { password: 't' }).rewrite(Buffer.from(`AUTH OAUTHBEARER ${bare}\r\n`), null, null).toString();
      assert.equal(decoded(none), 'n,,\x01auth=Bearer t\x01\x01');
    });
    test('OAUTHBEARER: the dummy answer (^A) to an error challenge stays as it was (RFC 7628 §3.2.3)', () => {
      const a = new AuthRewriter('imap', sub);
      a.rewrite(Buffer.from('A1 AUTHENTICATE OAUTHBEARER\r\n'), null, null);
      assert.equal(a.rewrite(Buffer.from('AQ==\r\n'), cont('+ eyJ9'), null).toString(), 'AQ==\r\n');
    });
  });
  test('nothing given: the recorded bytes go out unchanged', () => {
    const a = new AuthRewriter('imap', {});
    const line = `A1 AUTHENTICATE PLAIN ${b64('\0bob\0pw')}\r\n`;
    assert.equal(a.rewrite(Buffer.from(line), null, null).toString(), line);
  });
});

describe('server replay codec', () => {
  const greylist = wire([
    ['s2c', '220 mx ESMTP\r\n'],
    ['c2s', 'EHLO a\r\n'],
    ['s2c', '250-mx\r\n250 PIPELINING\r\n'],
    ['c2s', 'MAIL FROM:<a@b>\r\n'],
    ['s2c', '250 ok\r\n'],
    ['c2s', 'RCPT TO:<c@d>\r\n'],
    ['s2c', '451 4.7.1 later\r\n'],
    ['c2s', 'QUIT\r\n'],
    ['s2c', '221 bye\r\n'],
  ]);
  const codec = () => new ServerReplayCodec(buildServerScript('smtp', greylist), { mismatch: () => undefined });

  for (const bytewise of [false, true])
    test(`any EHLO name and addresses match; the dialogue ends with the recorded close${bytewise ? ' (one byte at a time)' : ''}`, () => {
      const r = play(codec(), ['EHLO other.example\r\n', 'MAIL FROM:<x@y>\r\nRCPT TO:<z@w>\r\n', 'QUIT\r\n'], { bytewise });
      assert.deepEqual(r.lines, ['220 mx ESMTP', '250-mx', '250 PIPELINING', '250 ok', '451 4.7.1 later', '221 bye']);
      assert.ok(r.closed);
    });

  test('a command out of the script gets 503 and does not move it', () => {
    const seen: string[] = [];
    const c = new ServerReplayCodec(buildServerScript('smtp', greylist), { mismatch: (want, got) => seen.push(`${want}<-${got.key}`) });
    const r = play(c, ['HELO a\r\n', 'EHLO a\r\n']);
    assert.deepEqual(r.lines, ['220 mx ESMTP', '503 5.5.1 Bad sequence of commands: the replayed dialogue expects EHLO here', '250-mx', '250 PIPELINING']);
    assert.deepEqual(seen, ['EHLO<-HELO']);
  });

  test('STARTTLS: the answer, then TLS; plaintext sent behind it is never read (RFC 3207 §5)', () => {
    const c = new ServerReplayCodec(buildServerScript('smtp', smtpStarttls), { mismatch: () => assert.fail('no mismatch expected') });
    const r = play(c, ['EHLO a\r\n', 'STARTTLS\r\nMAIL FROM:<evil@x>\r\n', 'EHLO a\r\n']);
    assert.equal(r.tlsStarts, 1);
    assert.deepEqual(r.lines.slice(-3), ['220 go ahead', '250-mx', '250 AUTH PLAIN']);
  });

  test('POP3 -ERR and IMAP tagged BAD for a mismatch; IMAP answers carry the client tags', () => {
    const pop = new ServerReplayCodec(buildServerScript('pop3', wire([['s2c', '+OK hi\r\n'], ['c2s', 'USER a\r\n'], ['s2c', '+OK\r\n']])), { mismatch: () => undefined });
    assert.deepEqual(play(pop, ['STAT\r\n']).lines, ['+OK hi', '-ERR the replayed dialogue expects USER here']);
    const imapWire = wire([
      ['s2c', '* OK ready\r\n'],
      ['c2s', 'a1 APPEND INBOX {5}\r\n'],
      ['s2c', '+ go\r\n'],
      ['c2s', 'hello\r\n'],
      ['s2c', 'a1 OK [APPENDUID 1 7] done\r\n'],
      ['c2s', 'a2 LOGOUT\r\n'],
      ['s2c', '* BYE bye\r\na2 OK done\r\n'],
    ]);
    const imap = new ServerReplayCodec(buildServerScript('imap', imapWire), { mismatch: () => undefined });
    const r = play(imap, ['XY7 APPEND INBOX {5}\r\n', 'hello\r\n', 'XY8 NOOP\r\n', 'XY9 LOGOUT\r\n']);
    assert.deepEqual(r.lines, ['* OK ready', '+ go', 'XY7 OK [APPENDUID 1 7] done', 'XY8 BAD the replayed dialogue expects LOGOUT here', '* BYE bye', 'XY9 OK done']);
  });
});
