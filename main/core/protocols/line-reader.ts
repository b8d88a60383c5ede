// Splits a byte stream into lines, for any line-oriented protocol (SMTP, POP3, IMAP commands
// and replies). A line ends at LF; a CR before it is stripped. Lines over `maxLength` octets
// are reported once, as `tooLong`, and their bytes are dropped up to the next LF, so a hostile
// peer cannot grow the buffer without bound.

export interface Line {
  /** The line without its line ending, as latin1 text (byte-exact; decode later if needed). */
  text: string;
  /** The raw bytes including the line ending. */
  raw: Buffer;
  /** The line ended in a bare LF rather than CRLF. */
  bareLf: boolean;
  tooLong: boolean;
}

export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private discarding = false;
  private discarded = 0;

  constructor(public maxLength: number) {}

  push(bytes: Uint8Array): void {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
  }

  /** The next complete line, or null when more bytes are needed. */
  next(): Line | null {
    const lf = this.buf.indexOf(10);
    if (lf < 0) {
      if (this.buf.length > this.maxLength) {
        this.discarding = true;
        this.discarded += this.buf.length;
        this.buf = Buffer.alloc(0);
      }
      return null;
    }
    const raw = this.buf.subarray(0, lf + 1);
    this.buf = this.buf.subarray(lf + 1);
    const bareLf = lf === 0 || raw[lf - 1] !== 13;
    const end = bareLf ? lf : lf - 1;
    if (this.discarding || end > this.maxLength) {
      this.discarding = false;
      this.discarded = 0;
      return { text: '', raw, bareLf, tooLong: true };
    }
    return { text: raw.toString('latin1', 0, end), raw, bareLf, tooLong: false };
  }

  /** Take whatever is buffered (bytes that follow a switch of framing, such as DATA or TLS). */
  drain(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }

  get buffered(): number {
    return this.buf.length;
  }
}
