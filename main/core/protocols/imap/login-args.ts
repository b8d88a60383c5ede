// The arguments of an IMAP LOGIN as the dissector saw them (RFC 3501 §6.2.3, §4.3, §9): user
// and password are each an astring, that is an atom, a quoted string with \" and \\ escapes,
// or a literal ({n} after the server's "+", {n+} at once: RFC 7888), whose octets the
// dissector keeps for LOGIN only, up to LOGIN_LITERAL_LIMIT.
import { utf8FromLatin1 } from '../text.js';

/** The longest LOGIN literal kept to learn the user or password; a longer one is left unread. */
export const LOGIN_LITERAL_LIMIT = 1024;

/**
 * A LOGIN command as it arrived: its lines (latin1 text, each ending in its literal's "{n}" if
 * it announced one) with, after each such line, the literal's octets (null: over the limit).
 */
export type LoginSegment = string | Buffer | null;

export interface LoginArgs {
  /** The user as the command line shows it (an atom, a quoted string or "{n}"). */
  userShown: string;
  user: string | null;
  /** The password decoded, or null when it was a literal over the limit or is missing. */
  password: string | null;
  /** What stands for the password on the command line, to mask. */
  passwordShown: string | null;
}

const LITERAL_AT_END = /~?\{(\d{1,20})\+?\}$/;
const TOKEN = /"(?:[^"\\]|\\.)*"?|[^ ]+/g;

type Token = { raw: string; value: string | null };

function unquote(s: string): string {
  return s.startsWith('"') ? s.slice(1, s.endsWith('"') && s.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1') : s;
}

function tokens(segments: readonly LoginSegment[]): Token[] {
  const out: Token[] = [];
  let marker = '';
  for (const seg of segments) {
    if (typeof seg === 'string') {
      const lit = LITERAL_AT_END.exec(seg);
      marker = lit ? lit[0] : '';
      const text = lit ? seg.slice(0, lit.index) : seg;
      for (const m of text.matchAll(TOKEN)) out.push({ raw: utf8FromLatin1(m[0]), value: utf8FromLatin1(unquote(m[0])) });
    } else {
      out.push({ raw: marker, value: seg === null ? null : seg.toString('utf8') });
      marker = '';
    }
  }
  // A literal announced and not (yet) sent: the server's "+" is awaited, or it refused.
  if (marker) out.push({ raw: marker, value: null });
  return out;
}

/** User and password of "tag LOGIN user password", or null if no user is there at all. */
export function loginArgs(segments: readonly LoginSegment[]): LoginArgs | null {
  const t = tokens(segments).slice(2);
  const user = t[0];
  if (!user) return null;
  const rest = t.slice(1);
  // One astring is the password; more (a malformed command the server refuses) stand as sent.
  const password = rest.length === 1 ? rest[0]!.value : rest.length ? rest.map((x) => x.raw).join(' ') : null;
  const passwordShown = rest.length ? rest.map((x) => x.raw).join(' ') : null;
  return { userShown: user.raw, user: user.value, password, passwordShown };
}
