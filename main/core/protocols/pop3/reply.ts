// POP3 responses (RFC 1939 §3): "+OK" or "-ERR", an optional response code in brackets
// (RFC 2449 §8, RFC 3206), text, and for some commands a multi-line body ending in CRLF.CRLF
// with byte-stuffing. Formatting for the server, parsing for the dissector.
import type { ReplyLine, ReplyStatus } from '../../../../shared/types.js';
import { ascii } from '../types.js';

const CRLF = Buffer.from('\r\n');
const DOT = Buffer.from('.');
const TERMINATOR = Buffer.from('.\r\n');
const LF_DOT = Buffer.from('\n.');

export const okLine = (text: string): Uint8Array => ascii(text ? `+OK ${text}\r\n` : '+OK\r\n');

/** "-ERR [CODE] text"; the code is an extended response code (RFC 2449 §8, RFC 3206). */
export const errLine = (text: string, code: string | null = null): Uint8Array => ascii(`-ERR ${code ? `[${code}] ` : ''}${text}\r\n`);

/** A SASL continuation (RFC 5034 §4): "+" SP base64 challenge. */
export const continuation = (base64: string): Uint8Array => ascii(`+ ${base64}\r\n`);

/**
 * A multi-line body as it goes on the wire (RFC 1939 §3): every line that starts with "." gets
 * another "." in front, the body ends with CRLF, and ".CRLF" closes it. A line starts at the
 * first byte and after every LF, a bare LF included, so that a client splitting on LF never
 * meets a lone "." inside a message and stops early. The bytes are otherwise sent as stored.
 */
export function dotTerminated(body: Uint8Array): Buffer {
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: Buffer[] = [];
  let pos = 0;
  if (b.length > 0 && b[0] === 0x2e) parts.push(DOT);
  for (let i = b.indexOf(LF_DOT); i >= 0; i = b.indexOf(LF_DOT, i + 1)) {
    parts.push(b.subarray(pos, i + 1), DOT);
    pos = i + 1;
  }
  parts.push(b.subarray(pos));
  const endsInCrlf = b.length >= 2 && b[b.length - 2] === 13 && b[b.length - 1] === 10;
  if (b.length > 0 && !endsInCrlf) parts.push(CRLF);
  parts.push(TERMINATOR);
  return Buffer.concat(parts);
}

/** "+OK first" followed by a byte-stuffed body. */
export function multiline(first: string, body: Uint8Array): Buffer {
  return Buffer.concat([okLine(first), dotTerminated(body)]);
}

/** "+OK first" followed by short text lines (CAPA, LIST, UIDL). */
export function listing(first: string, lines: string[]): Buffer {
  return multiline(first, ascii(lines.map((l) => `${l}\r\n`).join('')));
}

/**
 * TOP's text (RFC 1939 §7): the header, the blank line after it, and the first `n` lines of
 * the body. A message with no blank line is all header.
 */
export function topOf(raw: Uint8Array, n: number): Uint8Array {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let bodyStart: number;
  if (b[0] === 10) bodyStart = 1;
  else if (b[0] === 13 && b[1] === 10) bodyStart = 2;
  else {
    const crlf = b.indexOf('\r\n\r\n');
    const lf = b.indexOf('\n\n');
    if (crlf < 0 && lf < 0) return b;
    bodyStart = lf < 0 || (crlf >= 0 && crlf < lf) ? crlf + 4 : lf + 2;
  }
  let end = bodyStart;
  for (let i = 0; i < n && end < b.length; i++) {
    const lf = b.indexOf(10, end);
    end = lf < 0 ? b.length : lf + 1;
  }
  return b.subarray(0, end);
}

// ------------------------------------------------------------ parsing (the dissector)

/** One status line parsed: "+OK", "-ERR" or a SASL continuation "+". */
export function parseStatusLine(line: string): ReplyLine | null {
  const m = /^(\+OK|-ERR)(?:[ \t](.*))?$/is.exec(line);
  if (m) return { code: m[1]!.toUpperCase(), enhanced: null, text: m[2] ?? '' };
  const c = /^\+(?: (.*))?$/s.exec(line);
  if (c) return { code: '+', enhanced: null, text: c[1] ?? '' };
  return null;
}

/** The extended response code of a line's text, e.g. "SYS/TEMP" (RFC 2449 §8). */
export const responseCode = (text: string): string | null => /^\[([^\]\s]+)\]/.exec(text)?.[1]?.toUpperCase() ?? null;

export function replyStatus(line: ReplyLine): ReplyStatus {
  if (line.code === '+OK') return 'ok';
  if (line.code === '+') return 'intermediate';
  // RFC 3206 §4: SYS/TEMP is a transient failure; IN-USE and LOGIN-DELAY (RFC 2449 §8.1) too.
  const code = responseCode(line.text);
  if (code === 'SYS/TEMP' || code === 'IN-USE' || code === 'LOGIN-DELAY') return 'transient';
  return 'permanent';
}
