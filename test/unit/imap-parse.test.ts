// The pure pieces of the IMAP codec: the framer, argument reading, sequence sets, mailbox name
// encoding, MIME parameters, address lists and the ENVELOPE/BODYSTRUCTURE writers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFramer, type Frame } from '../../main/core/protocols/imap/framer.js';
import { Args } from '../../main/core/protocols/imap/args.js';
import { formatSet, parseSequenceSet, selectPositions, selectSequence } from '../../main/core/protocols/imap/sequence.js';
import { decodeMailboxName, encodeMailboxName } from '../../main/core/protocols/imap/mutf7.js';
import { parseContentType, parseDisposition } from '../../main/core/protocols/imap/mime-params.js';
import { parseAddressList } from '../../main/core/protocols/imap/address.js';
import { encodeEnvelope, forHumans } from '../../main/core/protocols/imap/envelope.js';
import { readFields } from '../../main/core/protocols/imap/header-fields.js';
import { readFetchItems } from '../../main/core/protocols/imap/fetch-items.js';
import { imapDateTime, parseImapDate, str } from '../../main/core/protocols/imap/encode.js';
import { toCrlf } from '../../main/core/mailbox/crlf.js';

function frames(f: ImapFramer, input: string, onLiteral: (fr: Frame) => 'accept' | 'refuse' = () => 'accept'): Frame[] {
  f.push(Buffer.from(input, 'latin1'));
  const out: Frame[] = [];
  for (let fr = f.next(); fr; fr = f.next()) {
    out.push(fr);
    if (fr.kind === 'literal') onLiteral(fr) === 'accept' ? f.accept() : f.refuse();
  }
  return out;
}

const text = (fr: Frame): unknown => (fr.kind === 'command' ? fr.parts.map((p) => ('text' in p ? p.text : `<${p.literal.toString('latin1')}>`)) : fr.kind);

describe('IMAP framer', () => {
  test('lines, literals of both kinds, and a literal at the end of a continued line', () => {
    const f = new ImapFramer(1000, 1000);
    const out = frames(f, 'a NOOP\r\nb LOGIN {3}\r\nbob {2+}\r\npw\r\nc X\n');
    assert.deepEqual(out.map((x) => x.kind), ['command', 'literal', 'literal', 'command', 'command']);
    assert.deepEqual(text(out[3]!), ['b LOGIN ', '<bob>', ' ', '<pw>', '']);
    assert.deepEqual(text(out[4]!), ['c X']);
  });

  test('a refused synchronising literal ends its command; a refused LITERAL+ is skipped', () => {
    const f = new ImapFramer(1000, 10);
    const out = frames(f, 'a APPEND x {5}\r\nb NOOP\r\nc APPEND x {4+}\r\nd NO more {2+}\r\nzz\r\ne NOOP\r\n', () => 'refuse');
    assert.deepEqual(out.map((x) => (x.kind === 'command' ? text(x) : x.kind)), ['literal', [['b NOOP']][0], 'literal', ['e NOOP']]);
  });

  test('an overlong line is reported once, with its head, and framing goes on', () => {
    const f = new ImapFramer(20, 100);
    const out = frames(f, `t1 NOOP ${'x'.repeat(40)}`);
    assert.deepEqual(out, []);
    const more = frames(f, `${'y'.repeat(40)}\r\nt2 NOOP\r\nt3 X ${'z'.repeat(30)} {3+}\r\nabc\r\nt4 NOOP\r\n`);
    assert.deepEqual(more.map((x) => x.kind), ['too-long', 'command', 'too-long', 'command']);
    assert.match((more[0] as { head: string }).head, /^t1 NOOP x+$/);
    assert.deepEqual(text(more[3]!), ['t4 NOOP'], 'the LITERAL+ octets of the dropped line are skipped');
  });
});

