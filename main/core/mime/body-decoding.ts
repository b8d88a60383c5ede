// Turning a part's encoded body into bytes (RFC 2045 §6 transfer encodings) and text (its
// charset, RFC 2046 §4.1.2; format=flowed, RFC 3676).

import { isUtf8 } from 'node:buffer';
import libmime from 'libmime';
import { decode as decodeCharset } from 'libmime/lib/charset.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const EQUALS = 0x3d;

/** Decodes base64 and quoted-printable; 7bit, 8bit, binary and unknown encodings pass through. */
export function decodeTransfer(body: Buffer, encoding: string | null): Buffer {
  if (encoding === 'base64') {
    // Node's decoder skips line breaks and other characters outside the alphabet, which is
    // what RFC 2045 §6.8 asks of a decoder.
    return Buffer.from(body.toString('latin1'), 'base64');
  }
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57; // lower case is not canonical, but is common
  return -1;
}

/**
 * RFC 2045 §6.7: "=XX" is a byte, "=" at the end of a line is a soft line break, and
 * whitespace at the end of a line was added in transport and is dropped (rule 3). An "="
 * followed by anything else is kept as it is, as the RFC suggests for robustness.
 */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  // Output length after the last byte that is not trailing whitespace on the current line.
  let kept = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (c === EQUALS) {
      const hi = hexValue(body[i + 1]);
      const lo = hexValue(body[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        kept = n;
        i += 2;
        continue;
      }
      let j = i + 1;
      while (body[j] === SP || body[j] === HT) j++;
      if (j >= body.length || body[j] === LF || (body[j] === CR && body[j + 1] === LF)) {
        // A soft line break: drop "=", the padding after it and the line break. Whitespace
        // before the "=" is not at the end of a line, so it is content.
        kept = n;
        i = body[j] === CR ? j + 1 : j;
        continue;
      }
    }
    if (c === LF || (c === CR && body[i + 1] === LF)) {
      n = kept;
      if (c === CR) out[n++] = body[i++] as number;
      out[n++] = LF;
      kept = n;
      continue;
    }
    out[n++] = c;
    if (c !== SP && c !== HT) kept = n;
  }
  return out.subarray(0, kept);
}

/**
 * Bytes of a text part as a string. A part without a charset defaults to US-ASCII (RFC 2046
 * §4.1.2), but 8-bit bytes in such a part are nearly always UTF-8 from a careless sender, so
 * they are read as UTF-8 when they are valid UTF-8 and as Latin-1 otherwise.
 */
export function decodeText(bytes: Buffer, charset: string | null): string {
  const name = (charset ?? 'us-ascii').trim().toLowerCase();
  if (name === 'us-ascii' || name === 'ascii' || name === 'utf-8' || name === 'utf8') {
    return bytes.toString(name.startsWith('utf') || isUtf8(bytes) ? 'utf8' : 'latin1');
  }
  // libmime reads the Japanese charsets with encoding-japanese and falls back to UTF-8 for a
  // charset it does not know, so this never throws for an odd name.
  return decodeCharset(bytes, name);
}

/** RFC 3676 §4.2: a text/plain part with format=flowed has soft line breaks to remove. */
export function unflow(text: string, params: Record<string, string>): string {
  if (params['format']?.toLowerCase() !== 'flowed') return text;
  return libmime.decodeFlowed(text, params['delsp']?.toLowerCase() === 'yes');
}
