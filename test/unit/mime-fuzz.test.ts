// Property tests: any input yields a consistent tree and never an exception, and generated
// well-formed messages come back with the structure they were built with.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { extractPart, findPart, parseMessage, summarizeMessage, type MimeTreeNode } from '../../main/core/mime/index.js';
import { INTERNAL_ERROR } from '../../main/core/mime/summarize.js';
import { clip, SNIPPET_LENGTH } from '../../main/core/mime/snippet.js';

const corpusDir = new URL('../fixtures/corpus/', import.meta.url);
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(new URL(f, corpusDir)));
const small = corpus.filter((raw) => raw.length < 100_000);
const big = corpus.find((raw) => raw.length > 1_000_000) ?? assert.fail('no large corpus message');
/** MIME_FUZZ_SCALE=50 npm test -- mime-fuzz runs fifty times as many cases, for a deeper search. */
const scale = Math.max(1, Number(process.env['MIME_FUZZ_SCALE']) || 1);
const runs = (n: number): { numRuns: number } => ({ numRuns: n * scale });
const walk = (n: MimeTreeNode): MimeTreeNode[] => [n, ...n.children.flatMap(walk)];
const countLf = (b: Buffer): number => b.reduce((k, c) => k + (c === 0x0a ? 1 : 0), 0);

/** Everything that must hold for any input, however broken. */
async function checkAnyInput(raw: Buffer): Promise<void> {
  const p = await parseMessage(raw);
  const s = summarizeMessage(raw);
  assert.ok(!p.warnings.some((w) => w.startsWith(INTERNAL_ERROR)), p.warnings.join('\n'));
  const { tree, headers, text, html, attachments, ...summaryOfParse } = p;
  assert.deepEqual(summaryOfParse, s, 'summarizeMessage agrees with parseMessage');
  assert.equal(s.attachmentCount, attachments.filter((a) => !a.inline).length);
  assert.equal(headers, tree.headers);
  assert.ok(text === null || typeof text === 'string');
  assert.ok(html === null || typeof html === 'string');
  const seen = new Set<string>();
  for (const n of walk(tree)) {
    const { start, bodyStart, end } = n.offsets;
    assert.ok(0 <= start && start <= bodyStart && bodyStart <= end && end <= raw.length, `offsets of "${n.path}"`);
    assert.equal(n.size, end - bodyStart);
    assert.equal(n.lines, countLf(raw.subarray(bodyStart, end)));
    assert.ok(!seen.has(n.path), `path "${n.path}" is unique`);
    seen.add(n.path);
    assert.equal(findPart(tree, n.path), n);
    assert.ok(n.children.every((c) => c.offsets.start >= bodyStart && c.offsets.end <= end));
    assert.ok(!n.contentType.startsWith('multipart/') || n.children.length > 0, 'a multipart has parts');
    extractPart(raw, tree, n.path);
  }
  for (const a of attachments) {
    assert.ok(a.filename.length > 0 && Buffer.byteLength(a.filename) <= 200);
    assert.doesNotMatch(a.filename, /[/\\\u0000-\u001f<>:"|?*]|^\.|[. ]$/);
  }
}

const TOKENS = [
  '\r\n', '\n', '\r', '\r\n\r\n', '--', '--XYZ', '--XYZ--', '--===============5473371804237873188==', ' ', '\t', ':', '=', ';',
  'Content-Type: multipart/mixed; boundary=XYZ\r\n', 'Content-Type: multipart/alternative; boundary="XYZ"\r\n',
  'Content-Type: message/rfc822\r\n', 'Content-Type: multipart/digest; boundary=XYZ\r\n', 'Content-Type: text/html\r\n',
  'Content-Transfer-Encoding: base64\r\n', 'Content-Transfer-Encoding: quoted-printable\r\n', 'Content-ID: <a@b>\r\n',
  "Content-Disposition: attachment; filename*0*=utf-8''%ED%95; filename*1=../x\r\n", 'Subject: =?utf-8?b?7ZWc?=\r\n',
  '=?iso-2022-jp?b?GyRC?=', '=?x?q?=FF?=', 'charset=iso-2022-jp', 'From: "a, b" <a@b>, g:;\r\n', 'Date: 1\r\n', '\x00', '\xff\xfe', '=E9=\r\n',
];
const tokenSoup = fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })), { maxLength: 80 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));

