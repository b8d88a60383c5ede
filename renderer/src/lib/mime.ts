// Helpers over the MimeNode tree.
import type { MimeNode } from '../../../shared/types';

export function walkMime(node: MimeNode, visit: (n: MimeNode, depth: number) => void, depth = 0): void {
  visit(node, depth);
  for (const c of node.children) walkMime(c, visit, depth + 1);
}

export function findMime(root: MimeNode, path: string): MimeNode | null {
  let found: MimeNode | null = null;
  walkMime(root, (n) => {
    if (!found && n.path === path) found = n;
  });
  return found;
}

/** Content-ID without its angle brackets, as a cid: URL names it (RFC 2392). */
export const bareContentId = (cid: string): string => cid.trim().replace(/^<|>$/g, '');

/** Part path by Content-ID, for resolving cid: references. */
export function contentIdMap(root: MimeNode | null): Map<string, string> {
  const map = new Map<string, string>();
  if (!root) return map;
  walkMime(root, (n) => {
    if (n.contentId) map.set(bareContentId(n.contentId).toLowerCase(), n.path);
  });
  return map;
}

/**
 * The section to ask messages.part for. A single-part message's body is section "1"
 * (RFC 3501 §6.4.5: a non-multipart message has only a part 1); the root of a multipart
 * message has no body of its own.
 */
export function partSection(node: MimeNode): string | null {
  if (node.contentType.startsWith('multipart/')) return null;
  return node.path === '' ? '1' : node.path;
}

export function isPreviewableText(node: MimeNode): boolean {
  return node.contentType.startsWith('text/') || node.contentType === 'message/rfc822' || node.contentType === 'message/delivery-status' || node.contentType === 'application/json';
}

export function isPreviewableImage(node: MimeNode): boolean {
  return /^image\/(png|jpe?g|gif|webp|bmp|svg\+xml|x-icon|avif)$/.test(node.contentType);
}
