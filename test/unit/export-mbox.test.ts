// mboxrd writing and streaming reading: From_ lines, >From quoting both ways, CRLF files, the
// size limit, bad input, and a property: any messages written and read back are the same bytes,
// and so is any file read and written again, however the file is cut into chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MessageSummary } from '../../shared/types.js';
import { MboxReader, type MboxMessage } from '../../main/core/export/mbox-read.js';
import { asctime, fromLineOf, mboxEntry } from '../../main/core/export/mbox-write.js';
import { importEnvelope } from '../../main/core/export/message-import.js';

const write = (msgs: { from: Buffer; raw: Buffer }[]): Buffer => Buffer.concat(msgs.flatMap((m) => mboxEntry(m.from, m.raw)));

function read(file: Buffer, chunk = file.length || 1, max = 1 << 20): MboxMessage[] {
  const r = new MboxReader(max);
  const out: MboxMessage[] = [];
  for (let i = 0; i < file.length; i += chunk) out.push(...r.push(file.subarray(i, i + chunk)));
  out.push(...r.end());
  return out;
}

const summary = (mailFrom: string, receivedAt: string): Pick<MessageSummary, 'envelope' | 'receivedAt' | 'mboxFrom'> => ({
  envelope: { mailFrom, rcptTo: [], params: {}, helo: null, user: null, tls: false },
  receivedAt,
});

test('asctime is C asctime in UTC, the day padded with a space', () => {
  assert.equal(asctime(new Date('2024-03-05T07:08:09Z')), 'Tue Mar  5 07:08:09 2024');
  assert.equal(asctime(new Date('1999-12-31T23:59:59.999Z')), 'Fri Dec 31 23:59:59 1999');
});

test('the From_ line: envelope sender and arrival time; MAILER-DAEMON for the null sender; an imported line as it was', () => {
  assert.equal(fromLineOf(summary('a@example.test', '2024-03-05T07:08:09.123Z')).toString(), 'From a@example.test Tue Mar  5 07:08:09 2024\n');
  assert.equal(fromLineOf(summary('', '2024-03-05T07:08:09Z')).toString(), 'From MAILER-DAEMON Tue Mar  5 07:08:09 2024\n');
  assert.equal(fromLineOf({ ...summary('x@y', '2024-03-05T07:08:09Z'), mboxFrom: 'From - Thu Jan  1 00:00:00 1970\r\n' }).toString(), 'From - Thu Jan  1 00:00:00 1970\r\n');
});

test('mboxrd quoting: every /^>*From / line gets one more ">", and reading takes it off', () => {
  const raw = Buffer.from('Subject: x\r\n\r\nFrom here\r\n>From there\r\n>>From far\r\n From not\r\nFromage\r\nFrom');
  const file = write([{ from: Buffer.from('From a@b Thu Jan  1 00:00:00 1970\n'), raw }]);
  assert.equal(
    file.toString(),
    'From a@b Thu Jan  1 00:00:00 1970\nSubject: x\r\n\r\n>From here\r\n>>From there\r\n>>>From far\r\n From not\r\nFromage\r\nFrom\n\n',
    'quoted, a newline added to the unterminated last line, then the blank line',
  );
  const [m] = read(file);
  assert.equal(m!.chunks[0]!.toString(), raw.toString() + '\n', 'unquoted; the added newline stays (mboxrd cannot tell)');
});

test('reading a file written with CRLF line endings keeps its From_ line ending and the messages', () => {
  const file = Buffer.from('From a@b Thu Jan  1 00:00:00 1970\r\nSubject: 1\r\n\r\nbody\r\n\r\nFrom c@d Thu Jan  1 00:00:01 1970\r\nSubject: 2\r\n\r\n>From x\r\n\r\n');
  const msgs = read(file);
  assert.deepEqual(msgs.map((m) => m.chunks[0]!.toString()), ['Subject: 1\r\n\r\nbody\r\n', 'Subject: 2\r\n\r\nFrom x\r\n']);
  assert.equal(msgs[1]!.fromLine.toString(), 'From c@d Thu Jan  1 00:00:01 1970\r\n');
  assert.deepEqual(write(msgs.map((m) => ({ from: m.fromLine, raw: m.chunks[0]! }))), file, 'written back byte for byte');
});

