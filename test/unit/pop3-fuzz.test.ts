// Property tests (fast-check) for POP3: whatever the bytes, the codec never throws and only says
// well-formed things; however the input is cut, it says the same; byte-stuffing round-trips;
// the dissector survives anything and pairs the codec's dialogues the same however they are cut.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Pop3Server } from '../../main/core/protocols/pop3/server.js';
import { Pop3Dissector } from '../../main/core/protocols/pop3/dissector.js';
import { dotTerminated } from '../../main/core/protocols/pop3/reply.js';
import type { TimelineEventInput } from '../../shared/types.js';
import { play } from '../helpers/playbook.js';
import { FakeHost } from '../helpers/pop3-fake.js';

const RUNS = 300;
const cuts = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 });
const command = fc.constantFrom(
  'USER bob\r\n', 'USER bob@example.test\r\n', 'PASS x\r\n', `APOP bob ${'0'.repeat(32)}\r\n`, 'AUTH PLAIN\r\n', 'AGJvYgB4\r\n', 'AUTH LOGIN\r\n', 'AUTH\r\n', '*\r\n',
  'STAT\r\n', 'LIST\r\n', 'LIST 1\r\n', 'UIDL\r\n', 'UIDL 2\r\n', 'RETR 1\r\n', 'RETR 2\r\n', 'RETR 3\r\n', 'TOP 2 1\r\n', 'DELE 1\r\n', 'RSET\r\n', 'NOOP\r\n',
  'CAPA\r\n', 'STLS\r\n', 'QUIT\r\n', '\r\n', '\n', '.\r\n', 'x'.repeat(700) + '\r\n',
);
const session = fc.array(fc.oneof(command, fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('latin1'))), { maxLength: 25 });
// Bytes in the same packet as STLS are dropped as injection by design, so where cuts are
// compared STLS is left out: there the packet boundary rightly changes the outcome.
const noTls = session.map((parts) => parts.filter((p) => !p.includes('STLS')));
const mk = (): Pop3Server => new Pop3Server({ tlsAvailable: true, maxLineLength: 255, timestamp: '<1.2@t>' });
const input = (parts: string[]): Buffer[] => parts.map((p) => Buffer.from(p, 'latin1'));

/** Everything the server sent, read back by the dissector together with what the client sent. */
function exchangesOf(clientParts: string[], sent: string): TimelineEventInput[] {
  const d = new Pop3Dissector();
  const client = Buffer.concat(input(clientParts));
  return [...d.onData('c2s', client, 1), ...d.onData('s2c', Buffer.from(sent, 'latin1'), 2), ...d.onClose(3)];
}

