// Normalisation rules and the exchange diff of client replay, as tables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules } from '../../main/core/replay/normalize.js';
import { diffExchanges, replyLines } from '../../main/core/replay/diff.js';
import type { ExchangeEvent, Reply } from '../../shared/types.js';

const cram = (s: string): string => Buffer.from(s).toString('base64');

describe('normalisation', () => {
  const rules = compileRules();
  const table: [string, string, string][] = [
    ['host name in a greeting', '220 mx.example.com ESMTP Postfix', '220 <host> ESMTP Postfix'],
    ['enhanced status codes stay', '250 2.1.0 Ok', '250 2.1.0 Ok'],
    ['IPv4 literal', '250-mailtap.local Hello [127.0.0.1]', '250-<host> Hello [<ip>]'],
    ['IPv6 literal', '250 Hello [IPv6:::1]', '250 Hello [<ip>]'],
    ['localhost', '220 localhost ready', '220 <host> ready'],
    ['a bare IPv6 address', '250 Hello 2001:db8::1 and ::1', '250 Hello <ip> and <ip>'],
    ['times are not IPv6', 'OK took 12:00:01', 'OK took 12:00:01'],
    ['RFC 5322 date', '220 mx ESMTP Mon, 23 Nov 2026 12:00:01 +0000', '220 mx ESMTP <date>'],
    ['RFC 5322 date without day or seconds', '* OK 3 Feb 2025 09:15 GMT', '* OK <date>'],
    ['IMAP INTERNALDATE', '* 1 FETCH (INTERNALDATE "23-Nov-2026 12:00:01 +0000" UID 4)', '* 1 FETCH (INTERNALDATE <date> UID 4)'],
    ['INTERNALDATE with a space-padded day', '* 1 FETCH (INTERNALDATE " 3-Nov-2026 12:00:01 +0000")', '* 1 FETCH (INTERNALDATE <date>)'],
    ['ISO 8601', 'OK done at 2026-11-23T12:00:01.123Z', 'OK done at <date>'],
    ['message id', '250 Ok <20261123.abc@mail.example.com> stored', '250 Ok <msgid> stored'],
    ['APOP timestamp', '+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>', '+OK POP3 ready <msgid>'],
    ['queue id (mailtap)', '250 2.0.0 Ok: queued as 0mwt9078p000eg4r', '250 2.0.0 Ok: queued as <id>'],
    ['queue id (Postfix)', '250 2.0.0 Ok: queued as 4Zb3Kq1xQdz9sWn', '250 2.0.0 Ok: queued as <id>'],
    ['queue id as id=', '250 OK id=1tEnb9-00000A1-2x', '250 OK id=<id>'],
    ['CRAM-MD5 challenge', `334 ${cram('<1896.697170952@postoffice.example.net>')}`, '334 <challenge>'],
    ['IMAP CRAM-MD5 challenge', `+ ${cram('<12.34@host>')}`, '+ <challenge>'],
    ['LOGIN prompts are not challenges', `334 ${cram('Username:')}`, `334 ${cram('Username:')}`],
  ];
  for (const [name, input, want] of table) test(name, () => assert.equal(rules.line(input), want));

  test('each rule can be turned off', () => {
    const none = compileRules({ hostnames: false, dates: false, messageIds: false, queueIds: false, challenges: false });
    for (const [, input] of table) assert.equal(none.line(input), input);
  });

  test('user patterns replace their matches with <*>', () => {
    const r = compileRules({ patterns: ['UIDVALIDITY \\d+', 'x-[a-z]+'] });
    assert.equal(r.line('OK [UIDVALIDITY 1795437446] UIDs valid, x-abc'), 'OK [<*>] UIDs valid, <*>');
  });

  test('a pattern that does not compile is an error that names it', () => {
    assert.throws(() => compileRules({ patterns: ['(unclosed'] }), /\(unclosed/);
  });
});

const reply = (...lines: string[]): Reply => ({ t: 0, status: 'ok', lines: lines.map((l) => ({ code: l.split(' ')[0]!, enhanced: null, text: l.split(' ').slice(1).join(' ') })) });
let seq = 0;
const ex = (line: string | null, ...replies: Reply[]): ExchangeEvent => ({
  kind: 'exchange', seq: seq++, t: 0, leg: 'client', latencyUs: 1,
  command: line === null ? null : { verb: line.split(' ')[0]!.toUpperCase(), args: line.split(' ').slice(1).join(' '), line },
  replies,
});

describe('diff', () => {
  const rules = compileRules();
  const recorded = [
    ex(null, reply('220 mx.example.com ESMTP')),
    ex('EHLO a', reply('250 mx.example.com')),
    ex('STARTTLS', reply('220 go ahead')),
    ex('MAIL FROM:<a@b>', reply('250 Ok')),
    ex('RCPT TO:<c@d>', reply('250 Ok')),
  ];

  test('reply lines as text', () => {
    assert.deepEqual(replyLines([{ t: 0, status: 'ok', lines: [{ code: '250', enhanced: '2.1.0', text: 'Ok' }, { code: '*', enhanced: null, text: '3 EXISTS' }] }]), ['250 2.1.0 Ok', '* 3 EXISTS']);
  });

  const table: { name: string; replayed: ExchangeEvent[]; skipped?: string[]; injected?: number; want: string[] }[] = [
    {
      name: 'all match after normalisation',
      replayed: [ex(null, reply('220 other.example.org ESMTP')), ex('EHLO a', reply('250 other.example.org')), ex('STARTTLS', reply('220 go ahead')), ex('MAIL FROM:<a@b>', reply('250 Ok')), ex('RCPT TO:<c@d>', reply('250 Ok'))],
      want: ['match', 'match', 'match', 'match', 'match'],
    },
    {
      name: 'a different code is a mismatch',
      replayed: [ex(null, reply('220 mx.example.net ESMTP')), ex('EHLO a', reply('250 mx.example.net')), ex('STARTTLS', reply('220 go ahead')), ex('MAIL FROM:<a@b>', reply('250 Ok')), ex('RCPT TO:<c@d>', reply('451 later'))],
      want: ['match', 'match', 'match', 'match', 'mismatch'],
    },
    {
      name: 'the target stopped early: missing',
      replayed: [ex(null, reply('220 mx.example.net ESMTP')), ex('EHLO a', reply('250 mx.example.net'))],
      want: ['match', 'match', 'missing', 'missing', 'missing'],
    },
    {
      name: 'the target answered more: extra',
      replayed: [ex(null, reply('220 mx.example.net ESMTP')), ex('EHLO a', reply('250 mx.example.net')), ex('STARTTLS', reply('220 go ahead')), ex('MAIL FROM:<a@b>', reply('250 Ok')), ex('RCPT TO:<c@d>', reply('250 Ok')), ex(null, reply('421 bye'))],
      want: ['match', 'match', 'match', 'match', 'match', 'extra'],
    },
    {
      name: 'a STARTTLS that was not sent is skipped, the rest pairs on',
      replayed: [ex(null, reply('220 mx.example.net ESMTP')), ex('EHLO a', reply('250 mx.example.net')), ex('MAIL FROM:<a@b>', reply('250 Ok')), ex('RCPT TO:<c@d>', reply('250 Ok'))],
      skipped: ['STARTTLS'],
      want: ['match', 'match', 'skipped', 'match', 'match'],
    },
    {
      name: 'added exchanges after the greeting are skipped',
      replayed: [ex(null, reply('220 mx.example.net ESMTP')), ex('EHLO mailtap-replay', reply('250 mx.example.net')), ex('STARTTLS', reply('220 go')), ex('EHLO a', reply('250 mx.example.net')), ex('STARTTLS', reply('220 go ahead')), ex('MAIL FROM:<a@b>', reply('250 Ok')), ex('RCPT TO:<c@d>', reply('250 Ok'))],
      injected: 2,
      want: ['skipped', 'skipped', 'match', 'match', 'match', 'match', 'match'],
    },
  ];
  for (const c of table)
    test(c.name, () => {
      const d = diffExchanges({ recorded, replayed: c.replayed, skippedVerbs: new Set(c.skipped ?? []), injected: c.injected ?? 0, rules });
      assert.deepEqual(d.exchanges.map((e) => e.status), c.want);
      assert.equal(d.exchanges.length, Object.values(d.counts).reduce((a, b) => a + b, 0));
      assert.deepEqual(d.exchanges.map((e) => e.index), c.want.map((_, i) => i));
    });

  test('a mismatch carries both forms, raw and normalised', () => {
    const d = diffExchanges({ recorded: [ex('RCPT TO:<c@d>', reply('250 mx.example.com Ok'))], replayed: [ex('RCPT TO:<c@d>', reply('451 mx.example.com later'))], skippedVerbs: new Set(), injected: 0, rules });
    const e = d.exchanges[0]!;
    assert.deepEqual([e.command, e.expected, e.actual, e.expectedNormalized, e.actualNormalized], ['RCPT TO:<c@d>', ['250 mx.example.com Ok'], ['451 mx.example.com later'], ['250 <host> Ok'], ['451 <host> later']]);
  });
});
