// The POP3 server codec as tables: client bytes in, the responses that must come out (greeting
// first), run whole and again one byte at a time. The store is a FakeHost answering requests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Pop3Server, type Pop3ServerConfig } from '../../main/core/protocols/pop3/server.js';
import { play, type PlayOptions } from '../helpers/playbook.js';
import { FakeHost, MESSAGES, responses } from '../helpers/pop3-fake.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const TS = '<1234.5678@mailtap.test>';
const CREDS = { credentials: [{ user: 'bob', password: 'secret' }] };
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const mk = (c: Partial<Pop3ServerConfig> = {}): Pop3Server => new Pop3Server({ tlsAvailable: true, timestamp: TS, ...c });

interface Row {
  name: string;
  input: string[];
  /** The responses; "*" marks a multi-line one. */
  out: string[];
  config?: Partial<Pop3ServerConfig>;
  closed?: boolean;
  deleted?: string[];
  tls?: number;
}

const LOGIN = 'USER bob\r\nPASS secret\r\n';
const IN = ['+OK', '+OK', '+OK'];
const [ID1, ID2, ID3] = MESSAGES.map((m) => m.id);

const table: Row[] = [
  { name: 'greeting then QUIT', input: ['QUIT\r\n'], out: ['+OK', '+OK'], closed: true },
  { name: 'USER and PASS log in', input: [LOGIN + 'STAT\r\n'], out: [...IN, '+OK'] },
  { name: 'commands are case-insensitive (RFC 1939 §3)', input: ['user bob\r\npass x\r\nstat\r\nlist\r\n'], out: [...IN, '+OK', '+OK*'] },
  { name: 'wrong password is -ERR [AUTH] (RFC 3206)', input: ['USER bob\r\nPASS nope\r\n'], out: ['+OK', '+OK', '-ERR[AUTH]'], config: CREDS },
  { name: 'after a failed PASS, USER is needed again', input: ['USER bob\r\nPASS nope\r\nPASS secret\r\n'], out: ['+OK', '+OK', '-ERR[AUTH]', '-ERR'], config: CREDS },
  { name: 'right password with credentials', input: [LOGIN], out: IN, config: CREDS },
  { name: 'PASS before USER is -ERR', input: ['PASS x\r\n'], out: ['+OK', '-ERR'] },
  { name: 'USER without a name is -ERR', input: ['USER\r\n'], out: ['+OK', '-ERR'] },
  { name: 'STAT before login is -ERR (wrong state)', input: ['STAT\r\nRETR 1\r\nNOOP\r\n'], out: ['+OK', '-ERR', '-ERR', '-ERR'] },
  { name: 'USER after login is -ERR (wrong state)', input: [LOGIN + 'USER x\r\nAPOP x ' + 'a'.repeat(32) + '\r\n'], out: [...IN, '-ERR', '-ERR'] },
  { name: 'an unknown command is -ERR', input: ['XYZZY\r\n\r\nGET / HTTP/1.1\r\n'], out: ['+OK', '-ERR', '-ERR', '-ERR'] },
  { name: 'LIST', input: [LOGIN + 'LIST\r\nLIST 2\r\nLIST 4\r\nLIST 0\r\nLIST x\r\n'], out: [...IN, '+OK*', '+OK', '-ERR', '-ERR', '-ERR'] },
  { name: 'UIDL', input: [LOGIN + 'UIDL\r\nUIDL 3\r\nUIDL 9\r\n'], out: [...IN, '+OK*', '+OK', '-ERR'] },
  { name: 'RETR', input: [LOGIN + 'RETR 1\r\nRETR 2\r\nRETR 3\r\nRETR 4\r\nRETR\r\n'], out: [...IN, '+OK*', '+OK*', '+OK*', '-ERR', '-ERR'] },
  { name: 'TOP', input: [LOGIN + 'TOP 2 0\r\nTOP 2 1\r\nTOP 2\r\nTOP 2 x\r\nTOP 9 1\r\n'], out: [...IN, '+OK*', '+OK*', '-ERR', '-ERR', '-ERR'] },
  {
    name: 'DELE marks; a deleted message cannot be named again until RSET',
    input: [LOGIN + 'DELE 1\r\nDELE 1\r\nRETR 1\r\nLIST 1\r\nSTAT\r\nRSET\r\nRETR 1\r\n'],
    out: [...IN, '+OK', '-ERR', '-ERR', '-ERR', '+OK', '+OK', '+OK*'],
  },
  { name: 'QUIT in TRANSACTION deletes the marked messages (UPDATE)', input: [LOGIN + 'DELE 1\r\nDELE 3\r\nQUIT\r\n'], out: [...IN, '+OK', '+OK', '+OK'], closed: true, deleted: [ID1!, ID3!] },
  { name: 'RSET before QUIT deletes nothing', input: [LOGIN + 'DELE 2\r\nRSET\r\nQUIT\r\n'], out: [...IN, '+OK', '+OK', '+OK'], closed: true, deleted: [] },
  { name: 'a dropped connection deletes nothing', input: [LOGIN + 'DELE 1\r\nDELE 2\r\n'], out: [...IN, '+OK', '+OK'], closed: false, deleted: [] },
  { name: 'NOOP, and bad arguments to argument-less commands', input: [LOGIN + 'NOOP\r\nNOOP x\r\nSTAT 1\r\nRSET x\r\nQUIT x\r\n'], out: [...IN, '+OK', '-ERR', '-ERR', '-ERR', '-ERR'] },
  { name: 'APOP with the right digest', input: [`APOP bob ${md5(TS + 'secret')}\r\n`], out: ['+OK', '+OK'], config: CREDS },
  { name: 'APOP with a wrong digest is -ERR [AUTH]', input: [`APOP bob ${md5(TS + 'wrong')}\r\n`], out: ['+OK', '-ERR[AUTH]'], config: CREDS },
  { name: 'APOP for an unknown user is -ERR [AUTH]', input: [`APOP eve ${md5(TS + 'secret')}\r\n`], out: ['+OK', '-ERR[AUTH]'], config: CREDS },
  { name: 'APOP without credentials takes any digest of the right shape', input: [`APOP x ${'0'.repeat(32)}\r\nSTAT\r\n`], out: ['+OK', '+OK', '+OK'] },
  { name: 'APOP with a malformed digest is -ERR', input: ['APOP x 1234\r\nAPOP x\r\n'], out: ['+OK', '-ERR', '-ERR'] },
  { name: 'AUTH PLAIN with initial response (RFC 5034)', input: [`AUTH PLAIN ${b64('\0bob\0secret')}\r\nSTAT\r\n`], out: ['+OK', '+OK', '+OK'], config: CREDS },
  { name: 'AUTH PLAIN without initial response', input: ['AUTH PLAIN\r\n', `${b64('\0bob\0secret')}\r\n`], out: ['+OK', '+', '+OK'], config: CREDS },
  { name: 'AUTH LOGIN', input: ['AUTH LOGIN\r\n', `${b64('bob')}\r\n`, `${b64('secret')}\r\n`], out: ['+OK', '+', '+', '+OK'], config: CREDS },
  { name: 'AUTH wrong password is -ERR [AUTH]', input: [`AUTH PLAIN ${b64('\0bob\0bad')}\r\n`], out: ['+OK', '-ERR[AUTH]'], config: CREDS },
  { name: 'AUTH cancelled with *', input: ['AUTH LOGIN\r\n*\r\nCAPA\r\n'], out: ['+OK', '+', '-ERR', '+OK*'] },
  { name: 'AUTH XOAUTH2 with the configured password as the token', input: [`AUTH XOAUTH2 ${b64('user=bob\x01auth=Bearer secret\x01\x01')}\r\nSTAT\r\n`], out: ['+OK', '+OK', '+OK'], config: CREDS },
  { name: 'AUTH OAUTHBEARER takes any token by default', input: ['AUTH OAUTHBEARER\r\n', `${b64('n,a=x,\x01auth=Bearer t\x01\x01')}\r\n`], out: ['+OK', '+', '+OK'] },
  {
    name: 'AUTH OAUTHBEARER wrong token: error challenge, AQ==, -ERR [AUTH] (RFC 7628 §3.2.2)',
    input: [`AUTH OAUTHBEARER ${b64('n,a=bob,\x01auth=Bearer bad\x01\x01')}\r\n`, 'AQ==\r\n'],
    out: ['+OK', '+', '-ERR[AUTH]'],
    config: CREDS,
  },
  { name: 'AUTH with bad base64 is -ERR', input: ['AUTH PLAIN !!!\r\n'], out: ['+OK', '-ERR'] },
  { name: 'AUTH PLAIN with an empty initial response is -ERR', input: ['AUTH PLAIN =\r\n'], out: ['+OK', '-ERR'] },
  { name: 'AUTH with an unknown mechanism is -ERR', input: ['AUTH GSSAPI\r\n'], out: ['+OK', '-ERR'] },
  { name: 'bare AUTH lists the mechanisms', input: ['AUTH\r\n'], out: ['+OK', '+OK*'] },
  { name: 'CAPA in both states', input: ['CAPA\r\n' + LOGIN + 'CAPA\r\n'], out: ['+OK', '+OK*', '+OK', '+OK', '+OK*'] },
  { name: 'STLS', input: ['STLS\r\n', 'CAPA\r\nSTLS\r\n'], out: ['+OK', '+OK', '+OK*', '-ERR'], tls: 1 },
  { name: 'STLS without TLS is -ERR [SYS/TEMP]', input: ['STLS\r\n'], out: ['+OK', '-ERR[SYS/TEMP]'], config: { tlsAvailable: false } },
  { name: 'STLS in TRANSACTION is -ERR', input: [LOGIN + 'STLS\r\n'], out: [...IN, '-ERR'], tls: 0 },
  { name: 'STLS over implicit TLS is -ERR', input: ['STLS\r\n'], out: ['+OK', '-ERR'], config: { implicitTls: true }, tls: 0 },
  { name: 'a line over the limit is -ERR, and the session goes on', input: ['USER ' + 'x'.repeat(600) + '\r\nCAPA\r\n'], out: ['+OK', '-ERR', '+OK*'], config: { maxLineLength: 255 } },
  { name: 'too many errors closes', input: ['X\r\nX\r\nX\r\nCAPA\r\n'], out: ['+OK', '-ERR', '-ERR', '-ERR', '-ERR'], config: { maxErrors: 3 }, closed: true },
  {
    name: 'pipelined: everything in one packet (RFC 2449 §6.6)',
    input: [LOGIN + 'STAT\r\nLIST\r\nUIDL\r\nRETR 2\r\nTOP 1 1\r\nDELE 2\r\nQUIT\r\n'],
    out: [...IN, '+OK', '+OK*', '+OK*', '+OK*', '+OK*', '+OK', '+OK'],
    closed: true,
    deleted: [ID2!],
  },
];

