import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SmtpServer, type SmtpServerConfig } from '../../main/core/protocols/smtp/server.js';
import { codes, play, type PlayOptions } from '../helpers/playbook.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const XOAUTH2 = (user: string, token: string): string => b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`);
const OAUTHBEARER = (user: string, token: string): string => b64(`n,a=${user},\x01host=mx\x01port=25\x01auth=Bearer ${token}\x01\x01`);
const mk = (c: Partial<SmtpServerConfig> = {}): SmtpServer => new SmtpServer({ tlsAvailable: true, challenge: () => '<1.2@test>', ...c });

interface Row {
  name: string;
  input: string[];
  codes: string[];
  config?: Partial<SmtpServerConfig>;
  closed?: boolean;
  delivered?: string[];
}

const T = 'EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n';

// Each row: client bytes in, the reply codes that must come out (greeting first).
const table: Row[] = [
  { name: 'greeting then QUIT', input: ['QUIT\r\n'], codes: ['220', '221'], closed: true },
  { name: 'HELO', input: ['HELO c\r\n'], codes: ['220', '250'] },
  { name: 'EHLO without a name is 501', input: ['EHLO\r\n'], codes: ['220', '501'] },
  { name: 'unknown verb is 500', input: ['XYZZY\r\n'], codes: ['220', '500'] },
  { name: 'MAIL before EHLO is 503', input: ['MAIL FROM:<a@x>\r\n'], codes: ['220', '503'] },
  { name: 'RCPT before MAIL is 503', input: ['EHLO c\r\nRCPT TO:<b@y>\r\n'], codes: ['220', '250', '503'] },
  { name: 'DATA before RCPT is 503', input: ['EHLO c\r\nMAIL FROM:<a@x>\r\nDATA\r\n'], codes: ['220', '250', '250', '503'] },
  { name: 'nested MAIL is 503', input: ['EHLO c\r\nMAIL FROM:<a@x>\r\nMAIL FROM:<a@x>\r\n'], codes: ['220', '250', '250', '503'] },
  { name: 'bad path is 501', input: ['EHLO c\r\nMAIL FROM:<a@x\r\n'], codes: ['220', '250', '501'] },
  { name: 'missing FROM: is 501', input: ['EHLO c\r\nMAIL <a@x>\r\n'], codes: ['220', '250', '501'] },
  { name: 'null reverse path is fine', input: ['EHLO c\r\nMAIL FROM:<>\r\n'], codes: ['220', '250', '250'] },
  { name: 'space after colon is tolerated', input: ['EHLO c\r\nMAIL FROM: <a@x>\r\n'], codes: ['220', '250', '250'] },
  { name: 'unknown MAIL parameter is 555', input: ['EHLO c\r\nMAIL FROM:<a@x> RET=FULL\r\n'], codes: ['220', '250', '555'] },
  { name: 'SIZE over the limit is 552 at MAIL', input: ['EHLO c\r\nMAIL FROM:<a@x> SIZE=999999\r\n'], codes: ['220', '250', '552'], config: { maxMessageSize: 1000 } },
  { name: 'bad BODY is 501', input: ['EHLO c\r\nMAIL FROM:<a@x> BODY=9BIT\r\n'], codes: ['220', '250', '501'] },
  { name: 'SMTPUTF8 address without SMTPUTF8 is 553', input: ['EHLO c\r\nMAIL FROM:<\xc3\xa9@x>\r\n'], codes: ['220', '250', '553'] },
  { name: 'SMTPUTF8 address with SMTPUTF8 is fine', input: ['EHLO c\r\nMAIL FROM:<\xc3\xa9@x> SMTPUTF8\r\n'], codes: ['220', '250', '250'] },
  { name: 'parameters after HELO are refused', input: ['HELO c\r\nMAIL FROM:<a@x> SIZE=10\r\n'], codes: ['220', '250', '555'] },
  { name: 'too many recipients is 452', input: [T + 'RCPT TO:<c@y>\r\nRCPT TO:<d@y>\r\n'], codes: ['220', '250', '250', '250', '250', '452'], config: { maxRecipients: 2 } },
  { name: 'RSET clears the transaction', input: [T + 'RSET\r\nDATA\r\n'], codes: ['220', '250', '250', '250', '250', '503'] },
  { name: 'NOOP, VRFY, HELP', input: ['NOOP\r\nVRFY bob\r\nHELP\r\n'], codes: ['220', '250', '252', '214'] },
  { name: 'EXPN is 502', input: ['EXPN list\r\n'], codes: ['220', '502'] },
  { name: 'a line over the limit is 500, and the session goes on', input: ['EHLO ' + 'x'.repeat(600) + '\r\nNOOP\r\n'], codes: ['220', '500', '250'], config: { maxLineLength: 512 } },
  { name: 'an HTTP request is refused and closed', input: ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'], codes: ['220', '554'], closed: true },
  {
    name: 'one message with DATA',
    input: [T + 'DATA\r\n', 'Subject: hi\r\n\r\nbody\r\n.\r\n', 'QUIT\r\n'],
    codes: ['220', '250', '250', '250', '354', '250', '221'],
    delivered: ['Subject: hi\r\n\r\nbody\r\n'],
    closed: true,
  },
  {
    name: 'pipelined: everything in one packet (RFC 2920)',
    input: [T + 'DATA\r\nx\r\n.\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\ny\r\n.\r\nQUIT\r\n'],
    codes: ['220', '250', '250', '250', '354', '250', '250', '250', '354', '250', '221'],
    delivered: ['x\r\n', 'y\r\n'],
    closed: true,
  },
  {
    name: 'dot-stuffing is undone (RFC 5321 §4.5.2)',
    input: [T + 'DATA\r\n..leading\r\n...\r\n.. \r\nend\r\n.\r\n'],
    codes: ['220', '250', '250', '250', '354', '250'],
    delivered: ['.leading\r\n..\r\n. \r\nend\r\n'],
  },
  { name: 'an empty message', input: [T + 'DATA\r\n.\r\n'], codes: ['220', '250', '250', '250', '354', '250'], delivered: [''] },
  {
    name: 'bare LF dot LF does not end DATA (smuggling)',
    input: [T + 'DATA\r\nA\n.\nMAIL FROM:<evil@x>\r\n.\r\n'],
    codes: ['220', '250', '250', '250', '354', '250'],
    delivered: ['A\n.\nMAIL FROM:<evil@x>\r\n'],
  },
  {
    // The line ".<LF>B<LF>.<CRLF>" starts with a dot and has more on it: the dot goes (§4.5.2).
    name: 'CRLF dot LF and LF dot CRLF do not end DATA',
    input: [T + 'DATA\r\nA\r\n.\nB\n.\r\nC\r\n.\r\n'],
    codes: ['220', '250', '250', '250', '354', '250'],
    delivered: ['A\r\n\nB\n.\r\nC\r\n'],
  },
  { name: 'message over the size limit is 552', input: [T + 'DATA\r\n' + 'x'.repeat(200) + '\r\n.\r\nNOOP\r\n'], codes: ['220', '250', '250', '250', '354', '552', '250'], config: { maxMessageSize: 100 } },
  { name: 'BDAT LAST', input: [T + 'BDAT 5 LAST\r\nhello'], codes: ['220', '250', '250', '250', '250'], delivered: ['hello'] },
  {
    name: 'BDAT in chunks, binary bytes kept as they are',
    input: [T + 'BDAT 3\r\na\r\nBDAT 3\r\n.\r\n', 'BDAT 0 LAST\r\nQUIT\r\n'],
    codes: ['220', '250', '250', '250', '250', '250', '250', '221'],
    delivered: ['a\r\n.\r\n'],
    closed: true,
  },
  { name: 'BDAT without MAIL reads the chunk, then 503', input: ['EHLO c\r\nBDAT 4 LAST\r\nabcdNOOP\r\n'], codes: ['220', '250', '503', '250'] },
  { name: 'DATA after BDAT is 503', input: [T + 'BDAT 1\r\naDATA\r\n'], codes: ['220', '250', '250', '250', '250', '503'] },
  { name: 'BDAT without a size is 501 and closes', input: [T + 'BDAT x\r\n'], codes: ['220', '250', '250', '250', '501'], closed: true },
  { name: 'BDAT over the limit is 552', input: [T + 'BDAT 200 LAST\r\n' + 'y'.repeat(200) + 'NOOP\r\n'], codes: ['220', '250', '250', '250', '552', '250'], config: { maxMessageSize: 100 } },
  { name: 'AUTH PLAIN with initial response', input: ['EHLO c\r\nAUTH PLAIN ' + b64('\0u\0p') + '\r\n'], codes: ['220', '250', '235'] },
  { name: 'AUTH PLAIN without initial response', input: ['EHLO c\r\nAUTH PLAIN\r\n', b64('\0u\0p') + '\r\n'], codes: ['220', '250', '334', '235'] },
  { name: 'AUTH LOGIN', input: ['EHLO c\r\nAUTH LOGIN\r\n', b64('u') + '\r\n', b64('p') + '\r\n'], codes: ['220', '250', '334', '334', '235'] },
  { name: 'AUTH wrong password is 535', input: ['EHLO c\r\nAUTH PLAIN ' + b64('\0u\0bad') + '\r\n'], codes: ['220', '250', '535'], config: { credentials: [{ user: 'u', password: 'p' }] } },
  { name: 'AUTH right password is 235', input: ['EHLO c\r\nAUTH PLAIN ' + b64('\0u\0p') + '\r\n'], codes: ['220', '250', '235'], config: { credentials: [{ user: 'u', password: 'p' }] } },
  {
    name: 'AUTH CRAM-MD5 checks the digest',
    input: ['EHLO c\r\nAUTH CRAM-MD5\r\n', b64('u ' + createHmac('md5', 'p').update('<1.2@test>').digest('hex')) + '\r\n'],
    codes: ['220', '250', '334', '235'],
    config: { credentials: [{ user: 'u', password: 'p' }] },
  },
  { name: 'AUTH CRAM-MD5 wrong digest is 535', input: ['EHLO c\r\nAUTH CRAM-MD5\r\n', b64('u ' + '0'.repeat(32)) + '\r\n'], codes: ['220', '250', '334', '535'], config: { credentials: [{ user: 'u', password: 'p' }] } },
  { name: 'AUTH cancelled with *', input: ['EHLO c\r\nAUTH LOGIN\r\n*\r\n'], codes: ['220', '250', '334', '501'] },
  // OAuth 2.0 bearer tokens: XOAUTH2, and OAUTHBEARER (RFC 7628); a configured password is the token.
  // RFC 4954 §4: AUTH lines and SASL responses may be up to 12288 octets, other commands not.
  { name: 'an AUTH line longer than the command limit is taken (RFC 4954 §4)', input: [`EHLO c\r\nAUTH XOAUTH2 ${XOAUTH2('u', 't'.repeat(6000))}\r\nNOOP ${'x'.repeat(5000)}\r\n`], codes: ['220', '250', '235', '500'] },
  { name: 'a long SASL response after AUTH is taken', input: ['EHLO c\r\nAUTH XOAUTH2\r\n', `${XOAUTH2('u', 't'.repeat(8000))}\r\n`], codes: ['220', '250', '334', '235'] },
  { name: 'an AUTH line over 12288 octets is 500, and the session goes on', input: [`EHLO c\r\nAUTH XOAUTH2 ${'A'.repeat(12300)}\r\nNOOP\r\n`], codes: ['220', '250', '500', '250'] },
  { name: 'the AUTH allowance does not lift a lower command limit', input: [`EHLO c\r\nMAIL FROM:<${'a'.repeat(600)}@x>\r\nNOOP\r\n`], codes: ['220', '250', '500', '250'], config: { maxLineLength: 512 } },
  { name: 'AUTH XOAUTH2 takes any token by default', input: [`EHLO c\r\nAUTH XOAUTH2 ${XOAUTH2('u', 'tok')}\r\n`], codes: ['220', '250', '235'] },
  { name: 'AUTH OAUTHBEARER after an empty challenge', input: ['EHLO c\r\nAUTH OAUTHBEARER\r\n', `${OAUTHBEARER('u', 'p')}\r\n`], codes: ['220', '250', '334', '235'], config: { credentials: [{ user: 'u', password: 'p' }] } },
  {
    name: 'AUTH OAUTHBEARER wrong token: error challenge, AQ==, 535 (RFC 7628 §3.2.2)',
    input: [`EHLO c\r\nAUTH OAUTHBEARER ${OAUTHBEARER('u', 'bad')}\r\n`, 'AQ==\r\n', 'MAIL FROM:<a@x>\r\n'],
    codes: ['220', '250', '334', '535', '250'],
    config: { credentials: [{ user: 'u', password: 'p' }] },
  },
  { name: 'AUTH XOAUTH2 wrong token is 535 after the empty answer', input: [`EHLO c\r\nAUTH XOAUTH2 ${XOAUTH2('u', 'bad')}\r\n`, '\r\n'], codes: ['220', '250', '334', '535'], config: { credentials: [{ user: 'u', password: 'p' }] } },
  { name: 'AUTH XOAUTH2 malformed is 501', input: [`EHLO c\r\nAUTH XOAUTH2 ${b64('user=u')}\r\n`], codes: ['220', '250', '501'] },
  { name: 'AUTH with bad base64 is 501', input: ['EHLO c\r\nAUTH PLAIN !!!\r\n'], codes: ['220', '250', '501'] },
  { name: 'AUTH twice is 503', input: ['EHLO c\r\nAUTH PLAIN ' + b64('\0u\0p') + '\r\nAUTH PLAIN ' + b64('\0u\0p') + '\r\n'], codes: ['220', '250', '235', '503'] },
  { name: 'unknown mechanism is 504', input: ['EHLO c\r\nAUTH GSSAPI\r\n'], codes: ['220', '250', '504'] },
  { name: 'STARTTLS when TLS is unavailable is 454', input: ['EHLO c\r\nSTARTTLS\r\n'], codes: ['220', '250', '454'], config: { tlsAvailable: false } },
  { name: 'too many errors closes with 421', input: ['X\r\nX\r\nX\r\nNOOP\r\n'], codes: ['220', '500', '500', '500', '421'], config: { maxErrors: 3 }, closed: true },
];

function check(row: Row, opts: PlayOptions): void {
  const r = play(mk(row.config), row.input, opts);
  assert.deepEqual(codes(r), row.codes, r.sent);
  if (row.closed !== undefined) assert.equal(r.closed, row.closed);
  if (row.delivered) assert.deepEqual(r.deliveries.map((d) => d.body.toString('latin1')), row.delivered);
}

describe('SMTP server codec: table', () => {
  for (const row of table) test(row.name, () => check(row, {}));
});

describe('SMTP server codec: the same table fed one byte at a time', () => {
  for (const row of table) test(row.name, () => check(row, { bytewise: true }));
});

describe('SMTP server codec: details', () => {
  test('EHLO advertises the extensions the issue names', () => {
    const r = play(mk({ maxMessageSize: 12345 }), ['EHLO client.example\r\n']);
    const kw = r.lines.slice(1).map((l) => l.slice(4));
    for (const k of ['PIPELINING', 'SIZE 12345', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'CHUNKING', 'STARTTLS', 'AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER'])
      assert.ok(kw.includes(k), `missing ${k} in ${kw.join(', ')}`);
    assert.match(r.lines[1]!, /^250-/);
    assert.match(r.lines[r.lines.length - 1]!, /^250 /);
  });

  test('STARTTLS resets the session and drops pipelined plaintext (RFC 3207 §4.2, CVE-2011-0411)', () => {
    const r = play(mk(), ['EHLO c\r\nAUTH PLAIN ' + b64('\0u\0p') + '\r\n', 'STARTTLS\r\nMAIL FROM:<injected@x>\r\n', 'MAIL FROM:<a@x>\r\nEHLO c\r\nMAIL FROM:<a@x>\r\n']);
    assert.equal(r.tlsStarts, 1);
    // After TLS: MAIL before a fresh EHLO is 503 (HELO state was reset); the injected MAIL never ran.
    assert.deepEqual(codes(r), ['220', '250', '235', '220', '503', '250', '250']);
    const secondEhlo = r.sent.slice(r.sent.lastIndexOf('Hello c'));
    assert.ok(!secondEhlo.includes('STARTTLS'), 'STARTTLS is not offered again');
    assert.ok(secondEhlo.includes('AUTH'), 'AUTH is offered again: authentication was reset');
  });

  test('the envelope carries MAIL parameters, recipients, HELO, user and TLS', () => {
    const r = play(mk(), ['EHLO c\r\nAUTH PLAIN ' + b64('\0bob\0pw') + '\r\nMAIL FROM:<a@x> SIZE=5 BODY=8bitmime\r\nRCPT TO:<b@y>\r\nRCPT TO:<c@z>\r\nDATA\r\nhi\r\n.\r\n']);
    const env = r.deliveries[0]!.envelope;
    assert.deepEqual(env, { mailFrom: 'a@x', rcptTo: ['b@y', 'c@z'], params: { SIZE: '5', BODY: '8BITMIME' }, helo: 'c', user: 'bob', tls: false });
  });

  test('bare LF in DATA is reported as a warning on the delivery', () => {
    const r = play(mk(), [T + 'DATA\r\na\nb\rc\r\n.\r\n']);
    assert.equal(r.deliveries.length, 1);
    assert.ok(r.deliveries[0]!.warnings.some((w) => w.startsWith('bare LF')));
    assert.ok(r.deliveries[0]!.warnings.some((w) => w.startsWith('bare CR')));
  });

  test('a failed store is 451 and the session goes on', () => {
    const r = play(mk(), [T + 'DATA\r\nx\r\n.\r\nNOOP\r\n'], { deliverOk: false });
    assert.deepEqual(codes(r), ['220', '250', '250', '250', '354', '451', '250']);
  });

  test('the reply to DATA waits for the store: nothing after the message is answered early', () => {
    const s = mk();
    s.start();
    const out = s.handle({ type: 'data', side: 'client', bytes: Buffer.from(T + 'DATA\r\nx\r\n.\r\nNOOP\r\n') });
    const deliver = out.find((c) => c.type === 'deliver');
    assert.ok(deliver && deliver.type === 'deliver');
    const text = out.filter((c) => c.type === 'send').map((c) => (c.type === 'send' ? Buffer.from(c.bytes).toString() : '')).join('');
    assert.ok(!text.includes('queued') && !text.includes('2.0.0 Ok\r\n'), text);
    const after = s.handle({ type: 'delivered', id: deliver.id, ok: true, messageId: 'abc' });
    const text2 = after.map((c) => (c.type === 'send' ? Buffer.from(c.bytes).toString() : '')).join('');
    assert.equal(text2, '250 2.0.0 Ok: queued as abc\r\n250 2.0.0 Ok\r\n');
  });

  test('input read while a message is stored is reported as held (the adapter stops reading past 1 MB)', () => {
    const s = mk();
    s.start();
    const out = s.handle({ type: 'data', side: 'client', bytes: Buffer.from(T + 'DATA\r\nx\r\n.\r\nNOOP\r\nMAIL FROM:<a@b>\r\n') });
    const deliver = out.find((c) => c.type === 'deliver');
    assert.ok(deliver && deliver.type === 'deliver');
    assert.equal(s.heldBytes('client'), 'NOOP\r\nMAIL FROM:<a@b>\r\n'.length);
    s.handle({ type: 'data', side: 'client', bytes: Buffer.from('RCPT TO:<c@d>\r\n') });
    assert.equal(s.heldBytes('client'), 'NOOP\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n'.length);
    s.handle({ type: 'delivered', id: deliver.id, ok: true, messageId: 'abc' });
    assert.equal(s.heldBytes('client'), 0, 'answered once the message is stored');
    assert.equal(s.heldBytes('server'), 0);
  });

  test('idle timeout gets 421 and a close', () => {
    const s = mk();
    s.start();
    const out = s.handle({ type: 'timeout', side: 'client' });
    assert.equal(Buffer.from((out[0] as { bytes: Uint8Array }).bytes).toString(), '421 4.4.2 mailtap.local Error: timeout exceeded\r\n');
    assert.equal(out[1]!.type, 'close');
  });

  test('replies to one pipelined packet come out as one write', () => {
    const s = mk();
    s.start();
    const out = s.handle({ type: 'data', side: 'client', bytes: Buffer.from('NOOP\r\nNOOP\r\nNOOP\r\n') });
    assert.equal(out.length, 1);
  });
});
