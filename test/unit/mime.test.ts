// Every message of the corpus (test/fixtures/corpus/README.md) through summarizeMessage,
// parseMessage and extractPart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractPart, parseMessage, resolveCidMap, summarizeMessage, type MimeTreeNode, type ParsedMessage } from '../../main/core/mime/index.js';

const load = (name: string): Buffer => readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url));
const parse = async (name: string): Promise<{ raw: Buffer; p: ParsedMessage }> => {
  const raw = load(name);
  return { raw, p: await parseMessage(raw) };
};
/** The tree as "path type" lines, indented by depth. */
const shape = (n: MimeTreeNode, depth = 0): string[] => [`${'  '.repeat(depth)}${n.path || '(root)'} ${n.contentType}`, ...n.children.flatMap((c) => shape(c, depth + 1))];
const body = (raw: Buffer, n: MimeTreeNode): string => raw.subarray(n.offsets.bodyStart, n.offsets.end).toString('utf8');
const child = (n: MimeTreeNode, i: number): MimeTreeNode => n.children[i] ?? assert.fail(`no child ${i} under "${n.path}"`);
const ALICE = { name: 'Alice', address: 'alice@crepes.example' };
const BOB = { name: 'Bob', address: 'bob@hamburger.example' };

test('01 plain ASCII: summary fields, a root without children, exact body offsets', async () => {
  const { raw, p } = await parse('01-plain-ascii.eml');
  assert.deepEqual(summarizeMessage(raw), {
    from: ALICE, to: [BOB], cc: [], subject: 'Do you like ketchup?',
    messageId: '<446f20796f75206c696b6520@corpus.example>', date: '2026-11-23T01:00:00.000Z',
    attachmentCount: 0, snippet: 'Do you like ketchup? How about pickles?', warnings: [],
  });
  assert.deepEqual(shape(p.tree), ['(root) text/plain']);
  assert.equal(p.tree.charset, 'utf-8');
  assert.equal(p.tree.transferEncoding, '7bit');
  assert.equal(body(raw, p.tree), 'Do you like ketchup?\r\nHow about pickles?\r\n');
  assert.equal(p.tree.size, 42);
  assert.equal(p.tree.lines, 2);
  assert.equal(p.text, 'Do you like ketchup?\nHow about pickles?\n');
  assert.equal(p.html, null);
  assert.deepEqual(p.attachments, []);
  assert.equal(p.headers, p.tree.headers);
  assert.deepEqual(p.headers.map((h) => h.name), ['From', 'To', 'Subject', 'Date', 'Message-ID', 'Content-Type', 'Content-Transfer-Encoding', 'MIME-Version']);
});

test('02 UTF-8 8bit body and an RFC 2047 Korean subject', async () => {
  const { p } = await parse('02-utf8-8bit-korean.eml');
  assert.equal(p.subject, '전자우편 테스트 — 한글 제목');
  assert.equal(p.tree.transferEncoding, '8bit');
  assert.equal(p.text, '안녕하세요,\n이메일 메시지 예시입니다.\n');
  assert.equal(p.snippet, '안녕하세요, 이메일 메시지 예시입니다.');
});

test('03 quoted-printable ISO-8859-1 with soft line breaks', async () => {
  const { raw, p } = await parse('03-qp-latin1.eml');
  assert.equal(p.subject, 'Québec QP');
  assert.equal(p.tree.charset, 'iso-8859-1');
  assert.equal(p.text, 'Café crème, déjà vu, voilà. '.repeat(6));
  const part = extractPart(raw, p.tree, '');
  assert.equal(part.contentType, 'text/plain; charset=iso-8859-1');
  assert.deepEqual(part.data, Buffer.from('Café crème, déjà vu, voilà. '.repeat(6), 'latin1'));
});

test('04 multipart/alternative gives both text and HTML', async () => {
  const { raw, p } = await parse('04-alternative.eml');
  assert.deepEqual(shape(p.tree), ['(root) multipart/alternative', '  1 text/plain', '  2 text/html']);
  assert.equal(p.tree.params['boundary'], '===============5473371804237873188==');
  assert.equal(body(raw, child(p.tree, 0)), 'plain version\r\n');
  assert.equal(body(raw, child(p.tree, 1)), '<p>html <b>version</b></p>\r\n');
  assert.equal(p.text, 'plain version\n');
  assert.equal(p.html, '<p>html <b>version</b></p>\r\n');
  assert.deepEqual(p.attachments, []);
});

