// Body decoding, safe download names, part lookup and the header fields of a summary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeQuotedPrintable, decodeText, decodeTransfer } from '../../main/core/mime/body-decoding.js';
import { extractPart, parseMessage, resolveCidMap, safeFilename, summarizeMessage } from '../../main/core/mime/index.js';

const qp = (s: string): string => decodeQuotedPrintable(Buffer.from(s, 'latin1')).toString('latin1');
const msg = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

test('quoted-printable: bytes, soft breaks, transport padding and stray "=" (RFC 2045 §6.7)', () => {
  assert.equal(qp('caf=E9 cr=e8me'), 'café crème');
  assert.equal(qp('soft=\r\nbreak and=  \r\nspaces=\nbare LF'), 'softbreak andspacesbare LF');
  assert.equal(qp('kept before =\r\nthe break'), 'kept before the break');
  assert.equal(qp('trailing   \r\nspace\t\r\nend  '), 'trailing\r\nspace\r\nend');
  assert.equal(qp('encoded=20\r\nspace=20'), 'encoded \r\nspace ');
  assert.equal(qp('a=3 b=XY c= d='), 'a=3 b=XY c= d');
  assert.equal(qp('bare\nLF'), 'bare\nLF');
});

test('base64 skips line breaks; other encodings pass through', () => {
  assert.equal(decodeTransfer(Buffer.from('aGVs\r\nbG8=\r\n'), 'base64').toString(), 'hello');
  assert.equal(decodeTransfer(Buffer.from('=E9'), '8bit').toString(), '=E9');
  assert.equal(decodeTransfer(Buffer.from('=E9'), null).toString(), '=E9');
});

test('text charsets: declared, defaulted, and an unknown name', () => {
  assert.equal(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'windows-1252'), 'café');
  assert.equal(decodeText(Buffer.from('café', 'utf8'), null), 'café', '8-bit UTF-8 in an undeclared part');
  assert.equal(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'us-ascii'), 'café', 'and Latin-1 when not UTF-8');
  assert.equal(decodeText(Buffer.from('ok'), 'x-no-such-charset'), 'ok');
});

test('format=flowed text is joined (RFC 3676)', async () => {
  const p = await parseMessage(msg('Content-Type: text/plain; format=flowed', '', 'one line ', 'continued', 'next'));
  assert.equal(p.text, 'one line continued\nnext');
});

test('safe filenames strip directories, controls and reserved characters', () => {
  const safe = (name: string | null, type = 'application/octet-stream', path = '2'): string => safeFilename(name, type, path);
  assert.equal(safe('../../etc/passwd'), 'passwd');
  assert.equal(safe('..\\..\\Windows\\system32\\cmd.exe'), 'cmd.exe');
  assert.equal(safe('C:\\temp\\a.txt'), 'a.txt');
  assert.equal(safe('a<b>c:d"e|f?g*h.txt'), 'a_b_c_d_e_f_g_h.txt');
  assert.equal(safe('bell\u0007\u0000and\u001bnul.txt'), 'bellandnul.txt');
  assert.equal(safe('invoice\u202Efdp.exe'), 'invoicefdp.exe', 'no right-to-left override');
  assert.equal(safe('.bashrc'), 'bashrc');
  assert.equal(safe('trailing. . '), 'trailing');
  assert.equal(safe('CON.txt'), '_CON.txt');
  assert.equal(safe('lpt1'), '_lpt1');
  assert.equal(safe('보고서 2026.bin'), '보고서 2026.bin');
});

test('safe filenames fall back to part-<path>.<ext> and stay within 200 bytes', () => {
  assert.equal(safeFilename(null, 'image/png', '2.2'), 'part-2.2.png');
  assert.equal(safeFilename('../..', 'application/pdf', '3'), 'part-3.pdf');
  assert.equal(safeFilename('', 'text/plain', ''), 'part-1.txt');
  assert.equal(safeFilename(null, 'message/rfc822', '2'), 'part-2.eml');
  assert.equal(safeFilename(null, 'application/x-unheard-of', '4'), 'part-4.bin');
  const long = safeFilename(`${'한'.repeat(300)}.pdf`, 'application/pdf', '1');
  assert.ok(Buffer.byteLength(long) <= 200, `${Buffer.byteLength(long)} bytes`);
  assert.ok(long.endsWith('한.pdf'));
  assert.equal(safeFilename(`${'a'.repeat(300)}.${'b'.repeat(40)}`, 'text/plain', '1').length, 200);
});