describe('POP3 properties', () => {
  test('the server codec never throws, and every response is well-formed', () => {
    fc.assert(
      fc.property(noTls, cuts, (parts, sizes) => {
        const r = play(mk(), input(parts), { cuts: sizes, serve: new FakeHost().serve });
        for (const e of exchangesOf(parts, r.sent)) {
          if (e.kind !== 'exchange') continue;
          for (const reply of e.replies) assert.ok(['+OK', '-ERR', '+'].includes(reply.lines[0]!.code), JSON.stringify(reply));
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('the server codec never throws with STLS in the mix', () => {
    fc.assert(
      fc.property(session, cuts, (parts, sizes) => {
        const r = play(mk(), input(parts), { cuts: sizes, serve: new FakeHost().serve });
        assert.ok(r.sent.startsWith('+OK '));
      }),
      { numRuns: RUNS },
    );
  });

  test('the server codec gives the same responses however the input is cut', () => {
    fc.assert(
      fc.property(noTls, cuts, (parts, sizes) => {
        const hostA = new FakeHost();
        const hostB = new FakeHost();
        const whole = play(mk(), input(parts), { serve: hostA.serve });
        const cut = play(mk(), input(parts), { cuts: sizes, serve: hostB.serve });
        assert.equal(cut.sent, whole.sent);
        assert.deepEqual(hostB.deleted, hostA.deleted);
      }),
      { numRuns: RUNS },
    );
  });

  test('byte-stuffing round-trips, and the terminator comes only at the end', () => {
    const body = fc.array(fc.constantFrom('.', '..', '\r\n', '\n', '\r', 'a', ' ', '\r\n.\r\n', '\n.\n'), { maxLength: 40 }).map((p) => Buffer.from(p.join(''), 'latin1'));
    fc.assert(
      fc.property(body, (b) => {
        const wire = dotTerminated(b).toString('latin1');
        assert.ok(wire.endsWith('.\r\n'));
        // A client that splits on LF (Python's poplib) and one that looks for CRLF.CRLF (curl).
        const lines = wire.split('\n');
        const end = lines.findIndex((l) => l === '.\r' || l === '.');
        assert.equal(end, lines.length - 2, `early end in ${JSON.stringify(wire)}`);
        // The status line's CRLF comes right before the body.
        const crlfEnd = ('\r\n' + wire).indexOf('\r\n.\r\n');
        assert.equal(crlfEnd, ('\r\n' + wire).length - 5, `CRLF.CRLF before the end in ${JSON.stringify(wire)}`);
        const unstuffed = lines.slice(0, end).map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\n') + (end > 0 ? '\n' : '');
        const expected = b.length === 0 ? '' : /\r\n$/.test(b.toString('latin1')) ? b.toString('latin1') : b.toString('latin1') + '\r\n';
        assert.equal(unstuffed, expected);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('the dissector never throws on arbitrary interleavings of both directions', () => {
    const server = fc.constantFrom('+OK hi\r\n', '-ERR no\r\n', '+ \r\n', '+OK\r\n1 2\r\n.\r\n', '..x\r\n', '.\r\n', 'garbage\r\n', '+OK 3 octets\r\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.oneof(command, server)), { maxLength: 40 }), (steps) => {
        const d = new Pop3Dissector();
        let t = 0;
        let exchanges = 0;
        for (const [fromClient, text] of steps) exchanges += d.onData(fromClient ? 'c2s' : 's2c', Buffer.from(text, 'latin1'), ++t).filter((e) => e.kind === 'exchange').length;
        if (steps.length % 3 === 0) d.onTls();
        exchanges += d.onClose(++t).filter((e) => e.kind === 'exchange').length;
        assert.ok(exchanges <= steps.length * 3);
      }),
      { numRuns: RUNS },
    );
  });

  test('the dissector pairs a real dialogue the same however both directions are cut', () => {
    fc.assert(
      fc.property(noTls, cuts, (parts, sizes) => {
        const r = play(mk(), input(parts), { serve: new FakeHost().serve });
        const pieces = (b: Buffer): Buffer[] => {
          const out: Buffer[] = [];
          let pos = 0;
          for (let i = 0; pos < b.length; i++) {
            const n = sizes[i % sizes.length]!;
            out.push(b.subarray(pos, pos + n));
            pos += n;
          }
          return out;
        };
        const whole = exchangesOf(parts, r.sent);
        const d = new Pop3Dissector();
        const cut: TimelineEventInput[] = [];
        for (const p of pieces(Buffer.concat(input(parts)))) cut.push(...d.onData('c2s', p, 1));
        for (const p of pieces(Buffer.from(r.sent, 'latin1'))) cut.push(...d.onData('s2c', p, 2));
        cut.push(...d.onClose(3));
        const strip = (e: TimelineEventInput[]): unknown[] => e.map((x) => (x.kind === 'exchange' ? { ...x, t: 0, latencyUs: 0, replies: x.replies.map((rr) => ({ ...rr, t: 0 })) } : { ...x, t: 0 }));
        assert.deepEqual(strip(cut), strip(whole));
      }),
      { numRuns: RUNS },
    );
  });
});
