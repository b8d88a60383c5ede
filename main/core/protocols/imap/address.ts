// Address lists (RFC 5322 §3.4) read for IMAP's ENVELOPE (RFC 3501 §7.4.2), raw: display names
// keep their encoded words, quoted strings lose their quotes. Broken input still gives
// addresses, filled in the way Dovecot fills them (MISSING_MAILBOX, MISSING_DOMAIN,
// SYNTAX_ERROR), so that clients see the same thing from both servers. A comment after a bare
// addr-spec ("a@b (Alice)") serves as the name. Group start is (NIL NIL name NIL), its end
// (NIL NIL NIL NIL). Values are binary strings.
import { MimeCursor } from './mime-params.js';

export interface EnvelopeAddress {
  name: string | null;
  route: string | null;
  mailbox: string | null;
  domain: string | null;
}

const ATEXT = /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\x80-\xff]/;

class AddressCursor extends MimeCursor {
  lastComment = '';

  /** CFWS, remembering the last comment seen. */
  override skip(): void {
    while (!this.done) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '(') this.lastComment = this.comment();
      else break;
    }
  }

  atom(dots: boolean): string {
    const start = this.i;
    while (!this.done && (ATEXT.test(this.peek()) || (dots && this.peek() === '.'))) this.i++;
    return this.s.slice(start, this.i);
  }

  /** phrase = 1*word, words joined by one space (RFC 5322 §3.2.5, obs-phrase allows "."). */
  phrase(): string | null {
    const words: string[] = [];
    for (;;) {
      this.skip();
      if (this.peek() === '"') words.push(this.quoted());
      else {
        const a = this.atom(true);
        if (!a) break;
        words.push(a);
      }
    }
    return words.length ? words.join(' ') : null;
  }

  /** dot-atom or quoted-string; CFWS around the dots is dropped. */
  localPart(): string | null {
    this.skip();
    if (this.peek() === '"') {
      const q = this.quoted();
      this.skip();
      return q;
    }
    const parts: string[] = [];
    for (;;) {
      const a = this.atom(false);
      if (!a) return parts.length ? parts.join('.') : null;
      parts.push(a);
      this.skip();
      if (this.peek() !== '.') return parts.join('.');
      this.i++;
      this.skip();
    }
  }

  domain(): string | null {
    this.skip();
    if (this.peek() === '[') {
      const end = this.s.indexOf(']', this.i);
      const lit = this.s.slice(this.i, end < 0 ? this.s.length : end + 1);
      this.i += lit.length;
      this.skip();
      return lit;
    }
    return this.localPart();
  }
}

function fill(a: EnvelopeAddress): EnvelopeAddress {
  return { ...a, mailbox: a.mailbox ?? 'MISSING_MAILBOX', domain: a.domain ?? 'MISSING_DOMAIN' };
}

/** "<" [route ":"] addr-spec ">"; false when broken. */
function angleAddr(c: AddressCursor, a: EnvelopeAddress): boolean {
  c.i++; // "<"
  c.skip();
  if (c.peek() === '@') {
    const hops: string[] = [];
    while (c.peek() === '@') {
      c.i++;
      const d = c.domain();
      if (d === null) return false;
      hops.push(`@${d}`);
      while (c.peek() === ',') (c.i++, c.skip());
    }
    if (c.peek() !== ':') return false;
    a.route = hops.join(',');
    c.i++;
  }
  a.mailbox = c.localPart();
  if (a.mailbox === null) return false;
  if (c.peek() === '@') {
    c.i++;
    a.domain = c.domain();
  }
  if (c.peek() !== '>') return false;
  c.i++;
  c.skip();
  return true;
}

function mailbox(c: AddressCursor): EnvelopeAddress {
  const start = c.i;
  const a: EnvelopeAddress = { name: null, route: null, mailbox: null, domain: null };
  const name = c.phrase();
  if (c.peek() === '<') {
    a.name = name;
    if (!angleAddr(c, a)) a.domain = 'SYNTAX_ERROR';
    return fill(a);
  }
  // Not name-addr: read it again as addr-spec.
  c.i = start;
  c.lastComment = '';
  a.mailbox = c.localPart();
  if (c.peek() === '@') {
    c.i++;
    a.domain = c.domain();
  }
  if (c.lastComment) a.name = c.lastComment;
  return fill(a);
}

/** The addresses of one field value, or null when there are none. */
export function parseAddressList(value: string): EnvelopeAddress[] | null {
  const c = new AddressCursor(value);
  c.skip();
  if (c.done) return null;
  const out: EnvelopeAddress[] = [];
  // Bounded: every round consumes input or stops.
  while (!c.done) {
    const start = c.i;
    const group = c.phrase();
    if (group !== null && c.peek() === ':') {
      c.i++;
      out.push({ name: null, route: null, mailbox: group, domain: null });
      c.skip();
      while (!c.done && c.peek() !== ';') {
        const before = c.i;
        out.push(mailbox(c));
        if (c.peek() === ',') (c.i++, c.skip());
        else if (c.i === before || c.peek() !== ';') break;
      }
      if (c.peek() === ';') (c.i++, c.skip());
      out.push({ name: null, route: null, mailbox: null, domain: null });
    } else {
      c.i = start;
      out.push(mailbox(c));
    }
    if (c.peek() !== ',') break;
    c.i++;
    c.skip();
  }
  return out;
}
