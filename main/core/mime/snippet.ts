// The one-line preview of a message list. It decodes only the start of the first text part,
// so a summary costs the same for a 2 MB message as for a 2 KB one.

import { decodeText, decodeTransfer } from './body-decoding.js';
import type { BodyParts } from './body-parts.js';

export const SNIPPET_LENGTH = 160;
/** Encoded bytes read for a snippet: enough for 160 characters after markup and whitespace. */
const SNIPPET_SOURCE_BYTES = 8 * 1024;

export function makeSnippet(raw: Buffer, bodies: BodyParts): string {
  const node = bodies.text[0] ?? bodies.html[0];
  if (!node) return '';
  const { bodyStart, end } = node.offsets;
  const cut = Math.min(end, bodyStart + SNIPPET_SOURCE_BYTES);
  let text = decodeText(decodeTransfer(raw.subarray(bodyStart, cut), node.transferEncoding), node.charset);
  // A multi-byte character cut in half at the end decodes to U+FFFD.
  if (cut < end) text = text.replace(/\uFFFD+$/, '');
  if (node.contentType === 'text/html') text = htmlToText(text);
  return clip(text);
}

/** Collapses whitespace and keeps the first SNIPPET_LENGTH characters, never half a pair. */
function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Code points, not UTF-16 units, but only of a prefix: spreading all 8 KB into an array of
  // characters was most of the cost of summarising a small message.
  return Array.from(flat.slice(0, SNIPPET_LENGTH * 2)).slice(0, SNIPPET_LENGTH).join('').trim();
}

const ENTITIES = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['nbsp', ' ']]);

/**
 * Just enough HTML-to-text for a preview: drops what is never shown (head, script, style,
 * comments) and the tags, and decodes the common entities. The full HTML goes to the
 * sandboxed viewer, never through this.
 */
function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<(head|script|style|title)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ')
    .replace(/<[^>]*>?/g, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (whole, ref: string) => {
      if (ref[0] !== '#') return ENTITIES.get(ref.toLowerCase()) ?? whole;
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
}
