// The POP3 dissector over dialogues that the real codec produced: every command paired with
// its response, multi-line bodies as payload references, logins decoded with secrets masked,
// STLS followed, whole and one byte at a time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3Server } from '../../main/core/protocols/pop3/server.js';
import { Pop3Dissector } from '../../main/core/protocols/pop3/dissector.js';
import { createDissector } from '../../main/core/protocols/dissector.js';
import type { CodecCommand } from '../../main/core/protocols/types.js';
import type { AuthEvent, Direction, ExchangeEvent, TimelineEventInput } from '../../shared/types.js';
import { tlsInfo } from '../helpers/playbook.js';
import { FakeHost, MESSAGES } from '../helpers/pop3-fake.js';

type Wire = { dir: Direction; bytes: Buffer }[];
type Exchange = Omit<ExchangeEvent, 'seq'>;

/** Run the sink codec over client chunks and keep the wire in order, as the adapter sees it. */
function dialogue(clientChunks: string[], host = new FakeHost()): { wire: Wire; tlsAt: number[] } {
  const s = new Pop3Server({ tlsAvailable: true, timestamp: '<1.2@t>' });
  const wire: Wire = [];
  const tlsAt: number[] = [];
  const run = (cmds: CodecCommand[]): void => {
    for (const c of cmds) {
      if (c.type === 'send') wire.push({ dir: 's2c', bytes: Buffer.from(c.bytes) });
      else if (c.type === 'request') run(s.handle({ type: 'response', id: c.id, ok: true, value: host.serve(c.request) }));
      else if (c.type === 'start-tls') {
        tlsAt.push(wire.length);
        run(s.handle({ type: 'tls-ready', side: 'client', info: tlsInfo }));
      }
    }
  };
  run(s.start());
  for (const chunk of clientChunks) {
    wire.push({ dir: 'c2s', bytes: Buffer.from(chunk, 'latin1') });
    run(s.handle({ type: 'data', side: 'client', bytes: Buffer.from(chunk, 'latin1') }));
  }
  return { wire, tlsAt };
}

function dissect(wire: Wire, tlsAt: number[] = [], bytewise = false): TimelineEventInput[] {
  const d = createDissector('pop3', 'client');
  const out: TimelineEventInput[] = [];
  wire.forEach((w, i) => {
    if (tlsAt.includes(i)) out.push(...d.onTls());
    const parts = bytewise ? [...w.bytes].map((b) => Buffer.from([b])) : [w.bytes];
    parts.forEach((p) => out.push(...d.onData(w.dir, p, 1000 * (i + 1))));
  });
  out.push(...d.onClose(1e9));
  return out;
}

const exchanges = (events: TimelineEventInput[]): Exchange[] => events.filter((e): e is Exchange => e.kind === 'exchange');
const summary = (events: TimelineEventInput[]): string[] =>
  exchanges(events).map((e) => `${e.command?.verb ?? (e.greeting ? 'greeting' : '-')} ${e.replies.map((r) => r.lines[0]!.code).join(',')}${e.payload ? ' +body' : ''}`);
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const s2c = (wire: Wire): Buffer => Buffer.concat(wire.filter((w) => w.dir === 's2c').map((w) => w.bytes));

