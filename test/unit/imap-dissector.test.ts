// The IMAP dissector: tags paired with their responses across pipelining, literals both ways,
// AUTHENTICATE, IDLE and STARTTLS; secrets masked; auth events emitted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapDissector } from '../../main/core/protocols/imap/dissector.js';
import type { ExchangeEvent, TimelineEventInput } from '../../shared/types.js';

type Step = ['c' | 's', string];

function dissect(steps: Step[]): TimelineEventInput[] {
  const d = new ImapDissector();
  const out: TimelineEventInput[] = [];
  steps.forEach(([dir, text], i) => out.push(...d.onData(dir === 'c' ? 'c2s' : 's2c', Buffer.from(text, 'latin1'), i * 10)));
  out.push(...d.onClose(1000));
  return out;
}

const exchanges = (ev: TimelineEventInput[]): ExchangeEvent[] => ev.filter((e): e is ExchangeEvent => e.kind === 'exchange');
const summary = (ev: TimelineEventInput[]): string[] =>
  exchanges(ev).map((e) => `${e.command?.line ?? '-'} => ${e.replies.map((r) => r.lines.map((l) => l.code).join(',')).join(' | ')}${e.incomplete ? ' (incomplete)' : ''}`);

describe('IMAP dissector', () => {
  test('greeting, pipelined commands paired by tag, untagged responses with their command', () => {
    const ev = dissect([
      ['s', '* OK [CAPABILITY IMAP4rev1] ready\r\n'],
      ['c', 'a1 CAPABILITY\r\na2 NOOP\r\n'],
      ['s', '* CAPABILITY IMAP4rev1\r\na1 OK done\r\n* 3 EXISTS\r\na2 OK done\r\n'],
    ]);
    assert.deepEqual(summary(ev), ['- => OK', 'a1 CAPABILITY => *,OK', 'a2 NOOP => *,OK']);
    assert.equal(exchanges(ev)[0]!.greeting, true, 'the first response is marked as the greeting');
    assert.ok(exchanges(ev).slice(1).every((e) => !e.greeting));
    const a1 = exchanges(ev)[1]!;
    assert.equal(a1.command!.tag, 'a1');
    assert.equal(a1.latencyUs, 10);
  });

  test('a synchronising literal waits for "+"; a refused one is not read as data; LITERAL+ goes at once', () => {
    const ev = dissect([
      ['c', 'a APPEND INBOX {5}\r\n'],
      ['s', '+ Ready\r\n'],
      ['c', 'b NOO\r\n\r\n'],
      ['s', 'a OK [APPENDUID 1 1] done\r\n'],
      ['c', 'c APPEND INBOX {999}\r\n'],
      ['s', 'c NO [TOOBIG] too big\r\n'],
      ['c', 'd APPEND INBOX {3+}\r\nxyz\r\ne NOOP\r\n'],
      ['s', 'd OK done\r\ne OK done\r\n'],
    ]);
    assert.deepEqual(summary(ev), ['a APPEND INBOX {5} => + | OK', 'c APPEND INBOX {999} => NO', 'd APPEND INBOX {3+} => OK', 'e NOOP => OK']);
    assert.deepEqual(exchanges(ev)[0]!.payload, { kind: 'literal', direction: 'c2s', offset: 20, length: 5 });
  });

  test('literals in responses do not break framing', () => {
    const ev = dissect([
      ['c', 'a FETCH 1 BODY[]\r\n'],
      ['s', '* 1 FETCH (BODY[] {12}\r\na OK fake\r\n)\r\na OK done\r\n'],
    ]);
    assert.deepEqual(summary(ev), ['a FETCH 1 BODY[] => *,OK']);
    assert.equal(exchanges(ev)[0]!.replies[0]!.lines.at(-1)!.text, 'done');
  });

  test('LOGIN: the password is masked and an auth event says who', () => {
    const ev = dissect([['c', 'a LOGIN "bob@y.test" "s3cret"\r\n'], ['s', 'a OK [CAPABILITY IMAP4rev1] Logged in\r\n']]);
    assert.equal(exchanges(ev)[0]!.command!.line, 'a LOGIN "bob@y.test" ••••••••');
    assert.ok(!JSON.stringify(ev).includes('s3cret'));
    assert.deepEqual(ev.find((e) => e.kind === 'auth'), { kind: 'auth', t: 10, leg: 'client', mechanism: 'LOGIN', user: 'bob@y.test', secretMasked: '••••••••', ok: true });
  });

  test('AUTHENTICATE with continuations and with SASL-IR', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const ev = dissect([
      ['c', 'a AUTHENTICATE LOGIN\r\n'],
      ['s', `+ ${b64('Username:')}\r\n`],
      ['c', `${b64('bob')}\r\n`],
      ['s', `+ ${b64('Password:')}\r\n`],
      ['c', `${b64('pw')}\r\n`],
      ['s', 'a NO [AUTHENTICATIONFAILED] no\r\n'],
      ['c', `b AUTHENTICATE PLAIN ${b64('\0carol\0pw2')}\r\n`],
      ['s', 'b OK yes\r\n'],
    ]);
    assert.deepEqual(summary(ev), ['a AUTHENTICATE LOGIN => + | + | NO', `b AUTHENTICATE PLAIN •••••••••••• => OK`]);
    const auths = ev.filter((e) => e.kind === 'auth');
    assert.deepEqual(auths.map((a) => a.kind === 'auth' && [a.mechanism, a.user, a.ok]), [['LOGIN', 'bob', false], ['PLAIN', 'carol', true]]);
  });

  test('IDLE: updates belong to it until DONE and its OK', () => {
    const ev = dissect([
      ['c', 'a IDLE\r\n'],
      ['s', '+ idling\r\n'],
      ['s', '* 4 EXISTS\r\n'],
      ['c', 'DONE\r\n'],
      ['s', 'a OK IDLE terminated\r\n'],
      ['c', 'b NOOP\r\n'],
      ['s', 'b OK\r\n'],
    ]);
    assert.deepEqual(summary(ev), ['a IDLE => + | *,DONE,OK', 'b NOOP => OK']);
  });

  test('STARTTLS: plaintext after its OK is flagged as injection', () => {
    const d = new ImapDissector();
    const ev = [
      ...d.onData('c2s', Buffer.from('a STARTTLS\r\nb LOGIN x y\r\n'), 1),
      ...d.onData('s2c', Buffer.from('a OK go\r\n'), 2),
      ...d.onData('c2s', Buffer.from('c NOOP\r\n'), 3),
      ...d.onTls(),
      ...d.onData('c2s', Buffer.from('d CAPABILITY\r\n'), 4),
      ...d.onData('s2c', Buffer.from('* CAPABILITY IMAP4rev1\r\nd OK\r\n'), 5),
    ];
    assert.equal(ev.filter((e) => e.kind === 'warning' && e.code === 'starttls-injection').length, 2);
    assert.deepEqual(summary(ev), ['a STARTTLS => OK', 'd CAPABILITY => *,OK']);
  });

  test('a connection that closes mid-command leaves an incomplete exchange', () => {
    assert.deepEqual(summary(dissect([['c', 'a FETCH 1:* FLAGS\r\n'], ['s', '* 1 FETCH (FLAGS ())\r\n']])), ['a FETCH 1:* FLAGS => * (incomplete)']);
  });
});
