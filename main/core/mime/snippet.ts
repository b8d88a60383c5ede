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

/**
 * Collapses whitespace and keeps the first SNIPPET_LENGTH code points (never half a surrogate
 * pair), trimmed. Whitespace collapses locally, so the collapsed form of a prefix of the text is
 * a prefix of the collapsed whole: a prefix a few times the length is read first, and the whole
 * only when that is not enough. This was a fifth of the cost of summarising a 1 KB message.
 */
export function clip(text: string): string {
  for (let n = SNIPPET_LENGTH * 4; ; n *= 8) {
    const whole = n >= text.length;
    const flat = (whole ? text : text.slice(0, n)).replace(/\s+/g, ' ').trimStart();
    const end = codePointsEnd(flat, SNIPPET_LENGTH);
    // One code point more than kept must be there: the prefix may end in half a pair.
    if (whole || codePointsEnd(flat, SNIPPET_LENGTH + 1) > end) return flat.slice(0, end).trim();
  }
}

/** The UTF-16 index after the first `count` code points of `s` (a lone surrogate is one). */
function codePointsEnd(s: string, count: number): number {
  let i = 0;
  for (let k = 0; k < count && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
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
