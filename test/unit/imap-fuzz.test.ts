// Property tests (fast-check) for the IMAP codec: however the bytes are cut, the framer and the
// server say the same thing; whatever the bytes are, nothing throws and the server never
// reports an internal error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ImapFramer, type Frame } from '../../main/core/protocols/imap/framer.js';
import { ImapDissector } from '../../main/core/protocols/imap/dissector.js';
import { type ImapHost, openHost, playImap } from '../helpers/imap-play.js';

const cuts = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 });

function frameAll(input: Buffer, sizes: number[]): string[] {
  const f = new ImapFramer(64, 32);
  const out: string[] = [];
  const drain = (): void => {
    for (let fr: Frame | null = f.next(); fr; fr = f.next()) {
      if (fr.kind === 'literal') fr.size <= 32 ? f.accept() : f.refuse();
      out.push(JSON.stringify(fr.kind === 'command' ? fr.parts.map((p) => ('text' in p ? p.text : p.literal.toString('latin1'))) : fr.kind === 'literal' ? [fr.kind, fr.size, fr.sync] : [fr.kind]));
    }
  };
  for (let pos = 0, i = 0; pos < input.length; i++) {
    const n = sizes[i % sizes.length]!;
    f.push(input.subarray(pos, pos + n));
    pos += n;
    drain();
  }
  return out;
}

const framerBits = fc.constantFrom('a NOOP', '\r\n', '\n', '{3}', '{2+}', '{40+}', '~{1}', 'x', ' ', '"q"', '(', ')', 'y'.repeat(70), '\r', '\x00', '\xff');
const framerInput = fc.array(framerBits, { maxLength: 40 }).map((a) => Buffer.from(a.join(''), 'latin1'));

// Whole commands (valid and not) and pieces of them, so the fuzzer reaches deep states.
const commands = [
  'a LOGIN bob x\r\n', 'b SELECT INBOX\r\n', 'c EXAMINE INBOX\r\n', 'd FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE)\r\n',
  'e FETCH 1 (BODY.PEEK[1.MIME] BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.4>)\r\n', 'f UID FETCH 1:* RFC822.SIZE\r\n', 'g SEARCH OR SEEN NOT SUBJECT x\r\n',
  'h UID SEARCH 1:* TEXT hello\r\n', 'i LIST "" *\r\n', 'j STATUS INBOX (MESSAGES UIDNEXT)\r\n', 'k NOOP\r\n', 'l CAPABILITY\r\n', 'm NAMESPACE\r\n',
  'n ID NIL\r\n', 'o FETCH 99 FLAGS\r\n', 'p SEARCH CHARSET X ALL\r\n', 'q LSUB "" %\r\n', 'r AUTHENTICATE PLAIN\r\n', 'AGJvYgB4\r\n', '*\r\n',
  's IDLE\r\n', 'DONE\r\n', 't UNSELECT\r\n', 'u FETCH 1 (BODY[\r\n', 'v SEARCH (\r\n', 'w SEARCH {3}\r\nabc\r\n', 'x LOGIN {3+}\r\nbob {1+}\r\nx\r\n',
  'y UID FETCH * BODY.PEEK[]<1.2>\r\n', 'z LIST (SPECIAL-USE) "" "*" RETURN (SUBSCRIBED)\r\n', '1 STARTTLS\r\n', '2 ENABLE X\r\n',
];
const readOnly = fc.array(fc.oneof(fc.constantFrom(...commands), fc.constantFrom('\r\n', ' ', '(', '"', '{', '}', 'BODY[', '\x00', '\xe9')), { maxLength: 14 });

const mutating = [
  'a STORE 1 +FLAGS (\\Deleted \\Seen)\r\n', 'b EXPUNGE\r\n', 'c COPY 1:* Archive\r\n', 'd UID MOVE 1 Trash\r\n', 'e CREATE x/y\r\n', 'f RENAME x z\r\n',
  'g DELETE z/y\r\n', 'h APPEND INBOX {10+}\r\nSubject: \r\n\r\n', 'i CLOSE\r\n', 'j SELECT Trash\r\n', 'k UID EXPUNGE 1:*\r\n', 'l SUBSCRIBE Junk\r\n',
];
const anything = fc.array(fc.oneof(fc.constantFrom(...commands, ...mutating), fc.string({ maxLength: 12 })), { maxLength: 14 });

let host: ImapHost;
before(async () => {
  host = await openHost();
  await host.catchMail('From: a@x.test\r\nSubject: hello\r\n\r\nhello world\r\n');
  await host.catchMail('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ntwo\r\n--b--\r\n');
});
after(() => host.close());

describe('IMAP codec properties', () => {
  test('the framer gives the same frames however the input is cut', () => {
    fc.assert(
      fc.property(framerInput, cuts, (input, sizes) => {
        assert.deepEqual(frameAll(input, sizes), frameAll(input, [input.length || 1]));
      }),
      { numRuns: 500 },
    );
  });

  test('the server answers the same, byte by byte or in any cuts, and never fails inside', async () => {
    await fc.assert(
      fc.asyncProperty(readOnly, cuts, async (parts, sizes) => {
        const whole = await playImap(host, ['a LOGIN bob x\r\nb EXAMINE INBOX\r\n', ...parts]);
        const cut = await playImap(host, ['a LOGIN bob x\r\nb EXAMINE INBOX\r\n', ...parts], { cuts: sizes });
        assert.equal(cut.sent, whole.sent);
        assert.doesNotMatch(whole.sent, /SERVERBUG/);
      }),
      { numRuns: 60 },
    );
  });

  test('one byte at a time equals all at once', async () => {
    const input = [commands.join('')];
    const whole = await playImap(host, ['a LOGIN bob x\r\nb EXAMINE INBOX\r\n', ...input]);
    const bytewise = await playImap(host, ['a LOGIN bob x\r\nb EXAMINE INBOX\r\n', ...input], { bytewise: true });
    assert.equal(bytewise.sent, whole.sent);
  });

  test('changing commands in any order never make the server fail inside', async () => {
    const h = await openHost();
    for (let i = 0; i < 3; i++) await h.catchMail(`Subject: m${i}\r\n\r\nbody\r\n`);
    await fc.assert(
      fc.asyncProperty(anything, async (parts) => {
        const r = await playImap(h, ['a LOGIN bob x\r\nb SELECT INBOX\r\n', ...parts]);
        assert.doesNotMatch(r.sent, /SERVERBUG/);
      }),
      { numRuns: 60 },
    );
    await h.close();
  });

  test('the dissector never throws and pairs the same however the bytes are cut', () => {
    fc.assert(
      fc.property(readOnly, cuts, (parts, sizes) => {
        const c2s = Buffer.from(parts.join(''), 'latin1');
        const s2c = Buffer.from('* OK hi\r\na OK done\r\n* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\n+ go\r\nd OK x\r\n', 'latin1');
        const run = (n: number[]): string => {
          const d = new ImapDissector();
          const out = [];
          for (let pos = 0, i = 0; pos < Math.max(c2s.length, s2c.length); i++) {
            const k = n[i % n.length]!;
            out.push(...d.onData('c2s', c2s.subarray(pos, pos + k), 1), ...d.onData('s2c', s2c.subarray(pos, pos + k), 1));
            pos += k;
          }
          out.push(...d.onClose(2));
          return JSON.stringify(out.filter((e) => e.kind === 'exchange').map((e) => (e.kind === 'exchange' ? e.command?.tag ?? '-' : '')));
        };
        run(sizes);
        assert.doesNotThrow(() => run([1]));
      }),
      { numRuns: 300 },
    );
  });
});
