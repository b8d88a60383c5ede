// Looking parts up by IMAP section number, and reading one part's decoded content.

import { bareContentId } from './body-parts.js';
import { decodeTransfer } from './body-decoding.js';
import { safeFilename } from './safe-filename.js';
import type { MimeNode } from '../../../shared/types.js';
import { carriesMessage } from './tree-types.js';

export interface ExtractedPart {
  /** The part's type, with "; charset=…" when the part has one: text stays in its charset. */
  contentType: string;
  /** A safe download name, see safeFilename. */
  filename: string;
  /** The body with its transfer encoding undone. */
  data: Buffer;
}

const SECTION = /^(?:[1-9][0-9]*(?:\.[1-9][0-9]*)*)?$/;

/**
 * The node at an IMAP section number (RFC 3501 §6.4.5), or null. "" is the whole message; for
 * a message that is not multipart, "1" is its body, which is the root node too.
 */
export function findPart<N extends MimeNode>(tree: N, path: string): N | null {
  if (!SECTION.test(path)) return null;
  if (path === '1' && tree.children.length === 0) return tree;
  let node: MimeNode | undefined = tree;
  while (node && node.path !== path) {
    node = node.children.find((c) => path === c.path || path.startsWith(`${c.path}.`));
  }
  // Every node of a tree has the tree's node type; MimeNode just cannot say so.
  return (node as N | undefined) ?? null;
}

/** The decoded body of the part at `path`. Throws an Error starting "no part" if there is none. */
export function extractPart(raw: Buffer, tree: MimeNode, path: string): ExtractedPart {
  const node = findPart(tree, path);
  if (!node) throw new Error(`no part ${JSON.stringify(path)} in this message`);
  const { bodyStart, end } = node.offsets;
  return {
    contentType: node.charset ? `${node.contentType}; charset=${node.charset}` : node.contentType,
    filename: safeFilename(node.filename, node.contentType, node.path),
    data: decodeTransfer(raw.subarray(bodyStart, end), node.transferEncoding),
  };
}

/**
 * Content-ID (without angle brackets) to section number, for resolving `cid:` URLs in the
 * HTML (RFC 2392). Parts of an attached message are left out: their Content-IDs belong to
 * that message's HTML. The first part with an ID wins, as in mail clients.
 */
export function resolveCidMap(tree: MimeNode): Record<string, string> {
  const map = new Map<string, string>();
  const visit = (node: MimeNode): void => {
    if (node.contentId !== null) {
      const id = bareContentId(node.contentId);
      if (id !== '' && !map.has(id)) map.set(id, node.path);
    }
    if (!carriesMessage(node.contentType)) node.children.forEach(visit);
  };
  visit(tree);
  // fromEntries defines own properties, so an ID such as "__proto__" stays a plain key.
  return Object.fromEntries(map);
}
