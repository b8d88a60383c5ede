// Text helpers for codecs: protocol lines are handled as latin1 (one char per byte, lossless);
// these turn them into readable text where a protocol allows UTF-8.

/** Re-read latin1-decoded bytes as UTF-8, if they are valid UTF-8; otherwise keep them. */
export function utf8FromLatin1(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  const bytes = Buffer.from(s, 'latin1');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : s;
}