test('a message over the limit is reported too large, and the next one is still read', () => {
  const big = Buffer.alloc(5000, 0x61);
  const file = write([
    { from: Buffer.from('From a@b Thu Jan  1 00:00:00 1970\n'), raw: Buffer.concat([Buffer.from('Subject: big\n\n'), big, Buffer.from('\n')]) },
    { from: Buffer.from('From a@b Thu Jan  1 00:00:00 1970\n'), raw: Buffer.from('Subject: small\n\nok\n') },
  ]);
  const msgs = read(file, 100, 1000);
  assert.equal(msgs.length, 2);
  assert.equal(msgs[0]!.tooLarge, true);
  assert.equal(msgs[0]!.chunks.length, 0, 'nothing of it is kept');
  assert.ok(msgs[0]!.size > 5000);
  assert.equal(msgs[1]!.tooLarge, false);
  assert.equal(msgs[1]!.chunks[0]!.toString(), 'Subject: small\n\nok\n');
});

test('input that is not an mbox is refused with a reason', () => {
  assert.throws(() => read(Buffer.from('Subject: not an mbox\n\nbody\n')), /does not start with a "From " line/);
  assert.throws(() => read(Buffer.from('')), /empty/);
  assert.throws(() => read(Buffer.from('From a@b Thu Jan  1 00:00:00 1970')), /From line and nothing else/);
  assert.throws(() => read(Buffer.from(`From ${'x'.repeat(2000)}\n`)), /From line is over/);
});

test('the envelope of an import: an address From_ sender, else the From field; To and Cc as recipients', () => {
  const raw = Buffer.from('From: Ann <ann@example.test>\r\nTo: bob@example.test, Cy <cy@example.test>\r\nCc: bob@example.test, dee@example.test\r\n\r\nhi\r\n');
  assert.deepEqual(importEnvelope(raw, Buffer.from('From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n')).mailFrom, 'ann@example.test');
  const e = importEnvelope(raw, Buffer.from('From bounce@example.test Thu Jan  1 00:00:00 1970\n'));
  assert.equal(e.mailFrom, 'bounce@example.test');
  assert.deepEqual(e.rcptTo, ['bob@example.test', 'cy@example.test', 'dee@example.test']);
});

// Lines that stress the format: From lines quoted to any depth, CR and LF in every mix.
const line = fc.oneof(
  fc.constantFrom('From x', '>From y', '>>>From z', 'From', '>From', 'Fro', '', ' From', '>', 'From  '),
  fc.string({ maxLength: 12 }),
);
const message = fc
  .tuple(fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'))
  .map(([lines, end]) => Buffer.from('Subject: p' + end + lines.map(([l, e]) => l + e).join('') + 'end' + end));
const fromLine = fc.constantFrom('From a@b Thu Jan  1 00:00:00 1970\n', 'From - Mon Feb 29 12:00:00 2016\r\n', 'From MAILER-DAEMON Sat Jan  1 00:00:00 2000 remote from x\n');

test('property: messages written as mboxrd read back byte-exact, from chunks of any size', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fromLine, message), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 64 }), (msgs, chunk) => {
      const file = write(msgs.map(([f, raw]) => ({ from: Buffer.from(f), raw })));
      const back = read(file, chunk);
      assert.deepEqual(back.map((m) => m.chunks[0]!.toString('latin1')), msgs.map(([, raw]) => raw.toString('latin1')));
      assert.deepEqual(back.map((m) => m.fromLine.toString()), msgs.map(([f]) => f));
      // And the file itself round-trips: read, write again, same bytes.
      assert.deepEqual(write(back.map((m) => ({ from: m.fromLine, raw: m.chunks[0]! }))), file);
    }),
    { numRuns: 300 },
  );
});

test('a file fed one byte at a time gives the same messages', () => {
  const file = write([
    { from: Buffer.from('From a@b Thu Jan  1 00:00:00 1970\n'), raw: Buffer.from('Subject: 1\n\n>>From q\nFrom r\n') },
    { from: Buffer.from('From c@d Thu Jan  1 00:00:00 1970\n'), raw: Buffer.from('Subject: 2\n\nx\n') },
  ]);
  assert.deepEqual(read(file, 1).map((m) => m.chunks[0]!.toString()), read(file).map((m) => m.chunks[0]!.toString()));
});
