// The IMAP command framer (RFC 3501 §2.2, §4.3; RFC 7888 LITERAL+): a command is a line that may
// be continued through literals. "{n}" at the end of a line announces n octets that follow
// once the server says "+" (a synchronising literal); "{n+}" announces octets that follow at
// once; "~{n}" is literal8 (RFC 3516). The framer returns whole commands as text and literal
// parts, tells the server when a synchronising literal needs its "+", and bounds everything:
// a line over the limit is dropped up to its end, and a refused literal is skipped, never kept.

export type FramePart = { text: string } | { literal: Buffer };

export type Frame =
  /** A complete command. */
  | { kind: 'command'; parts: FramePart[] }
  /** A synchronising literal was announced: call accept() (and send "+") or refuse(). */
  | { kind: 'literal'; size: number; sync: boolean; parts: FramePart[] }
  /** A line went over the limit; whatever command it belonged to is dropped. */
  | { kind: 'too-long'; parts: FramePart[]; head: string };

/** "{123}", "{123+}" or "~{123}" at the end of a line. */
const LITERAL_AT_END = /(~?)\{(\d{1,20})(\+?)\}$/;

const LF = 0x0a;

export class ImapFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** The command being assembled. */
  private parts: FramePart[] = [];
  /** Octets of a literal still to come, and where they go. */
  private literal: { remaining: number; chunks: Buffer[]; keep: boolean } | null = null;
  /** A literal was announced and the server has not yet said whether it takes it. */
  private announced: { size: number; sync: boolean } | null = null;
  /** The current command is being skipped (a refused literal, an overlong line). */
  private skipping = false;
  private discardingLine = false;
  private tail = '';
  /** The start of a line being dropped, for its tag. */
  private head = '';

  constructor(
    public maxLine: number,
    public maxLiteral: number,
  ) {}

  push(bytes: Uint8Array): void {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
  }

  get buffered(): number {
    return this.buf.length;
  }

  /** Take everything buffered (STARTTLS drops it: RFC 3501 §6.2.1, CVE-2011-0411 class). */
  drain(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }

  /** Read one line outside command framing (AUTHENTICATE responses, IDLE's DONE). */
  line(): { text: string; tooLong: boolean } | null {
    const lf = this.buf.indexOf(LF);
    if (lf < 0) {
      if (this.buf.length > this.maxLine) {
        this.buf = Buffer.alloc(0);
        this.discardingLine = true;
      }
      return null;
    }
    const end = lf > 0 && this.buf[lf - 1] === 0x0d ? lf - 1 : lf;
    const text = this.buf.toString('latin1', 0, end);
    this.buf = this.buf.subarray(lf + 1);
    if (this.discardingLine || end > this.maxLine) {
      this.discardingLine = false;
      return { text: '', tooLong: true };
    }
    return { text, tooLong: false };
  }

  /** The server takes the announced literal (and sends "+" for a synchronising one). */
  accept(): void {
    const a = this.announced!;
    this.announced = null;
    this.literal = { remaining: a.size, chunks: [], keep: true };
  }

  /**
   * The server refuses the announced literal (too big, or the command is bad). A synchronising
   * literal is never sent, so the command just ends; the octets of a non-synchronising one are
   * on their way and are skipped, with the rest of the command.
   */
  refuse(): void {
    const a = this.announced!;
    this.announced = null;
    this.parts = [];
    if (a.sync) return;
    this.skipping = true;
    this.literal = { remaining: a.size, chunks: [], keep: false };
  }

  next(): Frame | null {
    // Bounded: every pass consumes buffered input or returns.
    for (;;) {
      if (this.announced) return null; // waiting for accept() or refuse()
      if (this.literal) {
        if (!this.readLiteral()) return null;
        continue;
      }
      const lf = this.buf.indexOf(LF);
      if (lf < 0) {
        if (this.buf.length > this.maxLine) {
          // Keep the last bytes: a literal announced at the end of a dropped line is skipped too.
          if (!this.discardingLine) this.head = this.buf.toString('latin1', 0, 64);
          this.tail = (this.tail + this.buf.toString('latin1', Math.max(0, this.buf.length - 32))).slice(-32);
          this.buf = Buffer.alloc(0);
          this.discardingLine = true;
        }
        return null;
      }
      const end = lf > 0 && this.buf[lf - 1] === 0x0d ? lf - 1 : lf;
      const text = this.buf.toString('latin1', 0, end);
      this.buf = this.buf.subarray(lf + 1);
      if (this.discardingLine || end > this.maxLine) {
        const whole = (this.tail + text).slice(-32);
        const head = this.discardingLine ? this.head : text.slice(0, 64);
        const wasSkipping = this.skipping;
        this.discardingLine = false;
        this.tail = '';
        const parts = this.parts;
        this.parts = [];
        // A non-synchronising literal announced at the end of the dropped line is on its way:
        // skip it and the rest of its command. A synchronising one is never sent.
        const lit = LITERAL_AT_END.exec(whole);
        this.skipping = !!lit && lit[3] === '+';
        if (this.skipping) this.literal = { remaining: Number(lit![2]), chunks: [], keep: false };
        if (wasSkipping) continue; // that command was refused already
        return { kind: 'too-long', parts, head };
      }
      const m = LITERAL_AT_END.exec(text);
      if (this.skipping) {
        // Inside a refused command: skip its non-synchronising literals until its last line.
        if (m && m[3] === '+') this.literal = { remaining: Number(m[2]), chunks: [], keep: false };
        else this.skipping = false;
        continue;
      }
      if (!m) {
        this.parts.push({ text });
        const parts = this.parts;
        this.parts = [];
        return { kind: 'command', parts };
      }
      this.parts.push({ text: text.slice(0, m.index) + (m[1] ? '~' : '') });
      const size = Number(m[2]);
      const sync = m[3] !== '+';
      this.announced = { size, sync };
      return { kind: 'literal', size, sync, parts: this.parts };
    }
  }

  private readLiteral(): boolean {
    const lit = this.literal!;
    if (lit.remaining > 0) {
      if (this.buf.length === 0) return false;
      const take = Math.min(lit.remaining, this.buf.length);
      if (lit.keep) lit.chunks.push(this.buf.subarray(0, take));
      this.buf = this.buf.subarray(take);
      lit.remaining -= take;
      if (lit.remaining > 0) return false;
    }
    this.literal = null;
    if (lit.keep) this.parts.push({ literal: Buffer.concat(lit.chunks) });
    return true;
  }
}
