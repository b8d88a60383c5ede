// Watches FETCH responses passing through the IMAP proxy for whole messages, to catch them:
// BODY[] (what BODY.PEEK[] answers as) and RFC822 carry the message (RFC 3501 §7.4.2); a
// header (BODY[HEADER], RFC822.HEADER) followed by the text (BODY[TEXT], RFC822.TEXT) of the
// same message, as fetchmail fetches, makes one too. Partial fetches (BODY[]<0>) and parts
// (BODY[1]) are not messages and are left alone.
//
// A message fetched again is known by its UID when the response carries one (RFC 3501 §2.3.1.1:
// a UID names a message for as long as the mailbox's UIDVALIDITY holds). Each SELECT or EXAMINE
// reports its UIDVALIDITY (§6.3.1), so UIDs are keyed per selection: a UID seen after another
// selection is a new key, and the content digest decides.
import { FetchCapture, type FetchOrigin } from '../proxy-fetch-capture.js';
import type { CodecCommand } from '../types.js';

const UIDVALIDITY = /^\* OK \[UIDVALIDITY \d+\]/i;
const ITEM_LITERAL = /(?:^|[ (])(BODY\[\]|RFC822|BODY\[HEADER\]|RFC822\.HEADER|BODY\[TEXT\]|RFC822\.TEXT) \{(\d{1,10})\}$/i;

export class FetchWatcher {
  private readonly capture = new FetchCapture();
  /** The message number of the FETCH response being read, or null outside one. */
  private seq: string | null = null;
  private header: { seq: string; chunks: Buffer[]; size: number; done: boolean } | null = null;
  private sink: 'capture' | 'header' | null = null;
  /** The UID in the FETCH response being read, when its first line carries one. */
  private uid: string | null = null;
  /** Counts the mailbox selections seen (by their UIDVALIDITY response); 0 before any. */
  private selection = 0;

  /** A response starts with this line: "* 12 FETCH (…" or anything else. */
  responseStart(head: string): void {
    this.seq = /^\* (\d+) FETCH /i.exec(head)?.[1] ?? null;
    this.uid = this.seq ? uidInFirstLine(head) : null;
  }

  /** A whole response line with no literal: watches for a new selection's UIDVALIDITY. */
  responseLine(text: string): void {
    if (UIDVALIDITY.test(text)) this.selection++;
  }

  /** A line of the response ends in a literal announcement: where do its octets go? */
  literal(tail: string): void {
    this.sink = null;
    const m = this.seq ? ITEM_LITERAL.exec(tail.trimEnd()) : null;
    const item = m?.[1]?.toUpperCase();
    if (!item || !this.seq) return;
    if (item === 'BODY[]' || item === 'RFC822') {
      const key = this.selection && this.uid ? `${this.selection} ${this.uid}` : null;
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
