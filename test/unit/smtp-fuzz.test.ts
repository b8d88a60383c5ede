// Property tests (fast-check) for the SMTP framing: however the bytes are cut, the result is the
// same; whatever the bytes are, nothing throws, output stays bounded, and DATA only ends at
// CRLF.CRLF.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DataReader, SCAN_MEMO_MIN } from '../../main/core/protocols/smtp/data-reader.js';
import { LineReader } from '../../main/core/protocols/line-reader.js';
import { SmtpServer } from '../../main/core/protocols/smtp/server.js';
import { SmtpDissector } from '../../main/core/protocols/smtp/dissector.js';
import { play } from '../helpers/playbook.js';

const RUNS = 300;

/** Reference unstuffing, written the slow obvious way: split on CRLF, stop at ".". */
function referenceData(input: Buffer): { body: Buffer; consumed: number } | null {
  const s = input.toString('latin1');
  let pos = 0;
  let out = '';
  for (;;) {
    const end = s.indexOf('\r\n', pos);
    if (end < 0) return null;
    const line = s.slice(pos, end);
    if (line === '.') return { body: Buffer.from(out, 'latin1'), consumed: end + 2 };
    out += (line.startsWith('.') ? line.slice(1) : line) + '\r\n';
    pos = end + 2;
  }
}

const byteAlphabet = fc.constantFrom(...[13, 10, 46, 65, 32, 0, 255].map((b) => Buffer.from([b])), Buffer.from('\r\n'), Buffer.from('\r\n.\r\n'), Buffer.from('\n.\n'), Buffer.from('..'));
const messageBytes = fc.array(byteAlphabet, { maxLength: 80 }).map((parts) => Buffer.concat(parts));
const cuts = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 });

function feed(reader: DataReader, input: Buffer, sizes: number[]): number | null {
  let pos = 0;
  let i = 0;
  while (pos < input.length) {
    const n = sizes[i++ % sizes.length]!;
    const r = reader.push(input.subarray(pos, pos + n));
    if (r.done) return pos + r.consumed;
    pos += n;
  }
  return null;
}

