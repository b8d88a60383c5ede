import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpServer } from '../../main/core/protocols/smtp/server.js';
import { SmtpDissector } from '../../main/core/protocols/smtp/dissector.js';
import type { CodecCommand } from '../../main/core/protocols/types.js';
import type { Direction, ExchangeEvent, TimelineEventInput } from '../../shared/types.js';
import { tlsInfo } from '../helpers/playbook.js';

type Wire = { dir: Direction; bytes: Buffer }[];

/** Run the sink codec over client chunks and keep the wire in order, as the adapter would see it. */
function dialogue(clientChunks: string[]): { wire: Wire; tlsAt: number[] } {
  const s = new SmtpServer({ tlsAvailable: true });
  const wire: Wire = [];
  const tlsAt: number[] = [];
  const run = (cmds: CodecCommand[]): void => {
    for (const c of cmds) {
      if (c.type === 'send') wire.push({ dir: 's2c', bytes: Buffer.from(c.bytes) });
      else if (c.type === 'deliver') run(s.handle({ type: 'delivered', id: c.id, ok: true, messageId: 'M1' }));
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
  const d = new SmtpDissector('client');
  const out: TimelineEventInput[] = [];
  wire.forEach((w, i) => {
    if (tlsAt.includes(i)) out.push(...d.onTls());
    const parts = bytewise ? [...w.bytes].map((b) => Buffer.from([b])) : [w.bytes];
    parts.forEach((p) => out.push(...d.onData(w.dir, p, 1000 * (i + 1))));
  });
  out.push(...d.onClose(1e9));
  return out;
}

const summary = (events: TimelineEventInput[]): string[] =>
  events
    .filter((e): e is Omit<ExchangeEvent, 'seq'> => e.kind === 'exchange')
    .map((e) => `${e.command?.verb ?? (e.greeting ? 'greeting' : '-')} ${e.replies.map((r) => r.lines[r.lines.length - 1]!.code).join(',')}`);

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('SMTP dissector', () => {
  const chunks = [
    'EHLO client\r\n',
    'AUTH LOGIN\r\n',
    b64('alice') + '\r\n',
    b64('s3cret') + '\r\n',
    'MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n',
    'Subject: t\r\n\r\n..dot\r\nbare\nlf\r\n.\r\n',
    'BDAT 4 LAST\r\nabcd',
    'QUIT\r\n',
  ];
  const expected = ['greeting 220', 'EHLO 250', 'AUTH 334,334,235', 'MAIL 250', 'RCPT 250', 'DATA 354,250', 'BDAT 503', 'QUIT 221'];

  for (const bytewise of [false, true]) {
    test(`pairs every command with its reply${bytewise ? ', one byte at a time' : ''}`, () => {
      const { wire } = dialogue(chunks);
      const events = dissect(wire, [], bytewise);
      assert.deepEqual(summary(events), expected);
    });
  }

  test('AUTH is decoded: user shown, secret masked, outcome known', () => {
    const events = dissect(dialogue(chunks).wire);
    const auth = events.find((e) => e.kind === 'auth');
    assert.ok(auth && auth.kind === 'auth');
    assert.equal(auth.user, 'alice');
    assert.equal(auth.mechanism, 'LOGIN');
    assert.equal(auth.ok, true);
    assert.ok(auth.secretMasked && !auth.secretMasked.includes('s3cret'));
    assert.ok(!JSON.stringify(events).includes('s3cret'), 'the secret appears nowhere in the timeline');
  });

  test('AUTH PLAIN initial response is masked in the command line', () => {
    const ir = b64('\0bob\0hunter2');
    const events = dissect(dialogue(['EHLO c\r\n', `AUTH PLAIN ${ir}\r\n`]).wire);
    const ex = events.find((e) => e.kind === 'exchange' && e.command?.verb === 'AUTH') as ExchangeEvent;
    assert.ok(!ex.command!.line.includes(ir));
    assert.match(ex.command!.line, /^AUTH PLAIN •+$/);
    const auth = events.find((e) => e.kind === 'auth');
    assert.equal(auth && auth.kind === 'auth' && auth.user, 'bob');
  });

  test('the DATA payload reference points at the bytes on the wire', () => {
    const { wire } = dialogue(chunks);
    const events = dissect(wire);
    const data = events.find((e) => e.kind === 'exchange' && e.command?.verb === 'DATA') as ExchangeEvent;
    const c2s = Buffer.concat(wire.filter((w) => w.dir === 'c2s').map((w) => w.bytes));
    const p = data.payload!;
    assert.equal(c2s.subarray(p.offset, p.offset + p.length).toString(), 'Subject: t\r\n\r\n..dot\r\nbare\nlf\r\n.\r\n');
  });

  test('bare LF in DATA is a warning event', () => {
    const events = dissect(dialogue(chunks).wire);
    assert.ok(events.some((e) => e.kind === 'warning' && e.code === 'bare-lf'));
  });

  test('plaintext pipelined after STARTTLS is flagged as injection', () => {
    const { wire, tlsAt } = dialogue(['EHLO c\r\n', 'STARTTLS\r\nMAIL FROM:<evil@x>\r\n']);
    const events = dissect(wire, tlsAt);
    assert.deepEqual(summary(events), ['greeting 220', 'EHLO 250', 'STARTTLS 220']);
    const w = events.find((e) => e.kind === 'warning');
    assert.ok(w && w.kind === 'warning' && w.code === 'starttls-injection', JSON.stringify(events));
  });

  test('an exchange cut off by a close is emitted as incomplete', () => {
    const d = new SmtpDissector();
    d.onData('s2c', Buffer.from('220 hi\r\n'), 1);
    d.onData('c2s', Buffer.from('NOOP\r\n'), 2);
    const ev = d.onClose(3);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.kind === 'exchange' && ev[0]!.incomplete, true);
  });

  test('multi-line replies are one reply with every line, and latency is measured', () => {
    const events = dissect(dialogue(['EHLO c\r\n']).wire);
    const ehlo = events.find((e) => e.kind === 'exchange' && e.command?.verb === 'EHLO') as ExchangeEvent;
    assert.equal(ehlo.replies.length, 1);
    assert.ok(ehlo.replies[0]!.lines.length > 5);
    assert.ok(ehlo.replies[0]!.lines.some((l) => l.text === 'PIPELINING'));
    assert.equal(ehlo.latencyUs, 1000);
  });
});
