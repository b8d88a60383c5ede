// Splits a raw message into its part tree with exact byte offsets, without decoding any body.
//
// Synchronous and one pass per nesting level: boundaries are found with Buffer#indexOf, so a
// 2 MB attachment costs a memory scan, not a line-by-line walk. mailsplit (the splitter inside
// mailparser) was the first choice, but it is an object stream that yields to the event loop
// once per line, does not report offsets, and descends into message/rfc822 only when it is
// inline; IMAP needs the structure of every encapsulated message (RFC 3501 §7.4.2).

import { readContentFields, US_ASCII } from './content-fields.js';
import { decodeHeaders, excerpt, readHeaderBlock, type HeaderField } from './header-block.js';
import { LineIndex } from './line-index.js';
import { carriesMessage, type MimeTreeNode } from './tree-types.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const DASH = 0x2d;

/** Deeper nesting than this is hostile rather than useful. */
export const MAX_DEPTH = 32;
/** mailparser stops at 1,000 parts; we keep going further but not without bound. */
export const MAX_PARTS = 5000;

export interface Structure {
  tree: MimeTreeNode;
  /** Raw header fields of the message itself, for fields that need their undecoded form. */
  rootFields: HeaderField[];
  warnings: string[];
}

interface Context {
  raw: Buffer;
  lines: LineIndex;
  /** Each part's line count and decoded header fields; a summary needs neither. */
  details: boolean;
  warnings: string[];
  parts: number;
}

export interface StructureOptions {
  /**
   * False for a message's summary: parts get no line count (0) and no decoded header fields
   * ([]), which saves a list of every line's offset and the RFC 2047 decoding of every field.
   * The tree, offsets, content fields and warnings are the same.
   */
  details?: boolean;
}

export function readStructure(raw: Buffer, o: StructureOptions = {}): Structure {
  const details = o.details ?? true;
  const ctx: Context = { raw, lines: new LineIndex(raw, details), details, warnings: [], parts: 0 };
  const rootBlock = readHeaderBlock(raw, 0, raw.length);
  if (raw.length === 0) ctx.warnings.push('the message is empty');
  if (ctx.lines.bareLf > 0) {
    ctx.warnings.push(
      `bare LF line endings: ${ctx.lines.bareLf} of ${ctx.lines.total} lines end in LF without CR (RFC 5322 §2.3 requires CRLF)`,
    );
  }
  const tree = readEntity(ctx, 0, raw.length, '', '', 'text/plain', 0, rootBlock);
  return { tree, rootFields: rootBlock.fields, warnings: ctx.warnings };
}

function describePath(path: string): string {
  return path === '' ? 'the message' : `part ${path}`;
}

function childPath(prefix: string, n: number): string {
  return prefix === '' ? String(n) : `${prefix}.${n}`;
}

/**
 * Reads one entity (a message or a body part) in [start, end). `path` is its own section
 * number; its children are numbered under `childPrefix`, which differs from `path` only for
 * the top of an encapsulated message (see MimeTreeNode). `block` is given when the caller
 * has read the header section already.
 */
function readEntity(
  ctx: Context,
  start: number,
  end: number,
  path: string,
  childPrefix: string,
  defaultType: string,
  depth: number,
  block = readHeaderBlock(ctx.raw, start, end),
): MimeTreeNode {
  ctx.parts++;
  const where = describePath(path);
  if (!block.separated) {
    ctx.warnings.push(`${where}: the header section ends at a line that is not a header field, not at a blank line (RFC 5322 §2.1)`);
  }
  const fields = readContentFields(block, defaultType);
  if (fields.invalidType !== null) {
    ctx.warnings.push(`${where}: Content-Type ${excerpt(fields.invalidType)} is not type/subtype, so it is read as ${defaultType} (RFC 2045 §5.2)`);
  }
  const bodyStart = block.bodyStart;
  const node: MimeTreeNode = {
    path,
    contentType: fields.contentType,
    params: fields.params,
    charset: fields.charset,
    transferEncoding: fields.transferEncoding,
    disposition: fields.disposition,
    dispositionParams: fields.dispositionParams,
    filename: fields.filename,
    contentId: fields.contentId,
    description: fields.description,
    size: end - bodyStart,
    lines: ctx.details ? ctx.lines.count(bodyStart, end) : 0,
    offsets: { start, bodyStart, end },
    headers: ctx.details ? decodeHeaders(block.fields) : [],
    children: [],
  };
  if (node.contentType.startsWith('multipart/')) {
    readMultipart(ctx, node, fields.boundary, childPrefix, depth);
  } else if (carriesMessage(node.contentType)) {
    readEncapsulated(ctx, node, childPrefix, depth);
  }
  return node;
}

/**
 * A multipart that cannot be split is shown as the text it is, as most clients do: IMAP
 * cannot describe a multipart without parts (RFC 3501 §9, body-type-mpart = 1*body).
 */
function readAsText(node: MimeTreeNode): void {
  node.contentType = 'text/plain';
  node.params = {};
  node.charset = US_ASCII;
}