describe('POP3 dissector', () => {
  const chunks = [
    'CAPA\r\n',
    'AUTH LOGIN\r\n',
    b64('alice') + '\r\n',
    b64('s3cret') + '\r\n',
    'STAT\r\nLIST\r\nLIST 2\r\nUIDL\r\n',
    'RETR 2\r\n',
    'TOP 1 0\r\nDELE 1\r\nRETR 1\r\nRSET\r\nNOOP\r\n',
    'QUIT\r\n',
  ];
  const expected = ['greeting +OK', 'CAPA +OK +body', 'AUTH +,+,+OK', 'STAT +OK', 'LIST +OK +body', 'LIST +OK', 'UIDL +OK +body', 'RETR +OK +body', 'TOP +OK +body', 'DELE +OK', 'RETR -ERR', 'RSET +OK', 'NOOP +OK', 'QUIT +OK'];

  for (const bytewise of [false, true]) {
    test(`pairs every command with its response${bytewise ? ', one byte at a time' : ''}`, () => {
      assert.deepEqual(summary(dissect(dialogue(chunks).wire, [], bytewise)), expected);
    });
  }

  test('a RETR payload reference points at the byte-stuffed body on the wire', () => {
    const { wire } = dialogue(chunks);
    const retr = exchanges(dissect(wire)).find((e) => e.command?.verb === 'RETR')!;
    const p = retr.payload!;
    assert.equal(p.kind, 'multiline');
    assert.equal(p.direction, 's2c');
    assert.equal(s2c(wire).subarray(p.offset, p.offset + p.length).toString('latin1'), 'Subject: two\r\nX-A: b\r\n\r\n..leading dot\r\nline 2\r\n..\r\nline 4\r\n.\r\n');
    assert.match(retr.replies[0]!.lines[0]!.text, /^\d+ octets$/);
    assert.equal(retr.replies[0]!.status, 'ok');
  });

  test('listings keep their lines in the reply (CAPA, LIST, UIDL)', () => {
    const ex = exchanges(dissect(dialogue(chunks).wire));
    const capa = ex.find((e) => e.command?.verb === 'CAPA')!;
    assert.ok(capa.replies[0]!.lines.some((l) => l.text === 'SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER'));
    const uidl = ex.find((e) => e.command?.verb === 'UIDL')!;
    assert.deepEqual(uidl.replies[0]!.lines.slice(1).map((l) => l.text), MESSAGES.map((m, i) => `${i + 1} ${m.id}`));
    const retr = ex.find((e) => e.command?.verb === 'RETR')!;
    assert.equal(retr.replies[0]!.lines.length, 1, 'a message body is a payload, not reply lines');
  });

  test('AUTH LOGIN is decoded: user shown, secret masked, outcome known', () => {
    const events = dissect(dialogue(chunks).wire);
    const auth = events.find((e): e is Omit<AuthEvent, 'seq'> => e.kind === 'auth')!;
    assert.deepEqual([auth.mechanism, auth.user, auth.ok], ['LOGIN', 'alice', true]);
    assert.ok(auth.secretMasked && !auth.secretMasked.includes('s3cret'));
    assert.ok(!JSON.stringify(events).includes('s3cret') && !JSON.stringify(events).includes(b64('s3cret')));
  });

  test('USER/PASS: the PASS line is masked, and the auth event names the user', () => {
    const events = dissect(dialogue(['USER bob\r\nPASS hunter2 with spaces\r\n']).wire);
    const pass = exchanges(events).find((e) => e.command?.verb === 'PASS')!;
    assert.match(pass.command!.line, /^PASS •+$/);
    assert.match(pass.command!.args, /^•+$/);
    assert.ok(!JSON.stringify(events).includes('hunter2'));
    const auth = events.find((e): e is Omit<AuthEvent, 'seq'> => e.kind === 'auth')!;
    assert.deepEqual([auth.mechanism, auth.user, auth.ok], ['USER', 'bob', true]);
  });

  test('a failed login is an auth event with ok false', () => {
    const d = new Pop3Dissector();
    const ev = [...d.onData('s2c', Buffer.from('+OK hi\r\n'), 1), ...d.onData('c2s', Buffer.from('USER x\r\nPASS y\r\n'), 2), ...d.onData('s2c', Buffer.from('+OK\r\n-ERR [AUTH] no\r\n'), 3)];
    const auth = ev.find((e): e is Omit<AuthEvent, 'seq'> => e.kind === 'auth')!;
    assert.equal(auth.ok, false);
    const pass = exchanges(ev).find((e) => e.command?.verb === 'PASS')!;
    assert.equal(pass.replies[0]!.status, 'permanent');
    assert.equal(pass.replies[0]!.lines[0]!.text, '[AUTH] no');
  });

  test('APOP and AUTH PLAIN with an initial response are decoded and masked', () => {
    const digest = 'c4c9334bac560ecc979e58001b3e22fb';
    const ir = b64('\0carol\0pw');
    const apop = dissect(dialogue([`APOP dave ${digest}\r\n`]).wire);
    const line = exchanges(apop).find((e) => e.command?.verb === 'APOP')!.command!.line;
    assert.match(line, /^APOP dave •+$/);
    assert.equal(apop.find((e): e is Omit<AuthEvent, 'seq'> => e.kind === 'auth')!.user, 'dave');
    const plain = dissect(dialogue([`AUTH PLAIN ${ir}\r\n`]).wire);
    assert.match(exchanges(plain).find((e) => e.command?.verb === 'AUTH')!.command!.line, /^AUTH PLAIN •+$/);
    assert.equal(plain.find((e): e is Omit<AuthEvent, 'seq'> => e.kind === 'auth')!.user, 'carol');
    assert.ok(!JSON.stringify(plain).includes(ir));
  });

  test('STLS: the dialogue goes on inside TLS; pipelined plaintext is flagged as injection', () => {
    const { wire, tlsAt } = dialogue(['CAPA\r\n', 'STLS\r\nUSER evil\r\n', 'CAPA\r\nUSER a\r\n']);
    const events = dissect(wire, tlsAt);
    assert.deepEqual(summary(events), ['greeting +OK', 'CAPA +OK +body', 'STLS +OK', 'CAPA +OK +body', 'USER +OK']);
    const w = events.find((e) => e.kind === 'warning');
    assert.ok(w && w.kind === 'warning' && w.code === 'starttls-injection', JSON.stringify(events));
  });

  test('an exchange cut off by a close is emitted as incomplete, a half-read body too', () => {
    const d = new Pop3Dissector();
    d.onData('s2c', Buffer.from('+OK hi\r\n'), 1);
    d.onData('c2s', Buffer.from('RETR 1\r\nNOOP\r\n'), 2);
    d.onData('s2c', Buffer.from('+OK 10 octets\r\nabc\r\n'), 3);
    const ev = exchanges(d.onClose(4));
    assert.deepEqual(ev.map((e) => [e.command!.verb, e.incomplete]), [['RETR', true], ['NOOP', true]]);
    assert.deepEqual(ev[0]!.payload, { kind: 'multiline', direction: 's2c', offset: 23, length: 5 });
  });

  test('a response nothing asked for (idle timeout) is its own exchange', () => {
    const d = new Pop3Dissector();
    d.onData('s2c', Buffer.from('+OK hi\r\n'), 1);
    const ev = exchanges(d.onData('s2c', Buffer.from('-ERR [SYS/TEMP] autologout\r\n'), 2));
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.command, null);
    assert.equal(ev[0]!.replies[0]!.status, 'transient');
  });

  test('LIST with an argument and -ERR to RETR are single-line', () => {
    const d = new Pop3Dissector();
    d.onData('s2c', Buffer.from('+OK hi\r\n'), 1);
    d.onData('c2s', Buffer.from('LIST 1\r\nRETR 9\r\nUIDL\r\n'), 2);
    const ev = exchanges(d.onData('s2c', Buffer.from('+OK 1 20\r\n-ERR no\r\n+OK\r\n1 x\r\n.\r\n'), 3));
    assert.deepEqual(ev.map((e) => `${e.command!.verb} ${e.replies[0]!.lines.length}`), ['LIST 1', 'RETR 1', 'UIDL 2']);
  });
  test('a bare AUTH listing finishing does not release the hold of an AUTH pipelined behind it', () => {
    // Found by the property test: the whole client side arrives before any response, so the
    // line after AUTH LOGIN is its SASL response, not a command (RFC 5034 §4).
    const chunks = ['AUTH\r\n', 'AUTH LOGIN\r\n', 'USER bob\r\n', 'CAPA\r\n'];
    const { wire } = dialogue([chunks.join('')]);
    const clientFirst: Wire = [...wire.filter((w) => w.dir === 'c2s'), { dir: 's2c', bytes: Buffer.concat(wire.filter((w) => w.dir === 's2c').map((w) => w.bytes)) }];
    const ev = exchanges(dissect(clientFirst));
    assert.deepEqual(ev.map((e) => `${e.command?.line ?? 'greeting'} ${e.replies.map((r) => r.lines[0]!.code).join(',')}`), ['greeting +OK', 'AUTH +OK', 'AUTH LOGIN +,-ERR', 'CAPA +OK']);
  });
});
