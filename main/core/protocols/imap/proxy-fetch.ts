// Watches FETCH responses passing through the IMAP proxy for whole messages, to catch them:
// BODY[] (what BODY.PEEK[] answers as) and RFC822 carry the message (RFC 3501 §7.4.2); a
// header (BODY[HEADER], RFC822.HEADER) followed by the text (BODY[TEXT], RFC822.TEXT) of the
// same message, as fetchmail fetches, makes one too. Partial fetches (BODY[]<0>) and parts
// (BODY[1]) are not messages and are left alone.
import { FetchCapture, type FetchOrigin } from '../proxy-fetch-capture.js';
import type { CodecCommand } from '../types.js';

const ITEM_LITERAL = /(?:^|[ (])(BODY\[\]|RFC822|BODY\[HEADER\]|RFC822\.HEADER|BODY\[TEXT\]|RFC822\.TEXT) \{\d+\}$/i;

export class FetchWatcher {
  private readonly capture = new FetchCapture();
  /** The message number of the FETCH response being read, or null outside one. */
  private seq: string | null = null;
  private header: { seq: string; chunks: Buffer[]; size: number; done: boolean } | null = null;
  private sink: 'capture' | 'header' | null = null;

  /** A response starts with this line: "* 12 FETCH (…" or anything else. */
  responseStart(head: string): void {
    this.seq = /^\* (\d+) FETCH /i.exec(head)?.[1] ?? null;
  }

  /** A line of the response ends in a literal announcement: where do its octets go? */
  literal(tail: string): void {
    this.sink = null;
    const item = this.seq ? ITEM_LITERAL.exec(tail.trimEnd())?.[1]?.toUpperCase() : undefined;
    if (!item || !this.seq) return;
    if (item === 'BODY[]' || item === 'RFC822') {
      this.capture.begin(`FETCH ${this.seq} ${item}`);
      this.sink = 'capture';
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