describe('IMAP arguments and sets', () => {
  test('atoms, quoted strings, literals and lists', () => {
    const a = new Args([{ text: 'INBOX "a \\"b\\" c" ' }, { literal: Buffer.from('lit') }, { text: ' (\\Seen $X) NIL' }]);
    assert.equal(a.astring(), 'INBOX');
    assert.ok(a.sp());
    assert.equal(a.astring(), 'a "b" c');
    assert.ok(a.sp());
    assert.equal(a.astring(), 'lit');
    assert.ok(a.sp());
    assert.deepEqual(a.list(() => a.flag()), ['\\Seen', '$X']);
    assert.ok(a.sp());
    assert.equal(a.nstring(), null);
    assert.ok(a.atEnd());
  });

  test('sequence sets', () => {
    assert.deepEqual(parseSequenceSet('1:3,7,9:*'), [[1, 3], [7, 7], [9, '*']]);
    for (const bad of ['', '0', '1:', ',1', '1:2:3', 'a', '4294967296']) assert.equal(parseSequenceSet(bad), null, bad);
    assert.deepEqual(selectSequence(parseSequenceSet('5:2,*')!, 6), [1, 2, 3, 4, 5]);
    assert.deepEqual(selectPositions(parseSequenceSet('3:*')!, [1, 4, 9]), [1, 2]);
    assert.deepEqual(selectPositions(parseSequenceSet('*')!, [1, 4, 9]), [2]);
    assert.deepEqual(selectPositions(parseSequenceSet('20:*')!, [1, 4, 9]), [2], '"*" is the largest UID, so 20:* is 9:20');
    assert.equal(formatSet([1, 2, 3, 7, 9, 10]), '1:3,7,9:10');
  });

  test('FETCH items: macros, sections, partials', () => {
    const items = readFetchItems(new Args([{ text: '(UID BODY.PEEK[1.2.HEADER.FIELDS (From "To")]<10.20> BODY[] RFC822.SIZE)' }]));
    assert.deepEqual(items, [
      { kind: 'UID' },
      { kind: 'section', peek: true, section: { part: [1, 2], spec: 'HEADER.FIELDS', fields: ['FROM', 'TO'] }, partial: { start: 10, length: 20 } },
      { kind: 'section', peek: false, section: { part: [], spec: '', fields: [] }, partial: null },
      { kind: 'RFC822.SIZE' },
    ]);
    assert.equal(readFetchItems(new Args([{ text: 'ALL' }]))!.length, 4);
    for (const bad of ['(UID', 'BODY[0]', 'BODY[MIME]', 'BODY[1]<5>', 'FOO', 'BODY[HEADER.FIELDS ()]']) assert.equal(readFetchItems(new Args([{ text: bad }])), null, bad);
  });

  test('dates', () => {
    assert.equal(imapDateTime('2024-01-05T09:00:00.000Z'), '05-Jan-2024 09:00:00 +0000');
    assert.equal(parseImapDate(' 5-Jan-2024 10:00:00 +0100', true)!.toISOString(), '2024-01-05T09:00:00.000Z');
    assert.equal(parseImapDate('1-Feb-2020', false)!.toISOString(), '2020-02-01T00:00:00.000Z');
    assert.equal(parseImapDate('31-Foo-2020', false), null);
  });

  test('modified UTF-7 mailbox names (RFC 3501 §5.1.3)', () => {
    for (const [plain, wire] of [['INBOX', 'INBOX'], ['été', '&AOk-t&AOk-'], ['A&B', 'A&-B'], ['日本語', '&ZeVnLIqe-'], ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-']]) {
      assert.equal(encodeMailboxName(plain!), wire);
      assert.equal(decodeMailboxName(wire!), plain);
    }
    for (const bad of ['&AOk', '&Jjo!', '&AGE-', 'é']) assert.equal(decodeMailboxName(bad), null, bad);
  });
});

describe('IMAP message description', () => {
  test('MIME parameters as Dovecot reports them: RFC 2231 pieces joined, extended values kept encoded', () => {
    const ct = parseContentType(`application/pdf; name*0="long"; name*1="name.pdf"; X="a;b" (comment)`);
    assert.deepEqual(ct, { type: 'application', subtype: 'pdf', params: [['X', 'a;b'], ['name', 'longname.pdf']] });
    const d = parseDisposition(`attachment; filename*0*=utf-8''%E2%82%AC; filename*1*=%20x.pdf; filename*2=" 100%"`);
    assert.deepEqual(d!.params, [['filename*', "utf-8''%E2%82%AC%20x.pdf 100%25"]]);
    assert.deepEqual(parseContentType('garbage'), { type: 'garbage', subtype: '', params: [] });
  });

  test('address lists: names, comments, groups, routes and broken ones', () => {
    const l = parseAddressList('"Doe, John" <john@x.example>, plain@y.example (Comment), G: a@b.example;, bob, <@r.example:c@d.example>, Name <broken')!;
    assert.deepEqual(l, [
      { name: 'Doe, John', route: null, mailbox: 'john', domain: 'x.example' },
      { name: 'Comment', route: null, mailbox: 'plain', domain: 'y.example' },
      { name: null, route: null, mailbox: 'G', domain: null },
      { name: null, route: null, mailbox: 'a', domain: 'b.example' },
      { name: null, route: null, mailbox: null, domain: null },
      { name: null, route: null, mailbox: 'bob', domain: 'MISSING_DOMAIN' },
      { name: null, route: '@r.example', mailbox: 'c', domain: 'd.example' },
      { name: 'Name', route: null, mailbox: 'broken', domain: 'SYNTAX_ERROR' },
    ]);
    assert.equal(parseAddressList('  '), null);
  });

  test('ENVELOPE: raw values, defaults for Sender and Reply-To, subject whitespace folded', () => {
    const raw = Buffer.from('Date: Tue, 1 Jan 2030 00:00:00 GMT\r\nSubject: =?utf-8?q?a?=  b\tc\r\nFrom: A <a@x.test>\r\nTo: b@y.test\r\n\r\nx');
    const env = encodeEnvelope(readFields(raw, 0, raw.length));
    assert.equal(env, '("Tue, 1 Jan 2030 00:00:00 GMT" "=?utf-8?q?a?= b c" (("A" NIL "a" "x.test")) (("A" NIL "a" "x.test")) (("A" NIL "a" "x.test")) ((NIL NIL "b" "y.test")) NIL NIL NIL NIL)');
    assert.equal(forHumans('  a \t\r\n b  '), 'a b');
    assert.equal(str(Buffer.from('Grüße').toString('latin1')), '{7}\r\nGr\xc3\xbc\xc3\x9fe', '8-bit text goes as a literal');
  });

  test('bare LF becomes CRLF for IMAP, and CRLF is left alone', () => {
    assert.equal(toCrlf(Buffer.from('a\nb\r\nc\n')).toString(), 'a\r\nb\r\nc\r\n');
    const same = Buffer.from('a\r\nb\r\n');
    assert.equal(toCrlf(same), same);
  });
});
