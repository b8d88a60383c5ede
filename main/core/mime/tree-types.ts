// The part tree this module builds. It is the shared `MimeNode`, with more detail on a
// message/rfc822 part than the shared type carries: the IMAP sink needs the encapsulated
// message's header/body split for `BODY[2.HEADER]` and `BODY[2.TEXT]` (RFC 3501 §6.4.5), and
// the type of an encapsulated multipart, which has no section number of its own, for
// BODYSTRUCTURE. A `MimeTreeNode` is assignable to `MimeNode` everywhere.

import type { MimeHeader, MimeNode } from '../../../shared/types.js';

export interface EncapsulatedMessage {
  /** The encapsulated message's own header fields, decoded. */
  headers: MimeHeader[];
  /** Offset in the raw message where the encapsulated message's body starts. */
  bodyStart: number;
  /** The encapsulated message's top-level type, e.g. multipart/mixed. */
  contentType: string;
  params: Record<string, string>;
}

/**
 * Paths follow IMAP section numbers (RFC 3501 §6.4.5). A message that is not multipart is a
 * root with path "" and no children; IMAP calls its body section "1", and `findPart` accepts
 * both. A message/rfc822 part at "2" holds the encapsulated message's parts as children:
 * "2.1", "2.2"… when that message is multipart, or one child "2.1" for its single body, whose
 * headers are then the encapsulated message's headers.
 */
export interface MimeTreeNode extends MimeNode {
  children: MimeTreeNode[];
  /** Set on message/rfc822 and message/global parts: null when the body was not parsed. */
  encapsulated?: EncapsulatedMessage | null;
}

/** Types whose body is a whole message that the tree descends into (RFC 2046 §5.2.1, RFC 6532 §3.5). */
export function carriesMessage(contentType: string): boolean {
  return contentType === 'message/rfc822' || contentType === 'message/global';
}