function readMultipart(ctx: Context, node: MimeTreeNode, boundary: Buffer | null, prefix: string, depth: number): void {
  const where = describePath(node.path);
  const type = node.contentType;
  if (boundary === null) {
    ctx.warnings.push(`${where} is ${type} without a boundary parameter (RFC 2046 §5.1.1), so it is read as text/plain`);
    return readAsText(node);
  }
  if (depth >= MAX_DEPTH) {
    ctx.warnings.push(`${where} is nested more than ${MAX_DEPTH} levels deep, so it is read as text/plain`);
    return readAsText(node);
  }
  const label = excerpt(boundary.toString('latin1'));
  const { parts, closed } = splitMultipartBody(ctx.raw, node.offsets.bodyStart, node.offsets.end, boundary);
  if (parts.length === 0) {
    ctx.warnings.push(`${where} (${type}): boundary ${label} never occurs, so the body is read as text/plain`);
    return readAsText(node);
  }
  if (!closed) {
    ctx.warnings.push(`closing boundary missing for ${where} (${type}, boundary ${label}): the last part runs to the end`);
  }
  const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  for (const [i, [s, e]] of parts.entries()) {
    if (i > 0 && ctx.parts >= MAX_PARTS) {
      ctx.warnings.push(`more than ${MAX_PARTS} parts: ${where} keeps only its first ${i}`);
      break;
    }
    node.children.push(readEntity(ctx, s, e, childPath(prefix, i + 1), childPath(prefix, i + 1), childDefault, depth + 1));
  }
}

// RFC 2046 §5.2.1: a message/rfc822 body may only be 7bit, 8bit or binary.
const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

function readEncapsulated(ctx: Context, node: MimeTreeNode, prefix: string, depth: number): void {
  const where = describePath(node.path);
  node.encapsulated = null;
  if (node.transferEncoding !== null && !IDENTITY_ENCODINGS.has(node.transferEncoding)) {
    ctx.warnings.push(`${where}: ${node.contentType} with Content-Transfer-Encoding ${node.transferEncoding}, which RFC 2046 §5.2.1 forbids; it is not parsed as a message`);
    return;
  }
  if (depth >= MAX_DEPTH) {
    ctx.warnings.push(`${where} is nested more than ${MAX_DEPTH} levels deep, so the message in it is not parsed`);
    return;
  }
  const { bodyStart, end } = node.offsets;
  const inner = readEntity(ctx, bodyStart, end, childPath(prefix, 1), prefix, 'text/plain', depth + 1);
  node.encapsulated = {
    headers: inner.headers,
    bodyStart: inner.offsets.bodyStart,
    contentType: inner.contentType,
    params: inner.params,
  };
  // RFC 3501 §6.4.5: the parts of an encapsulated multipart are numbered directly under the
  // message/rfc822 part; a single-part encapsulated message has its body as part ".1".
  node.children = inner.contentType.startsWith('multipart/') ? inner.children : [inner];
}

/**
 * Finds the body parts of a multipart body in [start, end) (RFC 2046 §5.1.1). A delimiter line
 * starts a line and is "--" boundary, "--" more for the close delimiter, then optional
 * whitespace (transport padding). The line break before a delimiter belongs to it, not to the
 * part before. Returns each part's [start, end) and whether the close delimiter was seen.
 */
export function splitMultipartBody(
  raw: Buffer,
  start: number,
  end: number,
  boundary: Buffer,
): { parts: Array<[number, number]>; closed: boolean } {
  // Searching a view bounded at `end` keeps nested multiparts from rescanning to the end.
  const region = raw.subarray(0, end);
  const delimiter = Buffer.concat([Buffer.from('--'), boundary]);
  const parts: Array<[number, number]> = [];
  let partStart = -1;
  let pos = start;
  while (pos < end) {
    const at = region.indexOf(delimiter, pos);
    if (at === -1) break;
    pos = at + delimiter.length;
    if (at !== start && raw[at - 1] !== LF) continue;
    let i = at + delimiter.length;
    const close = i + 1 < end && raw[i] === DASH && raw[i + 1] === DASH;
    if (close) i += 2;
    while (i < end && (raw[i] === SP || raw[i] === HT)) i++;
    let lineEnd: number;
    if (i === end) lineEnd = end;
    else if (raw[i] === LF) lineEnd = i + 1;
    else if (raw[i] === CR && i + 1 < end && raw[i + 1] === LF) lineEnd = i + 2;
    else continue; // a longer boundary, or text that only starts like this one
    if (partStart !== -1) parts.push([partStart, Math.max(partStart, at - lineBreakBefore(raw, at, start))]);
    if (close) return { parts, closed: true };
    partStart = lineEnd;
    pos = lineEnd;
  }
  if (partStart !== -1) parts.push([partStart, end]);
  return { parts, closed: false };
}

function lineBreakBefore(raw: Buffer, at: number, start: number): number {
  if (at === start) return 0;
  return at - 2 >= start && raw[at - 2] === CR ? 2 : 1;
}
