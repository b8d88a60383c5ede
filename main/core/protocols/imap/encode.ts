// Writing IMAP data items (RFC 3501 §4, RFC 9051 §4): strings as quoted strings when they can be
// and as literals when they must, NIL, and parenthesised lists. Responses are built as latin1
// "binary strings" (one char per byte), so a literal's length is its string length.

/** A value's bytes as a binary string; text that is not latin1 goes as UTF-8. */
export function wireText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\xff]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/**
 * A string (RFC 3501 §4.3): quoted when it is printable 7-bit text, else a literal. `s` is a
 * binary string (see wireText). CR and LF cannot be quoted; 8-bit is not allowed in a quoted
 * string in IMAP4rev1.
 */
export function str(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\x00\r\n\x80-\xff]/.test(s)) return `{${s.length}}\r\n${s}`;
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

export const nstr = (s: string | null | undefined): string => (s === null || s === undefined ? 'NIL' : str(s));

/** An astring (RFC 3501 §9): a bare atom when it is one, otherwise a string. */
export function astr(s: string): string {
  return /^[^\x00-\x20\x7f-\xff(){%*"\\\]]+$/.test(s) ? s : str(s);
}

/** A parenthesised list, or NIL when it is empty and the grammar says so. */
export const list = (items: string[]): string => `(${items.join(' ')})`;
export const nlist = (items: string[]): string => (items.length ? list(items) : 'NIL');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** date-time (RFC 3501 §9) in UTC: "23-Nov-2026 09:00:00 +0000". */
export function imapDateTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Parse date-time (APPEND) or date (SEARCH) text; null when it is not one. */
export function parseImapDate(s: string, withTime: boolean): Date | null {
  const m = withTime
    ? /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(s)
    : /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  if (!m) return null;
  const mon = MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  const day = Number(m[1]);
  if (mon < 0 || day < 1 || day > 31) return null;
  if (!withTime) return new Date(Date.UTC(Number(m[3]), mon, day));
  const [h, mi, se] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (h > 23 || mi > 59 || se > 60) return null;
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return new Date(Date.UTC(Number(m[3]), mon, day, h, mi, se) - offset * 60_000);
}
