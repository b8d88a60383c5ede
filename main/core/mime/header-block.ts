// Reading the header section of a message or of a body part (RFC 5322 §2.2, RFC 2045 §3):
// where it ends, its fields unfolded, and their values with RFC 2047 encoded words decoded.

import { isUtf8 } from 'node:buffer';
import libmime from 'libmime';
import type { MimeHeader } from '../../../shared/types.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

export interface HeaderField {
  /** The field name as written. */
  name: string;
  /** The field name lower-cased, for lookups. */
  key: string;
  /** The value unfolded (RFC 5322 §2.2.3) and trimmed, encoded words left as they are. */
  value: string;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /**
   * How the header bytes became text: UTF-8 when they are valid UTF-8 (RFC 6532 allows it),
   * otherwise Latin-1, which maps each byte to one character so nothing is lost. Structural
   * values such as a boundary are turned back into bytes with the same encoding.
   */
  encoding: 'utf8' | 'latin1';
  /** Offset of the first body byte, after the blank line that ends the header section. */
  bodyStart: number;
  /**
   * false when the section ended at a line that is no header field instead of at a blank line;
   * that line then starts the body.
   */
  separated: boolean;
}

/** Reads the header section that starts at `start` and lies within [start, end). */
export function readHeaderBlock(raw: Buffer, start: number, end: number): HeaderBlock {
  let pos = start;
  let headerEnd = end;
  let bodyStart = end;
  let separated = true;
  while (pos < end) {
    const lf = raw.indexOf(LF, pos);
    const hasLf = lf !== -1 && lf < end;
    const next = hasLf ? lf + 1 : end;
    if (hasLf && (lf === pos || (lf === pos + 1 && raw[pos] === CR))) {
      // The empty line between header and body (RFC 5322 §2.1), CRLF or a bare LF.
      headerEnd = pos;
      bodyStart = next;
      break;
    }
    const first = raw[pos];
    const continues = (first === SP || first === HT) && pos !== start;
    if (!continues && !startsWithFieldName(raw, pos, next)) {
      headerEnd = pos;
      bodyStart = pos;
      separated = false;
      break;
    }
    pos = next;
  }
  const bytes = raw.subarray(start, headerEnd);
  const encoding = isUtf8(bytes) ? 'utf8' : 'latin1';
  return { fields: splitFields(bytes.toString(encoding)), encoding, bodyStart, separated };
}

/** RFC 5322 §3.6.8: field-name is 1*ftext (printable ASCII but ':'); §4.5 allows WSP before ':'. */
function startsWithFieldName(raw: Buffer, pos: number, end: number): boolean {
  let i = pos;
  while (i < end) {
    const c = raw[i] as number;
    if (c < 0x21 || c > 0x7e || c === COLON) break;
    i++;
  }
  if (i === pos) return false;
  while (i < end && (raw[i] === SP || raw[i] === HT)) i++;
  return i < end && raw[i] === COLON;
}

function splitFields(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  let current: { name: string; value: string } | null = null;
  const flush = (): void => {
    if (current) {
      const name = current.name.trim();
      fields.push({ name, key: name.toLowerCase(), value: current.value.trim() });
    }
  };
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && current) {
      // Unfolding removes the line break only; the whitespace that follows it stays.
      current.value += line;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    current = colon > 0 ? { name: line.slice(0, colon), value: line.slice(colon + 1) } : null;
  }
  flush();
  return fields;
}

/** The first field named `key` (lower-case), or null. */
export function firstValue(fields: readonly HeaderField[], key: string): string | null {
  for (const f of fields) if (f.key === key) return f.value;
  return null;
}

/** Every value of the fields named `key` (lower-case), in order. */
export function allValues(fields: readonly HeaderField[], key: string): string[] {
  return fields.filter((f) => f.key === key).map((f) => f.value);
}

/**
 * A copy of `s` that does not keep alive the string it was cut from. V8 makes a slice of 13 or
 * more characters a view into its parent, so a subject cut from a header block would keep the
 * whole block in memory for as long as the message is indexed: kilobytes a message, for a
 * field of a few dozen bytes.
 */
export function detach(s: string): string {
  // A JSON round trip copies exactly, lone surrogates included.
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Decodes RFC 2047 encoded words; text without any is returned untouched. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    // An encoded word libmime cannot read is shown as written rather than lost.
    return value;
  }
}

export function decodeHeaders(fields: readonly HeaderField[]): MimeHeader[] {
  return fields.map((f) => ({ name: f.name, value: decodeWords(f.value) }));
}

/** A value quoted for a warning, cut short: a warning names the problem, it need not repeat it. */
export function excerpt(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
