// The IMAP server codec, driven with no sockets (test/helpers/imap-play.ts) over a real store
// in a temporary directory: dialogues in, responses out, one byte at a time too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Envelope } from '../../shared/types.js';
import { type ImapHost, ImapPlay, openHost, playImap, tagged } from '../helpers/imap-play.js';

const msg = (subject: string, to = 'bob@y.test', body = 'hello world'): string =>
  `From: Alice <alice@x.test>\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0900\r\nMessage-ID: <${subject.replace(/\W/g, '')}@x.test>\r\n\r\n${body}\r\n`;

const LOGIN = 'a LOGIN bob x\r\n';
const SELECT = LOGIN + 'b SELECT INBOX\r\n';

let host: ImapHost;
before(async () => {
  host = await openHost();
  await host.catchMail(msg('first'));
  await host.catchMail(msg('second ketchup', 'carol@z.test'), ['carol@z.test']);
  await host.catchMail(msg('third', 'bob@y.test', 'a longer body with the word mustard in it'));
});
after(() => host.close());

describe('IMAP server: connection and login', () => {
  test('greeting carries the capabilities; CAPABILITY lists them again', async () => {
    const r = await playImap(host, ['c1 CAPABILITY\r\n']);
    assert.match(r.lines[0]!, /^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS.*AUTH=PLAIN AUTH=LOGIN AUTH=XOAUTH2 AUTH=OAUTHBEARER\] /);
    assert.match(r.lines[1]!, /^\* CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR ID ENABLE IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE/);
    assert.deepEqual(tagged(r), ['c1 OK']);
  });

  test('an unknown command, a missing tag and a command in the wrong state are BAD', async () => {
    const r = await playImap(host, ['x1 FROBNICATE\r\n', 'NOTAG\r\n', 'x2 SELECT INBOX\r\n', '\r\n', 'x3 NOOP\r\n']);
    assert.deepEqual(tagged(r), ['x1 BAD', 'x2 BAD', 'x3 OK']);
    assert.equal(r.lines.filter((l) => l.startsWith('* BAD')).length, 2);
  });

  test('LOGIN with configured credentials: a wrong password is NO [AUTHENTICATIONFAILED]', async () => {
    const config = { credentials: [{ user: 'bob', password: 'secret' }] };
    const r = await playImap(host, ['a LOGIN bob wrong\r\n', 'b LOGIN bob secret\r\n', 'c SELECT INBOX\r\n'], { config });
    assert.deepEqual(tagged(r), ['a NO', 'b OK', 'c OK']);
    assert.match(r.lines.find((l) => l.startsWith('a NO'))!, /\[AUTHENTICATIONFAILED\]/);
    assert.match(r.lines.find((l) => l.startsWith('b OK'))!, /^b OK \[CAPABILITY IMAP4rev1 [^\]]*\] Logged in/);
  });

  test('AUTHENTICATE PLAIN with an initial response (SASL-IR), and without one', async () => {
    const ir = Buffer.from('\0bob\0pw').toString('base64');
    const r = await playImap(host, [`a AUTHENTICATE PLAIN ${ir}\r\n`, 'b NOOP\r\n']);
    assert.deepEqual(tagged(r), ['a OK', 'b OK']);
    const r2 = await playImap(host, ['a AUTHENTICATE PLAIN\r\n', `${ir}\r\n`]);
    assert.ok(r2.lines.includes('+ '), 'an empty challenge');
    assert.deepEqual(tagged(r2), ['a OK']);
  });

  test('AUTHENTICATE LOGIN asks for user and password; "*" cancels with BAD', async () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const r = await playImap(host, ['a AUTHENTICATE LOGIN\r\n', `${b64('bob')}\r\n`, `${b64('pw')}\r\n`]);
    assert.deepEqual(r.lines.filter((l) => l.startsWith('+')), [`+ ${b64('Username:')}`, `+ ${b64('Password:')}`]);
    assert.deepEqual(tagged(r), ['a OK']);
    const c = await playImap(host, ['a AUTHENTICATE LOGIN\r\n', '*\r\n', 'b NOOP\r\n']);
    assert.deepEqual(tagged(c), ['a BAD', 'b OK']);
    const m = await playImap(host, ['a AUTHENTICATE CRAM-MD5\r\n']);
    assert.deepEqual(tagged(m), ['a NO']);
  });

  test('AUTHENTICATE XOAUTH2 and OAUTHBEARER (RFC 7628): any token by default; a wrong one gets the error challenge', async () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const xoauth2 = (user: string, token: string): string => b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`);
    const bearer = (user: string, token: string): string => b64(`n,a=${user},\x01host=h\x01port=143\x01auth=Bearer ${token}\x01\x01`);
    for (const bytewise of [false, true]) {
      const any = await playImap(host, [`a AUTHENTICATE XOAUTH2 ${xoauth2('bob', 'tok')}\r\n`, 'b AUTHENTICATE OAUTHBEARER\r\n'], { bytewise });
      assert.deepEqual(tagged(any), ['a OK', 'b BAD'], 'logged in: AUTHENTICATE is not allowed again');
      const config = { credentials: [{ user: 'bob', password: 'tok' }] };
      const r = await playImap(
        host,
        ['a AUTHENTICATE OAUTHBEARER\r\n', `${bearer('bob', 'nope')}\r\n`, 'AQ==\r\n', `b AUTHENTICATE XOAUTH2 ${xoauth2('bob', 'nope')}\r\n`, '\r\n', `c AUTHENTICATE OAUTHBEARER ${bearer('bob', 'tok')}\r\n`],
        { config, bytewise },
      );
      const err = r.lines.filter((l) => l.startsWith('+ ey'));
      assert.equal(err.length, 2, r.lines.join('\n'));
      assert.equal(JSON.parse(Buffer.from(err[0]!.slice(2), 'base64').toString()).status, 'invalid_token');
      assert.deepEqual(tagged(r), ['a NO', 'b NO', 'c OK']);
      assert.match(r.lines.find((l) => l.startsWith('a NO'))!, /\[AUTHENTICATIONFAILED\]/);
    }
  });

  test('STARTTLS: plaintext pipelined after it is dropped; after TLS, no STARTTLS is offered', async () => {
    const r = await playImap(host, ['a STARTTLS\r\nb LOGIN evil x\r\n', 'c CAPABILITY\r\n', 'd STARTTLS\r\n']);
    assert.equal(r.tlsStarts, 1);
    assert.deepEqual(tagged(r), ['a OK', 'c OK', 'd BAD']);
    assert.doesNotMatch(r.lines.find((l) => l.startsWith('* CAPABILITY'))!, /STARTTLS/);
  });

  test('LOGOUT says BYE, then OK, and closes', async () => {
    const r = await playImap(host, ['a LOGOUT\r\n', 'b NOOP\r\n']);
    assert.deepEqual(r.lines.slice(1), ['* BYE mailtap logging out', 'a OK LOGOUT completed']);
    assert.ok(r.closed);
  });

  test('the idle timeout ends the session with BYE', async () => {
    const p = new ImapPlay(host);
    await p.start();
    await p.event({ type: 'timeout', side: 'client' });
    assert.match(p.run.lines.at(-1)!, /^\* BYE /);
    assert.ok(p.run.closed);
    p.close();
  });

  test('ID, NAMESPACE and ENABLE', async () => {
    const r = await playImap(host, [LOGIN, 'b ID ("name" "test")\r\n', 'c NAMESPACE\r\n', 'd ENABLE CONDSTORE\r\n', 'e ID NIL\r\n']);
    assert.ok(r.lines.includes('* ID ("name" "mailtap" "version" "0.1.0")'));
    assert.ok(r.lines.includes('* NAMESPACE (("" "/")) NIL NIL'));
    assert.ok(r.lines.includes('* ENABLED'));
    assert.deepEqual(tagged(r), ['a OK', 'b OK', 'c OK', 'd OK', 'e OK']);
  });
});

describe('IMAP server: selecting and reading', () => {
  test('SELECT reports the mailbox; EXAMINE is read-only', async () => {
    const r = await playImap(host, [SELECT, 'c EXAMINE INBOX\r\n', 'd STORE 1 +FLAGS (\\Seen)\r\n']);
    const uv = host.store.folders.get('INBOX')!.uidValidity;
    for (const l of ['* 3 EXISTS', '* 0 RECENT', '* OK [UNSEEN 1] First unseen', `* OK [UIDVALIDITY ${uv}] UIDs valid`, '* OK [UIDNEXT 4] Predicted next UID']) assert.ok(r.lines.includes(l), l);
    assert.ok(r.lines.includes('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)'));
    assert.match(r.lines.find((l) => l.startsWith('b OK'))!, /\[READ-WRITE\]/);
    assert.match(r.lines.find((l) => l.startsWith('c OK'))!, /\[READ-ONLY\]/);
    assert.deepEqual(tagged(r), ['a OK', 'b OK', 'c OK', 'd NO']);
  });

  test('a user who logs in with an address sees only the mail sent to it', async () => {
    const r = await playImap(host, ['a LOGIN carol@z.test pw\r\n', 'b SELECT INBOX\r\n', 'c FETCH 1:* (UID ENVELOPE)\r\n']);
    assert.ok(r.lines.includes('* 1 EXISTS'));
    assert.equal(r.lines.filter((l) => l.startsWith('* ') && l.includes(' FETCH ')).length, 1);
    assert.match(r.lines.find((l) => l.startsWith('* ') && l.includes(' FETCH '))!, /^\* 1 FETCH \(UID 2 ENVELOPE \(.*"second ketchup"/);
  });

  test("…and what it appended, but not what it fetched through the proxy (that would be caught again)", async () => {
    const own = await openHost();
    try {
      const env: Envelope = { mailFrom: '', rcptTo: [], params: {}, helo: null, tls: false, user: 'dave@w.test' };
      const add = (subject: string, source: 'smtp' | 'proxy' | 'import', envelope: Envelope) => own.store.add({ chunks: [Buffer.from(msg(subject, 'dave@w.test'))], envelope, sessionId: null, source, warnings: [] });
      await add('sent to dave', 'smtp', { ...env, mailFrom: 'a@x.test', rcptTo: ['dave@w.test'], user: null });
      await add('appended by dave', 'import', env);
      await add('fetched by dave through the proxy', 'proxy', env);
      await add('sent by dave through the proxy', 'proxy', { ...env, mailFrom: 'dave@w.test', rcptTo: ['eve@w.test'] });
      const r = await playImap(own, ['a LOGIN dave@w.test pw\r\n', 'b SELECT INBOX\r\n', 'c FETCH 1:* (UID)\r\n']);
      assert.ok(r.lines.includes('* 3 EXISTS'), r.lines.join('\n'));
      assert.deepEqual(r.lines.filter((l) => / FETCH /.test(l) && l.startsWith('* ')), ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 2)', '* 3 FETCH (UID 4)']);
    } finally {
      await own.close();
    }
  });

  test('FETCH of flags, sizes, dates, envelope and structure', async () => {
    const r = await playImap(host, [SELECT, 'c FETCH 1 (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE BODY)\r\n', 'd FETCH 1:2 FAST\r\n']);
    const f = r.lines.find((l) => l.startsWith('* 1 FETCH (UID 1'))!;
    assert.match(f, /FLAGS \(\) RFC822\.SIZE 142 INTERNALDATE "\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d \+0000"/);
    assert.match(f, /ENVELOPE \("Mon, 23 Nov 2026 10:00:00 \+0900" "first" \(\("Alice" NIL "alice" "x\.test"\)\)/);
    assert.match(f, /BODYSTRUCTURE \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" 13 1 NIL NIL NIL NIL\) BODY \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" 13 1\)\)$/);
    assert.equal(r.lines.filter((l) => /^\* \d FETCH \(FLAGS \(\) INTERNALDATE ".*" RFC822\.SIZE \d+\)$/.test(l)).length, 2);
  });

  test('BODY.PEEK sections and partials do not set \\Seen; BODY[TEXT] does, and says so', async () => {
    const h = await openHost();
    await h.catchMail(msg('peek'));
    const r = await playImap(h, [
      SELECT,
      'c FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT TO)] BODY.PEEK[TEXT]<0.5> BODY.PEEK[1])\r\n',
      'd FETCH 1 FLAGS\r\n',
      'e FETCH 1 BODY[TEXT]\r\n',
      'f FETCH 1 (RFC822.HEADER BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT TO FROM DATE)] BODY.PEEK[99])\r\n',
    ]);
    const sent = r.sent;
    assert.ok(sent.includes('BODY[HEADER.FIELDS (SUBJECT TO)] {33}\r\nTo: bob@y.test\r\nSubject: peek\r\n\r\n'));
    assert.ok(sent.includes('BODY[TEXT]<0> {5}\r\nhello'));
    assert.ok(sent.includes('BODY[1] {13}\r\nhello world\r\n'));
    assert.ok(r.lines.includes('* 1 FETCH (FLAGS ())'));
    assert.ok(sent.includes('* 1 FETCH (BODY[TEXT] {13}\r\nhello world\r\n FLAGS (\\Seen))'));
    assert.ok(sent.includes('BODY[HEADER.FIELDS.NOT (SUBJECT TO FROM DATE)] {29}\r\nMessage-ID: <peek@x.test>\r\n\r\n'));
    assert.ok(sent.includes('BODY[99] NIL'));
    assert.equal(h.store.list({}).items[0]!.read, true, '\\Seen is the API\'s read');
    await h.close();
  });

  test('RFC822, RFC822.HEADER, RFC822.TEXT and BODY[] return the message bytes exactly', async () => {
    const r = await playImap(host, [LOGIN, 'b EXAMINE INBOX\r\n', 'c FETCH 3 (RFC822)\r\n', 'd UID FETCH 3 BODY.PEEK[]\r\n', 'e FETCH 3 (RFC822.HEADER RFC822.TEXT)\r\n']);
    const raw = msg('third', 'bob@y.test', 'a longer body with the word mustard in it');
    assert.ok(r.sent.includes(`* 3 FETCH (RFC822 {${raw.length}}\r\n${raw})`));
    assert.ok(r.sent.includes(`* 3 FETCH (UID 3 BODY[] {${raw.length}}\r\n${raw})`));
    const [head, text] = [raw.slice(0, raw.indexOf('\r\n\r\n') + 4), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
    assert.ok(r.sent.includes(`* 3 FETCH (RFC822.HEADER {${head.length}}\r\n${head} RFC822.TEXT {${text.length}}\r\n${text})`));
  });

  test('a sequence number past the end is BAD; a UID past the end is nothing', async () => {
    const r = await playImap(host, [SELECT, 'c FETCH 9 FLAGS\r\n', 'd UID FETCH 9:20 FLAGS\r\n', 'e FETCH 1 (FLAGS\r\n', 'f FETCH 1 BODY[1.MIME\r\n']);
    assert.deepEqual(tagged(r), ['a OK', 'b OK', 'c BAD', 'd OK', 'e BAD', 'f BAD']);
  });

  test('SEARCH: flags, headers, body, sizes, dates, NOT, OR and sets', async () => {
    const q = [
      'ALL', 'SUBJECT ketchup', 'FROM alice', 'TO carol', 'BODY mustard', 'TEXT MUSTARD', 'UNSEEN', 'NOT SUBJECT first',
      'OR SUBJECT first SUBJECT third', 'LARGER 150', 'SMALLER 150', '2:3', 'UID 1,3', 'SINCE 1-Jan-2000', 'BEFORE 1-Jan-2000',
      'HEADER Message-ID second', '(SUBJECT t) (NOT 1)', 'CHARSET UTF-8 SUBJECT "first"', 'NEW', 'OLD', 'SENTON 23-Nov-2026',
    ];
    const input = [LOGIN, 'b EXAMINE INBOX\r\n', ...q.map((k, i) => `s${i} SEARCH ${k}\r\n`), 'u UID SEARCH SUBJECT third\r\n', 'x SEARCH CHARSET KOI8-R ALL\r\n', 'y SEARCH FOO\r\n'];
    const r = await playImap(host, input);
    const results = r.lines.filter((l) => l.startsWith('* SEARCH'));
    assert.deepEqual(results, [
      '* SEARCH 1 2 3', '* SEARCH 2', '* SEARCH 1 2 3', '* SEARCH 2', '* SEARCH 3', '* SEARCH 3', '* SEARCH 1 2 3', '* SEARCH 2 3',
      '* SEARCH 1 3', '* SEARCH 2 3', '* SEARCH 1', '* SEARCH 2 3', '* SEARCH 1 3', '* SEARCH 1 2 3', '* SEARCH',
      '* SEARCH 2', '* SEARCH 2 3', '* SEARCH 1', '* SEARCH', '* SEARCH 1 2 3', '* SEARCH 1 2 3',
      '* SEARCH 3',
    ]);
    assert.match(r.lines.find((l) => l.startsWith('x NO'))!, /\[BADCHARSET/);
    assert.ok(r.lines.some((l) => l.startsWith('y BAD')));
  });
});
