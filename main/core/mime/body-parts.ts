// Which parts make up the readable text and HTML of a message, and which are attachments.

import type { MimeTreeNode } from './tree-types.js';

export interface BodyParts {
  /** text/plain parts shown as the message text, in reading order. */
  text: MimeTreeNode[];
  /** text/html parts shown as the message HTML, in reading order. */
  html: MimeTreeNode[];
}

const isMultipart = (node: MimeTreeNode): boolean => node.contentType.startsWith('multipart/');
const none = (): BodyParts => ({ text: [], html: [] });

/** A Content-ID without its angle brackets, as a cid: URL names it (RFC 2392 §2). */
export function bareContentId(id: string): string {
  return id.trim().replace(/^<(.*)>$/s, '$1').trim();
}

/** A text/plain or text/html leaf meant to be read in place, not saved (RFC 2183 §2.2). */
function isReadableText(node: MimeTreeNode): boolean {
  return (node.contentType === 'text/plain' || node.contentType === 'text/html') && node.disposition !== 'attachment';
}

export function findBodyParts(node: MimeTreeNode): BodyParts {
  if (isReadableText(node)) {
    return node.contentType === 'text/plain' ? { text: [node], html: [] } : { text: [], html: [node] };
  }
  // Other leaves, and attached messages, whose text belongs to them and not to this message.
  if (!isMultipart(node)) return none();
  if (node.contentType === 'multipart/alternative') {
    // RFC 2046 §5.1.4: alternatives come in increasing order of preference, so the last one
    // that has text (or HTML) is the one to show.
    const options = node.children.map(findBodyParts).reverse();
    return {
      text: options.find((o) => o.text.length > 0)?.text ?? [],
      html: options.find((o) => o.html.length > 0)?.html ?? [],
    };
  }
  if (node.contentType === 'multipart/related') {
    // RFC 2387 §3.2: the root is the part named by "start", or else the first; the others are
    // resources it refers to.
    const start = node.params['start'];
    const named = start === undefined ? undefined : node.children.find((c) => c.contentId !== null && bareContentId(c.contentId) === bareContentId(start));
    const root = named ?? node.children[0];
    return root ? findBodyParts(root) : none();
  }
  // multipart/mixed (RFC 2046 §5.1.3) and anything unknown, which §5.1.7 says to treat as
  // mixed: every part in order.
  const all = node.children.map(findBodyParts);
  return { text: all.flatMap((p) => p.text), html: all.flatMap((p) => p.html) };
}

/**
 * Leaves that are not readable text, and attached messages as a whole. Readable text that a
 * multipart/alternative did not choose is neither text nor an attachment: it is the same
 * content in another form.
 */
export function findAttachmentParts(tree: MimeTreeNode): MimeTreeNode[] {
  const found: MimeTreeNode[] = [];
  const visit = (node: MimeTreeNode): void => {
    // A message/rfc822 part is not multipart, so an attached message is taken whole.
    if (isMultipart(node)) node.children.forEach(visit);
    else if (!isReadableText(node)) found.push(node);
  };
  visit(tree);
  return found;
}

/**
 * Shown in place rather than offered as a download: an inline disposition, or a Content-ID
 * with no disposition, which is how multipart/related resources are usually sent.
 */
export function isInlinePart(node: MimeTreeNode): boolean {
  return node.disposition === 'inline' || (node.disposition === null && node.contentId !== null);
}