type Mutation = { at: number; kind: 'flip' | 'insert' | 'delete' | 'truncate'; data: string; length: number };
const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('flip' as const, 'insert' as const, 'delete' as const, 'truncate' as const),
  data: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })),
  length: fc.integer({ min: 1, max: 64 }),
});
function mutate(raw: Buffer, mutations: Mutation[]): Buffer {
  let out = Buffer.from(raw);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'flip' && out.length > 0) out[at] = (out[at]! + m.length) & 0xff;
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(m.data, 'latin1'), out.subarray(at)]);
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
    else if (m.kind === 'truncate') out = out.subarray(0, at);
  }
  return out;
}

test('random bytes never throw and give a consistent tree', async () => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), (bytes) => checkAnyInput(Buffer.from(bytes))), runs(300));
});

test('MIME-shaped token soup never throws and gives a consistent tree', async () => {
  await fc.assert(fc.asyncProperty(tokenSoup, checkAnyInput), runs(500));
});

test('mutated corpus messages never throw and give a consistent tree', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...small), fc.array(mutation, { minLength: 1, maxLength: 6 }), (raw, ms) => checkAnyInput(mutate(raw, ms))),
    runs(400),
  );
});

test('the 2 MB message cut or damaged anywhere still parses', async () => {
  await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), (ms) => checkAnyInput(mutate(big, ms))), runs(12));
});

// Well-formed multipart trees, written out and read back. Boundaries b1, b10, b11… are prefixes
// of each other on purpose: "--b1" followed by "0" is not a delimiter (RFC 2046 §5.1.1).
type Shape = { leaf: string } | { subtype: string; parts: Shape[] };
const shapes = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ leaf: fc.stringMatching(/^[a-z .\r\n]{0,30}$/) }),
    fc.record({ subtype: fc.constantFrom('mixed', 'alternative', 'related'), parts: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }),
  ),
})).node;

function write(shape: Shape, counter = { next: 1 }): string {
  if ('leaf' in shape) return `Content-Type: text/plain\r\n\r\n${shape.leaf}`;
  const b = `b${counter.next++}`;
  const parts = shape.parts.map((p) => `--${b}\r\n${write(p, counter)}\r\n`).join('');
  return `Content-Type: multipart/${shape.subtype}; boundary="${b}"\r\n\r\npreamble\r\n${parts}--${b}--\r\nepilogue`;
}
const expectedLeaves = (s: Shape): string[] => ('leaf' in s ? [s.leaf] : s.parts.flatMap(expectedLeaves));
const expectedTypes = (s: Shape): string[] => ('leaf' in s ? ['text/plain'] : [`multipart/${s.subtype}`, ...s.parts.flatMap(expectedTypes)]);

test('generated multipart trees read back with their shape, bodies and no warnings', async () => {
  await fc.assert(
    fc.asyncProperty(shapes, async (shape) => {
      const raw = Buffer.from(write(shape), 'latin1');
      const { tree, warnings } = await parseMessage(raw);
      assert.deepEqual(warnings.filter((w) => !w.startsWith('bare LF')), []);
      assert.deepEqual(walk(tree).map((n) => n.contentType), expectedTypes(shape));
      const leaves = walk(tree).filter((n) => n.children.length === 0);
      assert.deepEqual(leaves.map((n) => raw.subarray(n.offsets.bodyStart, n.offsets.end).toString('latin1')), expectedLeaves(shape));
    }),
    runs(300),
  );
});

test('the snippet clip reads a prefix first and gives what clipping the whole text gives', () => {
  // The obvious way: collapse all whitespace, then take 160 code points.
  const reference = (text: string): string => Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, SNIPPET_LENGTH).join('').trim();
  const piece = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(' ', '\t', '\r\n', '\n\n  \n', '\u00a0', '\u2028', '😀', '\ud83d', '\ude00', 'é', ' '.repeat(700), 'x'.repeat(300)),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 120 }), (parts) => {
      const text = parts.join('');
      assert.equal(clip(text), reference(text));
    }),
    runs(500),
  );
});
