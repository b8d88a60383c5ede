// A line splitter for relays, where no byte may be lost: unlike LineReader (which drops the rest
// of an overlong line, as a server must), an overlong line is handed out in pieces that keep
// every byte, and the piece after it is marked as not starting a line. Raw octets can be taken
// out of the stream between lines (POP3 bodies, IMAP literals) with `take`.

export interface RawLine {
  /** The bytes, line ending included when `complete`. */
  raw: Buffer;
  /** The text without its line ending (latin1, byte-exact); '' for an overlong line or a piece of one. */
  text: string;
  /** The last few characters of the text (before the line ending), even of an overlong line. */
  tail: string;
  /** Ends in LF. A piece of an overlong line is not complete. */
  complete: boolean;
  /** Starts at the beginning of a line (the piece before it ended in LF). */
  atStart: boolean;
}

const TAIL = 40;

export class RawLines {
  private buf: Buffer = Buffer.alloc(0);
  private atStart = true;

  constructor(readonly maxLine: number) {}

  push(bytes: Uint8Array): void {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
  }

  get buffered(): number {
    return this.buf.length;
  }

  /** Nothing of a line has been handed out yet (no piece of an overlong one, no literal). */
  get atLineStart(): boolean {
    return this.atStart;
  }

  /** The next line, or a piece of an overlong one; null when more bytes are needed. */
  next(): RawLine | null {
    const lf = this.buf.indexOf(10);
    if (lf < 0) {
      if (this.buf.length <= this.maxLine) return null;
      const raw = this.buf;
      this.buf = Buffer.alloc(0);
      const atStart = this.atStart;
      this.atStart = false;
      return { raw, text: '', tail: '', complete: false, atStart };
    }
    const raw = this.buf.subarray(0, lf + 1);
    this.buf = this.buf.subarray(lf + 1);
    const atStart = this.atStart;
    this.atStart = true;
    const end = lf > 0 && raw[lf - 1] === 13 ? lf - 1 : lf;
    const tail = raw.toString('latin1', Math.max(0, end - TAIL), end);
    return { raw, text: end <= this.maxLine ? raw.toString('latin1', 0, end) : '', tail, complete: true, atStart };
  }

  /** Up to `n` raw octets (a literal's), which need not end a line. */
  take(n: number): Buffer {
    const k = Math.min(n, this.buf.length);
    const out = this.buf.subarray(0, k);
    this.buf = this.buf.subarray(k);
    // A literal sits inside a line (RFC 3501 §4.3): what follows it continues that line.
    if (k > 0) this.atStart = false;
    return out;
  }

  /** Everything buffered. */
  drain(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }
}
