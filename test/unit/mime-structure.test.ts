// The part tree: offsets, sizes and line counts as IMAP needs them, agreement with mailsplit on
// the corpus, and the structural edge cases the corpus does not cover.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findPart, parseMessage, summarizeMessage, type MimeTreeNode } from '../../main/core/mime/index.js';
import { MAX_DEPTH, readStructure } from '../../main/core/mime/structure.js';

const corpusDir = new URL('../fixtures/corpus/', import.meta.url);
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.eml')).sort();
const load = (name: string): Buffer => readFileSync(new URL(name, corpusDir));
const msg = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');
const walk = (n: MimeTreeNode): MimeTreeNode[] => [n, ...n.children.flatMap(walk)];
const paths = (n: MimeTreeNode): string[] => walk(n).map((x) => `${x.path || '(root)'} ${x.contentType}`);
const bodyOf = (raw: Buffer, n: MimeTreeNode): string => raw.subarray(n.offsets.bodyStart, n.offsets.end).toString();
const countLf = (b: Buffer): number => b.reduce((k, c) => k + (c === 0x0a ? 1 : 0), 0);
const part = (tree: MimeTreeNode, path: string): MimeTreeNode => findPart(tree, path) ?? assert.fail(`no part ${path}`);

test('the corpus fixtures are the 22 shared messages', () => {
  assert.equal(corpus.length, 22);
});

test('offsets, sizes and line counts are consistent for every corpus part', async () => {
  for (const name of corpus) {
    const raw = load(name);
    const { tree } = await parseMessage(raw);
    for (const n of walk(tree)) {
      const { start, bodyStart, end } = n.offsets;
      assert.ok(start <= bodyStart && bodyStart <= end && end <= raw.length, `${name} ${n.path}`);
      assert.equal(n.size, end - bodyStart, `${name} ${n.path} size`);
      assert.equal(n.lines, countLf(raw.subarray(bodyStart, end)), `${name} ${n.path} lines`);
      for (const c of n.children) {
        assert.ok(c.offsets.start >= bodyStart && c.offsets.end <= end, `${name} ${c.path} lies inside ${n.path}`);
      }
    }
  }
});

// mailsplit is an independent splitter (the one mailparser uses). Where it reads a part as a
// leaf, its body bytes must be ours. Message 14 is left out: mailsplit reads the body of a
// multipart without delimiters as nothing, we read it as text.
test('a summary reads the same tree and the same fields without line counts and decoded headers', async () => {
  const hostile = [msg('Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: message/rfc822', '', 'Subject: =?utf-8?q?inner?=', '', 'x\n--b--'), Buffer.from('Subject: bare\n\nLF only\n')];
  for (const [name, raw] of [...corpus.map((n): [string, Buffer] => [n, load(n)]), ...hostile.map((b, i): [string, Buffer] => [`hostile ${i}`, b])]) {
    const full = readStructure(raw);
    const lean = readStructure(raw, { details: false });
    const strip = (n: MimeTreeNode): unknown => ({ ...n, lines: 0, headers: [], children: n.children.map(strip), ...(n.encapsulated ? { encapsulated: { ...n.encapsulated, headers: [] } } : {}) });
    assert.deepEqual(lean.tree, strip(full.tree), name);
    assert.deepEqual(lean.warnings, full.warnings, name);
    const { tree: _t, headers: _h, text: _x, html: _m, attachments: _a, ...fromFullParse } = await parseMessage(raw);
    assert.deepEqual(summarizeMessage(raw), fromFullParse, name);
  }
});

test('leaf bodies agree with mailsplit for the corpus', async () => {
  const { Splitter } = createRequire(import.meta.url)('mailsplit') as { Splitter: new () => NodeJS.ReadWriteStream };
  for (const name of corpus.filter((f) => !f.startsWith('14-'))) {
    const raw = load(name);
    const splitter = new Splitter();
    const theirs: Array<{ type: string; chunks: Buffer[] }> = [];
    const byNode = new Map<object, { type: string; chunks: Buffer[] }>();
    splitter.on('data', (d: { type: string; node?: object; value?: Buffer; contentType?: string; multipart?: unknown }) => {
      if (d.type === 'node' && !d.multipart) {
        const leaf = { type: d.contentType ?? '', chunks: [] };
        byNode.set(d, leaf);
        theirs.push(leaf);
      } else if (d.type === 'body' && d.node && d.value) byNode.get(d.node)?.chunks.push(d.value);
    });
    await new Promise((resolve, reject) => splitter.on('end', resolve).on('error', reject).end(raw));
    const { tree } = await parseMessage(raw);
    // mailsplit keeps an attached message whole unless it is inline, as in 07.
    const leaves = (n: MimeTreeNode): MimeTreeNode[] => (n.contentType.startsWith('multipart/') ? n.children.flatMap(leaves) : [n]);
    const ours = leaves(tree).map((n) => ({ type: n.contentType, body: raw.subarray(n.offsets.bodyStart, n.offsets.end).toString('latin1') }));
    assert.deepEqual(ours, theirs.map((t) => ({ type: t.type, body: Buffer.concat(t.chunks).toString('latin1') })), name);
  }
});

