// Frames the upstream's side of an IMAP dialogue for the relay, without holding anything back:
// response lines, and the literals inside them (RFC 3501 §4.3, §7: "{n}" at the end of a line
// is followed by exactly n octets, after which the same response goes on; literal8 "~{n}",
// RFC 3516). Literal octets come out as they arrive, so a 10 MB FETCH streams through, and no
// octet inside a literal is ever read as a response (a message may well hold "a1 OK").
import { RawLines } from '../proxy-lines.js';

export type ResponsePiece =
  /** A line of a response; `start` when it begins one, `literal` when one follows it. */
  | { kind: 'line'; raw: Buffer; text: string; start: boolean; literal: number | null }
  /** Octets of a literal; `left` are still to come. */
  | { kind: 'literal'; bytes: Buffer; left: number }
  /** A piece of a line over the limit, relayed as it is. */
  | { kind: 'piece'; raw: Buffer };

/** "{123}" or "~{123}" at the end of a line (a server never sends "{n+}", RFC 7888 §4). */
const LITERAL_AT_END = /~?\{(\d{1,20})\+?\}$/;

export class ImapResponseReader {
  private readonly lines: RawLines;
  private left = 0;
  /** The next line continues a response, after a literal. */
  private continuing = false;

  constructor(maxLine: number) {
    this.lines = new RawLines(maxLine);
  }

  push(bytes: Uint8Array): void {
    this.lines.push(bytes);
  }

  get buffered(): number {
    return this.lines.buffered;
  }

  /** Between two responses: a line of the proxy's own can go to the client here. */
  get atBoundary(): boolean {
    return this.left === 0 && !this.continuing && this.lines.atLineStart;
  }

  drain(): Buffer {
    return this.lines.drain();
  }

  next(): ResponsePiece | null {
    if (this.left > 0) {
      const bytes = this.lines.take(this.left);
      if (!bytes.length) return null;
      this.left -= bytes.length;
      return { kind: 'literal', bytes, left: this.left };
    }
    const l = this.lines.next();
    if (!l) return null;
    if (!l.complete) return { kind: 'piece', raw: l.raw };
    const start = !this.continuing && l.atStart;
    const lit = LITERAL_AT_END.exec(l.tail);
    this.continuing = !!lit;
    this.left = lit ? Number(lit[1]) : 0;
    return { kind: 'line', raw: l.raw, text: l.text, start, literal: lit ? this.left : null };
  }
}
