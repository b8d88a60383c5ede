// The full decode of one message, done when someone opens it: the part tree with decoded
// headers, the text and HTML bodies, and the attachment list.

import type { AttachmentInfo, MimeHeader } from '../../../shared/types.js';
import { bareContentId, findAttachmentParts, findBodyParts, isInlinePart } from './body-parts.js';
import { decodeText, decodeTransfer, unflow } from './body-decoding.js';
import { safeFilename } from './safe-filename.js';
import { readStructure } from './structure.js';
import { emptySummary, internalErrorWarning, summarizeStructure, type MessageSummaryFields } from './summarize.js';
import type { MimeTreeNode } from './tree-types.js';

export interface ParsedMessage extends MessageSummaryFields {
  tree: MimeTreeNode;
  /** The message's own header fields, decoded; the same array as `tree.headers`. */
  headers: MimeHeader[];
  /** The text/plain bodies, joined, with LF line breaks; null when there is none. */
  text: string | null;
  /** The text/html bodies as sent (not sanitised: that is the viewer's job); null when none. */
  html: string | null;
  /**
   * Parts offered as downloads or shown inline. `contentId` is without angle brackets, ready
   * to match a `cid:` URL; `size` is the decoded size.
   */
  attachments: AttachmentInfo[];
}

/** Parses a raw message. Never rejects: odd input gives a best-effort tree and `warnings`. */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  try {
    return parseNow(raw);
  } catch (err) {
    const tree = wholeMessageAsText(raw);
    return { ...emptySummary(), warnings: [internalErrorWarning(err)], tree, headers: [], text: null, html: null, attachments: [] };
  }
}

function parseNow(raw: Buffer): ParsedMessage {
  const structure = readStructure(raw);
  const { tree } = structure;
  const bodies = findBodyParts(tree);
  const readBody = (node: MimeTreeNode): Buffer => decodeTransfer(raw.subarray(node.offsets.bodyStart, node.offsets.end), node.transferEncoding);
  const texts = bodies.text.map((n) => unflow(decodeText(readBody(n), n.charset), n.params).replace(/\r\n/g, '\n'));
  const htmls = bodies.html.map((n) => decodeText(readBody(n), n.charset));
  return {
    ...summarizeStructure(raw, structure),
    tree,
    headers: tree.headers,
    text: texts.length > 0 ? texts.join('\n') : null,
    html: htmls.length > 0 ? htmls.join('\n') : null,
    attachments: findAttachmentParts(tree).map((n) => ({
      path: n.path,
      filename: safeFilename(n.filename, n.contentType, n.path),
      contentType: n.contentType,
      size: readBody(n).length,
      contentId: n.contentId === null ? null : bareContentId(n.contentId),
      inline: isInlinePart(n),
    })),
  };
}

function wholeMessageAsText(raw: Buffer): MimeTreeNode {
  return {
    path: '',
    contentType: 'text/plain',
    params: {},
    charset: null,
    transferEncoding: null,
    disposition: null,
    dispositionParams: {},
    filename: null,
    contentId: null,
    description: null,
    size: raw.length,
    lines: 0,
    offsets: { start: 0, bodyStart: 0, end: raw.length },
    headers: [],
    children: [],
  };
}
