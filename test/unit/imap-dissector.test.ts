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
    // The mask is as long as the password, not as its quoted form.
    assert.equal(exchanges(ev)[0]!.command!.line, 'a LOGIN "bob@y.test" ••••••');
    assert.ok(!JSON.stringify(ev).includes('s3cret'));
    assert.deepEqual(ev.find((e) => e.kind === 'auth'), { kind: 'auth', t: 10, leg: 'client', mechanism: 'LOGIN', user: 'bob@y.test', secretMasked: '••••••', ok: true });
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

// LOGIN's user and password are astrings (RFC 3501 §6.2.3, §9): atoms, quoted strings with
// escapes, or literals, synchronising (after "+", §7.5) or not (LITERAL+, RFC 7888).
describe('IMAP dissector: LOGIN arguments', () => {
  const rows: Array<{ name: string; steps: Step[]; line: string; user: string | null; secret: string | null; ok?: boolean }> = [
    {
      name: 'a synchronising literal password',
      steps: [['c', 'a1 LOGIN alice {6}\r\n'], ['s', '+ Ready\r\n'], ['c', 's3kr1t\r\n'], ['s', 'a1 OK Logged in\r\n']],
      line: 'a1 LOGIN alice ••••••',
      user: 'alice',
      secret: 's3kr1t',
    },
    {
      name: 'a LITERAL+ password with a space, a quote and UTF-8',
      steps: [['c', 'a1 LOGIN "al ice" {10+}\r\np "wörd x\r\n'], ['s', 'a1 OK Logged in\r\n']],
      line: 'a1 LOGIN "al ice" •••••••••',
      user: 'al ice',
      secret: 'p "wörd x',
    },
    {
      name: 'user and password both synchronising literals',
      steps: [['c', 'x LOGIN {16}\r\n'], ['s', '+ go\r\n'], ['c', 'bob@example.test {4}\r\n'], ['s', '+ go\r\n'], ['c', 'pw\r\n\r\n'], ['s', 'x NO [AUTHENTICATIONFAILED] no\r\n']],
      line: 'x LOGIN {16} ••••',
      user: 'bob@example.test',
      secret: 'pw\r\n',
      ok: false,
    },
    {
      name: 'a literal user and a quoted password with escapes',
      steps: [['c', 'x LOGIN {5+}\r\ncarol "p\\"w\\\\d"\r\n'], ['s', 'x OK\r\n']],
      line: 'x LOGIN {5+} •••••',
      user: 'carol',
      secret: 'p"w\\d',
    },
    {
      name: 'an empty literal password',
      steps: [['c', 'x LOGIN dan {0}\r\n'], ['s', '+ go\r\n'], ['c', '\r\n'], ['s', 'x NO\r\n']],
      line: 'x LOGIN dan •',
      user: 'dan',
      secret: '',
      ok: false,
    },
    {
      name: 'a literal over the limit is not read',
      steps: [['c', `x LOGIN erin {2000+}\r\n${'z'.repeat(2000)}\r\n`], ['s', 'x NO\r\n']],
      line: 'x LOGIN erin •••••••',
      user: 'erin',
      secret: null,
      ok: false,
    },
  ];
  test('a refused synchronising literal: the command shows its mask, and there is no auth event', () => {
    const ev = dissect([['c', 'a1 LOGIN alice {6}\r\n'], ['s', 'a1 NO [TOOBIG] no\r\n'], ['c', 'a2 NOOP\r\n'], ['s', 'a2 OK\r\n']]);
    assert.deepEqual(summary(ev), ['a1 LOGIN alice ••• => NO', 'a2 NOOP => OK']);
    assert.equal(ev.filter((e) => e.kind === 'auth').length, 0);
  });

  for (const r of rows)
    for (const bytewise of [false, true])
      test(`${r.name}${bytewise ? ', one byte at a time' : ''}`, () => {
        const d = new ImapDissector();
        const ev: TimelineEventInput[] = [];
        for (const [dir, text] of r.steps) {
          const bytes = Buffer.from(text, 'utf8');
          for (const part of bytewise ? [...bytes].map((b) => Buffer.from([b])) : [bytes]) ev.push(...d.onData(dir === 'c' ? 'c2s' : 's2c', part, 1));
        }
        ev.push(...d.onClose(1000));
        const ex = exchanges(ev);
        assert.equal(ex.length, 1);
        assert.equal(ex[0]!.command!.line, r.line);
        assert.equal(ex[0]!.payload, undefined, 'a LOGIN literal is a secret, not a payload');
        const auth = ev.find((e) => e.kind === 'auth');
        assert.ok(auth && auth.kind === 'auth');
        assert.deepEqual([auth.user, auth.ok], [r.user, r.ok ?? true]);
        assert.equal(auth.secretMasked, r.secret === null ? null : '•'.repeat(Math.min(Math.max(r.secret.length, 1), 12)));
        if (r.secret) assert.ok(!JSON.stringify(ev).includes(r.secret.trim()), 'the password is nowhere in the timeline');
      });
});
