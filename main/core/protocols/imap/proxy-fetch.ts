// Watches FETCH responses passing through the IMAP proxy for whole messages, to catch them:
// BODY[] (what BODY.PEEK[] answers as) and RFC822 carry the message (RFC 3501 §7.4.2); a
// header (BODY[HEADER], RFC822.HEADER) followed by the text (BODY[TEXT], RFC822.TEXT) of the
// same message, as fetchmail fetches, makes one too. Partial fetches (BODY[]<0>) and parts
// (BODY[1]) are not messages and are left alone.
//
// A message fetched again is known by its UID when the response carries one (RFC 3501 §2.3.1.1:
// a UID names a message of a mailbox for as long as that mailbox's UIDVALIDITY holds). So the key
// is the mailbox the client selected (SELECT or EXAMINE, as it named it), the UIDVALIDITY the
// server reported for it (§6.3.1) and the UID: the same message fetched again after the client
// selected another mailbox and came back is still known. A mailbox named by a literal, or a
// selection the proxy could not follow, keys by that selection alone.
import { FetchCapture, type FetchOrigin } from '../proxy-fetch-capture.js';
import type { CodecCommand } from '../types.js';

const UIDVALIDITY = /^\* OK \[UIDVALIDITY (\d{1,10})\]/i;
const ITEM_LITERAL = /(?:^|[ (])(BODY\[\]|RFC822|BODY\[HEADER\]|RFC822\.HEADER|BODY\[TEXT\]|RFC822\.TEXT) \{(\d{1,10})\}$/i;

export class FetchWatcher {
  private readonly capture = new FetchCapture();
  /** The message number of the FETCH response being read, or null outside one. */
  private seq: string | null = null;
  private header: { seq: string; chunks: Buffer[]; size: number; done: boolean } | null = null;
  private sink: 'capture' | 'header' | null = null;
  /** The UID in the FETCH response being read, when its first line carries one. */
  private uid: string | null = null;
  /** SELECT and EXAMINE commands not yet answered, oldest first (mailbox null: not known). */
  private readonly selects: { tag: string; mailbox: string | null }[] = [];
  /** The selected mailbox's key prefix, or null when none is selected (or known). */
  private selection: string | null = null;
  private selections = 0;

  /** The client sent SELECT or EXAMINE: `args` is the rest of its line. */
  selecting(tag: string, args: string): void {
    // Bounded: a client that pipelines this many selections gets keys by selection alone.
    if (this.selects.length >= 32) for (const x of this.selects) x.mailbox = null;
    else this.selects.push({ tag, mailbox: mailboxArgument(args) });
  }

  /** A response starts with this line: "* 12 FETCH (…" or anything else. */
  responseStart(head: string): void {
    this.seq = /^\* (\d+) FETCH /i.exec(head)?.[1] ?? null;
    this.uid = this.seq ? uidInFirstLine(head) : null;
  }

  /** A whole response line with no literal: follows selections (UIDVALIDITY, then the tagged answer). */
  responseLine(text: string): void {
    const validity = UIDVALIDITY.exec(text);
    if (validity) {
      const mailbox = this.selects[0]?.mailbox;
      this.selection = mailbox != null ? `${mailbox}\0${validity[1]}` : `#${++this.selections}`;
      return;
    }
    const pending = this.selects[0];
    if (!pending || !text.startsWith(`${pending.tag} `)) return;
    this.selects.shift();
    // A SELECT that fails leaves no mailbox selected (RFC 3501 §6.3.1).
    if (!/^\S+ OK\b/i.test(text)) this.selection = null;
  }

  /** A line of the response ends in a literal announcement: where do its octets go? */
  literal(tail: string): void {
    this.sink = null;
    const m = this.seq ? ITEM_LITERAL.exec(tail.trimEnd()) : null;
    const item = m?.[1]?.toUpperCase();
    if (!item || !this.seq) return;
    if (item === 'BODY[]' || item === 'RFC822') {
      const key = this.selection !== null && this.uid ? `${this.selection}\0${this.uid}` : null;
      if (this.capture.begin(`FETCH ${this.seq} ${item}`, key, Number(m![2]))) this.sink = 'capture';
    } else if (item.endsWith('HEADER]') || item.endsWith('.HEADER')) {
      this.header = { seq: this.seq, chunks: [], size: 0, done: false };
      this.sink = 'header';
    } else if (this.header?.done && this.header.seq === this.seq) {
      this.capture.begin(`FETCH ${this.seq} header and text`);
      for (const c of this.header.chunks) this.capture.add(c);
      this.header = null;
      this.sink = 'capture';
    }
  }

  /** Octets of the literal; `left` are still to come. */
  bytes(b: Buffer, left: number, origin: FetchOrigin): CodecCommand[] {
    if (this.sink === 'header' && this.header) {
      // A header is small; one that is not is not worth pairing.
      if ((this.header.size += b.length) <= 1024 * 1024) this.header.chunks.push(Buffer.from(b));
      else this.header = null;
      if (left === 0 && this.header) this.header.done = true;
    } else if (this.sink === 'capture') {
      this.capture.add(b);
      if (left === 0) {
        this.sink = null;
        return this.capture.end(origin);
      }
    }
    if (left === 0) this.sink = null;
    return [];
  }
}

/**
 * The UID data item of a FETCH response's first line ("* 3 FETCH (UID 7 FLAGS (\\Seen) BODY[] {…}"),
 * at the top level of its parenthesised list and outside quoted strings, or null.
 */
export function uidInFirstLine(text: string): string | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 1 && (c === 'U' || c === 'u') && (text[i - 1] === '(' || text[i - 1] === ' ')) {
      const m = /^UID (\d{1,10})(?=[ )])/i.exec(text.slice(i, i + 20));
      if (m) return m[1];
    }
  }
  return null;
}

/**
 * The mailbox a SELECT or EXAMINE names, from the rest of its line: an atom or a quoted string
 * (RFC 3501 §9 "mailbox"), with INBOX in any case as INBOX (§5.1); null for a literal.
 */
export function mailboxArgument(args: string): string | null {
  const a = args.trimStart();
  let name: string;
  if (a.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(a);
    if (!m) return null;
    name = m[1]!.replace(/\\(.)/g, '$1');
  } else if (a.startsWith('{') || a.startsWith('~{')) return null;
  else name = /^[^\s()]+/.exec(a)?.[0] ?? '';
  if (!name) return null;
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}