function check(row: Row, opts: PlayOptions): void {
  const host = new FakeHost();
  const r = play(mk(row.config), row.input, { ...opts, serve: host.serve });
  assert.deepEqual(responses(r, row.out).tokens, row.out, r.sent);
  if (row.closed !== undefined) assert.equal(r.closed, row.closed);
  if (row.deleted) assert.deepEqual(host.deleted, row.deleted);
  if (row.tls !== undefined) assert.equal(r.tlsStarts, row.tls);
}

describe('POP3 server codec: table', () => {
  for (const row of table) test(row.name, () => check(row, {}));
});

describe('POP3 server codec: the same table fed one byte at a time', () => {
  for (const row of table) test(row.name, () => check(row, { bytewise: true }));
});

test('input read while a request is with the store is reported as held (the adapter stops reading past 1 MB)', () => {
  const host = new FakeHost();
  const s = mk();
  s.start();
  const ask = (out: ReturnType<Pop3Server['handle']>): Extract<(typeof out)[number], { type: 'request' }> | undefined =>
    out.find((c): c is Extract<(typeof out)[number], { type: 'request' }> => c.type === 'request');
  // PASS asks the store for the maildrop: what follows waits for the answer.
  const r = ask(s.handle({ type: 'data', side: 'client', bytes: Buffer.from('USER bob\r\nPASS secret\r\nSTAT\r\nLIST\r\n') }));
  assert.ok(r, 'a request to the store');
  assert.equal(s.heldBytes('client'), 'STAT\r\nLIST\r\n'.length);
  s.handle({ type: 'response', id: r.id, ok: true, value: host.serve(r.request) });
  assert.equal(s.heldBytes('client'), 0, 'read once the store answered');
});