test('05 base64 attachment with an RFC 2231 Korean filename', async () => {
  const { raw, p } = await parse('05-attachment-rfc2231.eml');
  const part = child(p.tree, 1);
  assert.equal(part.path, '2');
  assert.equal(part.filename, '보고서 2026.bin');
  assert.equal(part.dispositionParams['filename'], '보고서 2026.bin');
  assert.equal(part.disposition, 'attachment');
  assert.deepEqual(p.attachments, [{ path: '2', filename: '보고서 2026.bin', contentType: 'application/octet-stream', size: 2048, contentId: null, inline: false }]);
  const file = extractPart(raw, p.tree, '2');
  assert.equal(file.filename, '보고서 2026.bin');
  assert.equal(file.contentType, 'application/octet-stream');
  assert.deepEqual(file.data, Buffer.from(Array.from({ length: 2048 }, (_, i) => i % 256)));
  assert.equal(p.attachmentCount, 1);
});

test('06 multipart/related: the cid map points at the image, the HTML keeps its cid: link', async () => {
  const { raw, p } = await parse('06-related-cid-image.eml');
  assert.deepEqual(shape(p.tree), ['(root) multipart/alternative', '  1 text/plain', '  2 multipart/related', '    2.1 text/html', '    2.2 image/png']);
  assert.deepEqual(resolveCidMap(p.tree), { 'logo@corpus': '2.2' });
  assert.equal(child(child(p.tree, 1), 1).contentId, '<logo@corpus>');
  assert.equal(p.html, '<p>logo: <img src="cid:logo@corpus"></p>\r\n');
  assert.equal(p.text, 'text\n');
  assert.deepEqual(p.attachments, [{ path: '2.2', filename: 'part-2.2.png', contentType: 'image/png', size: 70, contentId: 'logo@corpus', inline: true }]);
  assert.equal(p.attachmentCount, 0, 'an inline image is not a download');
  assert.deepEqual(extractPart(raw, p.tree, '2.2').data.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
});

test('07 message/rfc822: the forwarded message is parsed under part 2', async () => {
  const { raw, p } = await parse('07-forwarded-rfc822.eml');
  assert.deepEqual(shape(p.tree), ['(root) multipart/mixed', '  1 text/plain', '  2 message/rfc822', '    2.1 text/plain']);
  const fwd = child(p.tree, 1);
  assert.ok(fwd.encapsulated);
  assert.equal(fwd.encapsulated.headers.find((h) => h.name === 'Subject')?.value, 'The original');
  assert.equal(fwd.encapsulated.contentType, 'text/plain');
  assert.equal(raw.subarray(fwd.encapsulated.bodyStart, fwd.offsets.end).toString(), 'original body\r\n');
  assert.ok(body(raw, fwd).startsWith('From: Alice <alice@crepes.example>\r\nTo: Bob'));
  const inner = child(fwd, 0);
  assert.equal(inner.offsets.start, fwd.offsets.bodyStart, 'the single body carries the encapsulated header');
  assert.equal(body(raw, inner), 'original body\r\n');
  assert.equal(p.text, 'forwarding\n', 'the attached message is not part of the text');
  assert.deepEqual(p.attachments.map((a) => [a.path, a.contentType, a.filename]), [['2', 'message/rfc822', 'part-2.eml']]);
  assert.equal(extractPart(raw, p.tree, '2.1').data.toString(), 'original body\r\n');
});

test('08 mixed > alternative > related, plus a PDF', async () => {
  const { raw, p } = await parse('08-nested-mixed-alt-related.eml');
  assert.deepEqual(shape(p.tree), [
    '(root) multipart/mixed',
    '  1 multipart/alternative',
    '    1.1 text/plain',
    '    1.2 multipart/related',
    '      1.2.1 text/html',
    '      1.2.2 image/png',
    '  2 application/pdf',
  ]);
  assert.equal(p.text, 'p\n');
  assert.equal(p.html, '<p>h <img src="cid:a@b"></p>\r\n');
  assert.deepEqual(resolveCidMap(p.tree), { 'a@b': '1.2.2' });
  assert.deepEqual(p.attachments.map((a) => [a.path, a.filename, a.inline]), [['1.2.2', 'part-1.2.2.png', true], ['2', 'example_file.pdf', false]]);
  assert.equal(p.attachmentCount, 1);
  assert.equal(extractPart(raw, p.tree, '2').data.toString(), '%PDF-1.4 fake');
  const related = child(child(p.tree, 0), 1);
  assert.equal(raw.subarray(related.offsets.start, related.offsets.start + 13).toString(), 'MIME-Version:');
});

test('09 ISO-2022-JP subject and body', async () => {
  const { raw, p } = await parse('09-iso-2022-jp.eml');
  assert.equal(p.subject, '日本語の件名');
  assert.equal(p.text, 'こんにちは、世界');
  assert.deepEqual(p.from, { name: '', address: 'taro@example.jp' });
  const part = extractPart(raw, p.tree, '1');
  assert.equal(part.contentType, 'text/plain; charset=iso-2022-jp');
  assert.equal(part.data.toString('latin1'), '\x1b$B$3$s$K$A$O!"@$3&\x1b(B', 'text keeps its charset bytes');
});

test('10 EUC-KR subject and base64 body', async () => {
  const { p } = await parse('10-euc-kr.eml');
  assert.equal(p.subject, 'EUC-KR 제목');
  assert.equal(p.tree.transferEncoding, 'base64');
  assert.equal(p.text, '한국어 본문 EUC-KR');
});

test('11 empty body', async () => {
  const { raw, p } = await parse('11-empty-body.eml');
  assert.equal(body(raw, p.tree), '\r\n');
  assert.equal(p.tree.size, 2);
  assert.equal(p.text, '\n');
  assert.equal(p.snippet, '');
  assert.deepEqual(p.warnings, []);
});

test('12 long folded headers are unfolded, adjacent encoded words joined', async () => {
  const { p } = await parse('12-long-folded-headers.eml');
  assert.equal(p.subject, `A long subject${' that keeps going'.repeat(12)}`);
  assert.equal(p.headers.find((h) => h.name === 'X-Long')?.value, 'x'.repeat(300));
});

test('13 missing closing boundary: both parts, a warning, the text', async () => {
  const { raw, p } = await parse('13-malformed-no-closing-boundary.eml');
  assert.deepEqual(shape(p.tree), ['(root) multipart/mixed', '  1 text/plain', '  2 text/plain']);
  assert.deepEqual(p.warnings, ['closing boundary missing for the message (multipart/mixed, boundary "XYZ"): the last part runs to the end']);
  assert.equal(body(raw, child(p.tree, 0)), 'part one');
  assert.equal(body(raw, child(p.tree, 1)), 'part two, never closed\r\n');
  assert.equal(child(p.tree, 1).offsets.end, raw.length);
  assert.equal(p.text, 'part one\npart two, never closed\n');
});

test('14 a boundary that never occurs: read as text, with a warning', async () => {
  const { raw, p } = await parse('14-malformed-boundary-absent.eml');
  assert.deepEqual(shape(p.tree), ['(root) text/plain']);
  assert.deepEqual(p.warnings, ['the message (multipart/alternative): boundary "nope" never occurs, so the body is read as text/plain']);
  assert.equal(p.headers.find((h) => h.name === 'Content-Type')?.value, 'multipart/alternative; boundary="nope"');
  assert.equal(p.text, 'just text, no parts\n');
  assert.equal(extractPart(raw, p.tree, '1').data.toString(), 'just text, no parts\r\n');
});

test('15 hostile HTML is returned as sent; the snippet shows no script', async () => {
  const { p } = await parse('15-hostile-html.eml');
  assert.equal(p.html, '<p>hi</p><script>alert(1)</script><img src="http://127.0.0.1:9/pixel.gif" onerror="alert(2)"><a href="javascript:alert(3)">x</a>\r\n');
  assert.equal(p.text, null);
  assert.equal(p.snippet, 'hi x');
});

test('16 a traversal filename becomes a safe download name', async () => {
  const { raw, p } = await parse('16-traversal-filename.eml');
  assert.equal(child(p.tree, 1).filename, '../../etc/passwd', 'the tree keeps what the sender wrote');
  assert.equal(p.attachments[0]?.filename, 'passwd');
  assert.deepEqual(extractPart(raw, p.tree, '2'), { contentType: 'text/plain; charset=us-ascii', filename: 'passwd', data: Buffer.from('evil') });
  assert.equal(p.text, 'x\n');
});

test('17 text/calendar is offered as an attachment beside the text', async () => {
  const { p } = await parse('17-calendar.eml');
  const invite = child(p.tree, 1);
  assert.equal(invite.contentType, 'text/calendar');
  assert.deepEqual(invite.params, { charset: 'utf-8', method: 'REQUEST' });
  assert.equal(invite.lines, 8);
  assert.equal(p.text, 'invite\n');
  assert.deepEqual(p.attachments.map((a) => [a.path, a.filename]), [['2', 'part-2.ics']]);
  assert.equal(p.attachmentCount, 1);
});

test('18 multipart/signed: the signed part spans exactly the signed bytes', async () => {
  const { raw, p } = await parse('18-smime-signed-shape.eml');
  assert.deepEqual(shape(p.tree), ['(root) multipart/signed', '  1 text/plain', '  2 application/pkcs7-signature']);
  assert.equal(p.tree.params['protocol'], 'application/pkcs7-signature');
  assert.equal(p.tree.params['micalg'], 'sha-256');
  const signed = child(p.tree, 0);
  // RFC 1847 §2.1: the signature covers the first part, headers included, up to the CRLF
  // that belongs to the boundary.
  assert.equal(
    raw.subarray(signed.offsets.start, signed.offsets.end).toString(),
    'Content-Type: text/plain; charset="us-ascii"\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: 7bit\r\n\r\nsigned body',
  );
  assert.equal(p.text, 'signed body');
  assert.deepEqual(p.attachments.map((a) => a.filename), ['smime.p7s']);
});

test('19 bare LF line endings are flagged, and the lone dot stays in the body', async () => {
  const { raw, p } = await parse('19-bare-lf-smuggling.eml');
  assert.deepEqual(p.warnings, ['bare LF line endings: 2 of 8 lines end in LF without CR (RFC 5322 §2.3 requires CRLF)']);
  assert.deepEqual(summarizeMessage(raw).warnings, p.warnings);
  assert.equal(body(raw, p.tree), 'line one\n.\nstill the same message\r\nend\r\n');
  assert.equal(p.text, 'line one\n.\nstill the same message\nend\n');
});

test('20 leading dots are content: MIME parsing does no dot-unstuffing', async () => {
  const { p } = await parse('20-leading-dots.eml');
  assert.equal(p.text, '.leading dot\n..two dots\n.\nafter a line that is one dot\n');
  assert.equal(p.tree.lines, 4);
});

test('21 the 2 MB attachment extracts byte-exact against an independent base64 decode', async () => {
  const { raw, p } = await parse('21-two-megabytes.eml');
  // Cut the encoded text out of the file by hand and decode it with atob, not Buffer.
  const text = raw.toString('latin1');
  const from = text.indexOf('\r\n\r\n', text.indexOf('filename="big.zip"')) + 4;
  const to = text.indexOf('\r\n--===============6554495735677839438==--');
  const expected = Buffer.from(atob(text.slice(from, to).replaceAll('\r\n', '')), 'latin1');
  assert.equal(expected.length, 2 * 1024 * 1024);
  const zip = extractPart(raw, p.tree, '2');
  assert.equal(zip.filename, 'big.zip');
  assert.ok(zip.data.equals(expected));
  assert.equal(body(raw, child(p.tree, 1)), text.slice(from, to));
  assert.deepEqual(p.attachments, [{ path: '2', filename: 'big.zip', contentType: 'application/zip', size: 2097152, contentId: null, inline: false }]);
  const summary = summarizeMessage(raw);
  assert.equal(summary.attachmentCount, 1);
  assert.equal(summary.snippet, 'big');
});

test('22 RFC 822 only: text/plain in us-ascii by default (RFC 2045 §5.2)', async () => {
  const { raw, p } = await parse('22-rfc822-only.eml');
  assert.deepEqual(shape(p.tree), ['(root) text/plain']);
  assert.equal(p.tree.charset, 'us-ascii');
  assert.deepEqual(p.tree.params, {});
  assert.equal(p.tree.transferEncoding, null);
  assert.deepEqual(p.from, { name: '', address: 'alice@crepes.fr' });
  assert.equal(p.date, null);
  assert.equal(p.messageId, null);
  assert.equal(extractPart(raw, p.tree, '').contentType, 'text/plain; charset=us-ascii');
  assert.equal(p.text, 'Do you like ketchup?\nHow about pickles?\n');
  assert.deepEqual(p.warnings, []);
});