test('a message/rfc822 holding a multipart numbers its parts under the message part', async () => {
  const raw = msg(
    'Content-Type: multipart/mixed; boundary=outer', '', '--outer', '', 'intro', '--outer',
    'Content-Type: message/rfc822', '',
    'Subject: inner', 'Content-Type: multipart/alternative; boundary=inner', '',
    '--inner', 'Content-Type: text/plain', '', 'one', '--inner', 'Content-Type: text/html', '', '<b>two</b>', '--inner--',
    '--outer--', '',
  );
  const p = await parseMessage(raw);
  assert.deepEqual(paths(p.tree), ['(root) multipart/mixed', '1 text/plain', '2 message/rfc822', '2.1 text/plain', '2.2 text/html']);
  const fwd = part(p.tree, '2');
  assert.equal(fwd.encapsulated?.contentType, 'multipart/alternative');
  assert.equal(fwd.encapsulated?.params['boundary'], 'inner');
  assert.deepEqual(fwd.encapsulated?.headers.map((h) => h.value), ['inner', 'multipart/alternative; boundary=inner']);
  assert.ok(raw.subarray(fwd.encapsulated.bodyStart).toString().startsWith('--inner\r\n'));
  assert.equal(bodyOf(raw, part(p.tree, '2.2')), '<b>two</b>');
  assert.equal(p.text, 'intro');
  assert.equal(p.html, null, 'the HTML of an attached message is not this message\'s HTML');
});

test('parts of multipart/digest default to message/rfc822 (RFC 2046 §5.1.5)', async () => {
  const raw = msg('Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: one', '', 'first', '--d--');
  const p = await parseMessage(raw);
  assert.deepEqual(paths(p.tree), ['(root) multipart/digest', '1 message/rfc822', '1.1 text/plain']);
  assert.equal(part(p.tree, '1').encapsulated?.headers[0]?.value, 'one');
});

test('a base64 message/rfc822 is kept whole, with a warning (RFC 2046 §5.2.1)', async () => {
  const raw = msg('Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogeA0KDQp5', '');
  const p = await parseMessage(raw);
  assert.deepEqual(p.tree.children, []);
  assert.equal(p.tree.encapsulated, null);
  assert.match(p.warnings.join('\n'), /base64, which RFC 2046 §5\.2\.1 forbids/);
});

test('delimiter lines: padding is allowed, a longer boundary is not a delimiter, bare LF works', async () => {
  const raw = msg('Content-Type: multipart/mixed; boundary=b', '', '--b  \t', '', 'one', '--bb', 'still one', '--b--  ', 'epilogue');
  const p = await parseMessage(raw);
  assert.deepEqual(paths(p.tree), ['(root) multipart/mixed', '1 text/plain']);
  assert.equal(bodyOf(raw, part(p.tree, '1')), 'one\r\n--bb\r\nstill one');
  assert.deepEqual(p.warnings, []);
  const lf = Buffer.from('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n--b--\n');
  const q = await parseMessage(lf);
  assert.deepEqual(q.tree.children.map((c) => bodyOf(lf, c)), ['one', 'two']);
  assert.match(q.warnings.join('\n'), /bare LF line endings: 9 of 9 lines/);
});

test('an empty part between two delimiters has an empty body', async () => {
  const raw = msg('Content-Type: multipart/mixed; boundary=b', '', '--b', '--b', '', 'two', '--b--');
  const p = await parseMessage(raw);
  assert.deepEqual(p.tree.children.map((c) => [c.offsets.end - c.offsets.start, bodyOf(raw, c)]), [[0, ''], [5, 'two']]);
});