describe('SMTP framing properties', () => {
  test('DataReader agrees with a reference unstuffer, however the input is cut', () => {
    fc.assert(
      fc.property(messageBytes, cuts, (input, sizes) => {
        const ref = referenceData(input);
        const reader = new DataReader();
        const consumed = feed(reader, input, sizes);
        if (ref === null) {
          assert.equal(consumed, null, 'no CRLF.CRLF: the payload must not end');
        } else {
          assert.equal(consumed, ref.consumed);
          assert.deepEqual(Buffer.concat(reader.chunks), ref.body);
          assert.equal(reader.wireBytes, ref.consumed);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('two readers of the same large chunks (the second takes the first one\'s scan) agree with a reader of copies', () => {
    // Filler blocks make pushes of SCAN_MEMO_MIN bytes and more, which are memoized.
    const big = fc.oneof(byteAlphabet, fc.constantFrom(Buffer.alloc(SCAN_MEMO_MIN, 65), Buffer.from('A\r\n'.repeat(1500)), Buffer.from('.A\r\n'.repeat(40))));
    const bigCuts = fc.array(fc.integer({ min: 1, max: 3 * SCAN_MEMO_MIN }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(big, { maxLength: 12 }).map((p) => Buffer.concat(p)), bigCuts, fc.boolean(), (input, sizes, keepFirst) => {
        const ref = referenceData(input);
        const shared = [new DataReader(), new DataReader(Infinity, false)];
        if (!keepFirst) shared.reverse();
        const alone = new DataReader();
        let pos = 0;
        let i = 0;
        let done = false;
        while (pos < input.length && !done) {
          const chunk = input.subarray(pos, pos + sizes[i++ % sizes.length]!);
          const [a, b] = shared.map((r) => r.push(chunk));
          const c = alone.push(Buffer.from(chunk)); // a copy: nothing to take over
          assert.deepEqual(a, c);
          assert.deepEqual(b, c);
          done = c.done;
          pos += chunk.length;
        }
        for (const r of shared) {
          assert.equal(r.size, alone.size);
          assert.equal(r.wireBytes, alone.wireBytes);
          assert.deepEqual(r.warnings, alone.warnings);
        }
        const kept = shared.find((r) => r.chunks.length || !alone.chunks.length)!;
        assert.deepEqual(Buffer.concat(kept.chunks), Buffer.concat(alone.chunks));
        if (ref) assert.deepEqual(Buffer.concat(alone.chunks), ref.body);
      }),
      { numRuns: RUNS },
    );
  });

  test('LineReader: lines are the same however the input is cut, and never longer than the limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cuts, (bytes, sizes) => {
        const whole = new LineReader(64);
        whole.push(bytes);
        const a: string[] = [];
        for (let l = whole.next(); l; l = whole.next()) a.push(l.tooLong ? '<long>' : l.text);
        const pieces = new LineReader(64);
        const b: string[] = [];
        let pos = 0;
        let i = 0;
        while (pos < bytes.length) {
          const n = sizes[i++ % sizes.length]!;
          pieces.push(bytes.subarray(pos, pos + n));
          pos += n;
          for (let l = pieces.next(); l; l = pieces.next()) b.push(l.tooLong ? '<long>' : l.text);
          assert.ok(pieces.buffered <= 64 + n, 'buffer stays bounded');
        }
        assert.deepEqual(b, a);
        for (const l of a) assert.ok(l.length <= 64);
      }),
      { numRuns: RUNS },
    );
  });

  const command = fc.constantFrom(
    'EHLO x\r\n', 'HELO x\r\n', 'MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', 'hello\r\n.\r\n', 'BDAT 3\r\nabc', 'BDAT 0 LAST\r\n',
    'RSET\r\n', 'NOOP\r\n', 'AUTH PLAIN\r\n', 'AGFAAGI=\r\n', 'AUTH LOGIN\r\n', '*\r\n', 'STARTTLS\r\n', 'QUIT\r\n', 'GET / HTTP/1.0\r\n', '\r\n', '\n', '.\r\n', 'x'.repeat(700) + '\r\n',
  );
  const session = fc.array(fc.oneof(command, fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('latin1'))), { maxLength: 25 });
  // STARTTLS is left out where cuts are compared: bytes in the same packet as STARTTLS are
  // dropped as injection by design, so there the packet boundary rightly changes the outcome.
  const noTls = session.map((parts) => parts.filter((p) => !p.includes('STARTTLS')));

  test('the server codec never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(session, cuts, (parts, sizes) => {
        const r = play(new SmtpServer({ tlsAvailable: true, maxLineLength: 512 }), parts.map((p) => Buffer.from(p, 'latin1')), { cuts: sizes });
        for (const line of r.lines) assert.match(line, /^\d{3}[ -]/);
      }),
      { numRuns: RUNS },
    );
  });

  test('the server codec gives the same replies however the input is cut', () => {
    fc.assert(
      fc.property(noTls, cuts, (parts, sizes) => {
        const mk = (): SmtpServer => new SmtpServer({ tlsAvailable: true, maxLineLength: 512, challenge: () => '<c>' });
        const whole = play(mk(), parts.map((p) => Buffer.from(p, 'latin1')));
        const cut = play(mk(), parts.map((p) => Buffer.from(p, 'latin1')), { cuts: sizes });
        assert.equal(cut.sent, whole.sent);
        assert.deepEqual(cut.deliveries.map((d) => d.body), whole.deliveries.map((d) => d.body));
        // Every reply is a well-formed reply line.
        for (const line of whole.lines) assert.match(line, /^\d{3}[ -]/);
      }),
      { numRuns: RUNS },
    );
  });

  test('the dissector never throws on arbitrary interleavings of both directions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.oneof(command, fc.constantFrom('220 hi\r\n', '250-a\r\n250 b\r\n', '354 go\r\n', '334 \r\n', '235 ok\r\n', '221 bye\r\n', 'garbage\r\n'))), { maxLength: 40 }), (steps) => {
        const d = new SmtpDissector();
        let t = 0;
        let exchanges = 0;
        for (const [fromClient, text] of steps) exchanges += d.onData(fromClient ? 'c2s' : 's2c', Buffer.from(text, 'latin1'), ++t).filter((e) => e.kind === 'exchange').length;
        exchanges += d.onClose(++t).filter((e) => e.kind === 'exchange').length;
        // No exchange is invented: there are at most as many as lines sent.
        assert.ok(exchanges <= steps.length * 3);
      }),
      { numRuns: RUNS },
    );
  });
});