test('extractPart throws "no part" for a path that is not in the tree', async () => {
  const raw = msg('Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'x', '--b--');
  const { tree } = await parseMessage(raw);
  assert.equal(extractPart(raw, tree, '1').data.toString(), 'x');
  for (const path of ['2', '1.1', '0', 'x', '../1']) {
    assert.throws(() => extractPart(raw, tree, path), (err: unknown) => err instanceof Error && err.message.startsWith('no part'), path);
  }
  const whole = extractPart(raw, tree, '');
  assert.equal(whole.contentType, 'multipart/mixed');
  assert.equal(whole.filename, 'part-1.bin');
  assert.equal(whole.data.toString(), '--b\r\n\r\nx\r\n--b--');
});

test('the cid map skips an attached message and treats "__proto__" as a plain key', async () => {
  const raw = msg(
    'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-ID: <__proto__>', '', 'x',
    '--b', 'Content-ID:  <own@x> ', '', 'y',
    '--b', 'Content-Type: message/rfc822', '', 'Content-ID: <inner@x>', '', 'z', '--b--',
  );
  const map = resolveCidMap((await parseMessage(raw)).tree);
  assert.deepEqual(Object.entries(map), [['__proto__', '1'], ['own@x', '2']]);
  assert.equal(Object.getPrototypeOf(map), Object.prototype);
});

test('address fields: groups flattened, encoded names with commas, several To fields', () => {
  const s = summarizeMessage(msg(
    'From: =?utf-8?q?M=C3=BCller=2C_Hans?= <hans@example.de>',
    'To: team: a@x.example, "B, b" <b@x.example>;',
    'To: c@x.example',
    'Cc: undisclosed-recipients:;',
    '', 'x',
  ));
  assert.deepEqual(s.from, { name: 'Müller, Hans', address: 'hans@example.de' });
  assert.deepEqual(s.to, [{ name: '', address: 'a@x.example' }, { name: 'B, b', address: 'b@x.example' }, { name: '', address: 'c@x.example' }]);
  assert.deepEqual(s.cc, []);
});

test('dates: obsolete zones and comments are read, nonsense is a warning', () => {
  const date = (value: string): { date: string | null; warnings: string[] } => {
    const { date, warnings } = summarizeMessage(msg(`Date: ${value}`, '', 'x'));
    return { date, warnings };
  };
  assert.equal(date('Tue, 1 Jul 2003 10:52:37 +0200').date, '2003-07-01T08:52:37.000Z');
  assert.equal(date('1 Jul 2003 10:52 GMT (comment)').date, '2003-07-01T10:52:00.000Z');
  assert.deepEqual(date('1'), { date: null, warnings: ['the Date field "1" is not a date (RFC 5322 §3.3)'] });
  assert.equal(date('not a date 12:00').date, null);
  assert.deepEqual(date(`${'9'.repeat(500)} 12:00`).warnings, [`the Date field "${'9'.repeat(60)}…" is not a date (RFC 5322 §3.3)`], 'a warning quotes only the start');
});

test('the snippet comes from the HTML when there is no text, without markup', () => {
  const html = '<html><head><title>T</title><style>p{}</style></head><body><!-- c --><p>Hello&nbsp;&amp;&#33; <b>world</b></p></body></html>';
  assert.equal(summarizeMessage(msg('Content-Type: text/html', '', html)).snippet, 'Hello &! world');
});

test('the snippet reads a few KB of the first text part and stops at 160 characters', () => {
  const long = Array.from({ length: 50_000 }, (_, i) => `word${i}`).join(' ');
  const s = summarizeMessage(msg('Content-Type: text/plain; charset=utf-8', '', long));
  assert.equal(s.snippet, long.slice(0, 160).trimEnd());
  const emoji = '😀'.repeat(200);
  assert.equal(summarizeMessage(msg('Content-Type: text/plain; charset=utf-8', '', emoji)).snippet, '😀'.repeat(160));
});