test('a multipart without a boundary parameter is read as text, with a warning', async () => {
  const p = await parseMessage(msg('Content-Type: multipart/mixed', '', 'hello'));
  assert.equal(p.tree.contentType, 'text/plain');
  assert.equal(p.text, 'hello');
  assert.deepEqual(p.warnings, ['the message is multipart/mixed without a boundary parameter (RFC 2046 §5.1.1), so it is read as text/plain']);
});

test('a header section that ends without a blank line starts the body at the first non-field line', async () => {
  const raw = msg('Subject: x', 'this line is body', 'so is this');
  const p = await parseMessage(raw);
  assert.equal(p.subject, 'x');
  assert.equal(bodyOf(raw, p.tree), 'this line is body\r\nso is this');
  assert.match(p.warnings[0] ?? '', /header section ends at a line that is not a header field/);
});

test('an invalid Content-Type falls back to text/plain with a warning (RFC 2045 §5.2)', async () => {
  const p = await parseMessage(msg('Content-Type: text', '', 'x'));
  assert.equal(p.tree.contentType, 'text/plain');
  assert.equal(p.tree.charset, 'us-ascii');
  assert.deepEqual(p.warnings, ['the message: Content-Type "text" is not type/subtype, so it is read as text/plain (RFC 2045 §5.2)']);
});

test('RFC 2231 continuations with a charset, and RFC 2047 words in a quoted name', async () => {
  const raw = msg(
    'Content-Type: multipart/mixed; boundary=b', '', '--b',
    "Content-Disposition: attachment; filename*0*=utf-8''%ED%95%9C; filename*1*=%EA%B8%80; filename*2=.txt",
    '', 'a', '--b', 'Content-Type: application/pdf; name="=?utf-8?q?r=C3=A9sum=C3=A9?=.pdf"', '', 'b', '--b--',
  );
  const p = await parseMessage(raw);
  assert.equal(part(p.tree, '1').filename, '한글.txt');
  assert.equal(part(p.tree, '2').filename, 'résumé.pdf');
  assert.equal(part(p.tree, '2').params['name'], 'résumé.pdf');
});

test('multipart/related shows the part its start parameter names (RFC 2387 §3.2)', async () => {
  const raw = msg(
    'Content-Type: multipart/related; boundary=r; start="<root@x>"', '',
    '--r', 'Content-Type: text/html', 'Content-ID: <other@x>', '', '<p>not me</p>',
    '--r', 'Content-Type: text/html', 'Content-ID: <root@x>', '', '<p>me</p>', '--r--',
  );
  assert.equal((await parseMessage(raw)).html, '<p>me</p>');
});

test('raw 8-bit header bytes: UTF-8 when valid, Latin-1 otherwise', async () => {
  const utf8 = await parseMessage(Buffer.from('Subject: café\r\n\r\nx', 'utf8'));
  assert.equal(utf8.subject, 'café');
  const latin1 = await parseMessage(Buffer.from('Subject: café\r\n\r\nx', 'latin1'));
  assert.equal(latin1.subject, 'café');
});

test('a message that is not multipart: "" and "1" both name the root (RFC 3501 §6.4.5)', async () => {
  const { tree } = await parseMessage(load('01-plain-ascii.eml'));
  assert.equal(findPart(tree, ''), tree);
  assert.equal(findPart(tree, '1'), tree);
  assert.equal(findPart(tree, '2'), null);
  const multi = (await parseMessage(load('04-alternative.eml'))).tree;
  assert.equal(findPart(multi, '1')?.contentType, 'text/plain');
  for (const bad of ['0', '1.', '.1', '01', 'a', '1..2', ' 1']) assert.equal(findPart(multi, bad), null, bad);
});

test('absurd nesting stops at a fixed depth with a warning instead of recursing on', async () => {
  const depth = 200;
  const open = Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`).join('');
  const p = await parseMessage(Buffer.from(`${open}\r\ndeep\r\n`));
  assert.equal(walk(p.tree).length, MAX_DEPTH + 1);
  const deepest = `part ${Array(MAX_DEPTH).fill('1').join('.')}`;
  assert.ok(p.warnings.includes(`${deepest} is nested more than ${MAX_DEPTH} levels deep, so it is read as text/plain`), p.warnings.join('\n'));
});

test('empty input gives an empty tree and a warning', async () => {
  const p = await parseMessage(Buffer.alloc(0));
  assert.deepEqual(p.tree.offsets, { start: 0, bodyStart: 0, end: 0 });
  assert.deepEqual(p.warnings, ['the message is empty']);
});
