// Reads an SMTP DATA payload: everything up to the end-of-data indicator CRLF "." CRLF
// (RFC 5321 §4.1.1.4), undoing the dot-stuffing of §4.5.2. Shared by the sink's server state
// machine and the proxy's dissector.
//
// Only CRLF.CRLF ends the payload. The "SMTP smuggling" family (bare LF, bare CR, LF.LF,
// CRLF.LF, LF.CRLF) never does: those bytes stay in the message and are reported, so that a
// payload is never cut short and a second message can never be smuggled in after a fake end.

export interface DataWarnings {
  bareLf: number;
  bareCr: number;
}

export interface DataPush {
  /** True once CRLF.CRLF was seen. */
  done: boolean;
  /** How many bytes of this push belong to the payload, terminator included. */
  consumed: number;
}

const CR = 13;
const LF = 10;
const DOT = 46;

/**
 * In the sink, the server's reader and the dissector's both read every DATA chunk; in the
 * proxy, the capture's reader and the dissector's do. A push's outcome depends only on the
 * bytes and the reader's state (the line start and up to two held-back bytes), and pushed
 * input is never changed, so the second reader of a large chunk takes the first one's outcome
 * instead of scanning it again: for a 1 MB message that is 13,000 lines scanned once, not
 * twice. Keyed by the chunk's memory, so it goes with the chunk.
 */
interface ScanResult {
  offset: number;
  length: number;
  stateIn: number;
  done: boolean;
  consumed: number;
  size: number;
  bareLf: number;
  bareCr: number;
  atLineStart: boolean;
  carry: Buffer;
  /** The emitted [from, to) ranges of the input, when it was scanned without a carry. */
  ranges: number[] | null;
}

const lastScans = new WeakMap<ArrayBufferLike, ScanResult>();
/** Smaller pushes cost less to scan than to look up. */
export const SCAN_MEMO_MIN = 4096;
/** Ranges break at stuffed dots; a chunk with more than this is simply scanned again. */
const MAX_MEMO_RANGES = 64;

export class DataReader {
  /** Unstuffed message bytes, in order. Empty if the message went over `maxSize`, or if not kept. */
  readonly chunks: Buffer[] = [];
  /** Unstuffed size, counted even past the limit. */
  size = 0;
  /** Bytes on the wire, terminator included. */
  wireBytes = 0;
  readonly warnings: DataWarnings = { bareLf: 0, bareCr: 0 };
  private atLineStart = true;
  /** Up to two bytes held back because they may start a terminator or a CRLF. */
  private carry: Buffer = Buffer.alloc(0);
  private finished = false;
  /** While a push is scanned for the memo: the [from, to) ranges of the input it emitted. */
  private ranges: number[] | null = null;

  /**
   * @param maxSize bytes kept at most; past it the message is dropped (the server answers 552).
   * @param keepBytes false for a reader that only finds the end and counts (the dissector):
   *   it copies nothing, so a large payload costs no memory and no garbage.
   */
  constructor(
    private readonly maxSize: number = Infinity,
    private readonly keepBytes = true,
  ) {}

  get overLimit(): boolean {
    return this.size > this.maxSize;
  }

  get done(): boolean {
    return this.finished;
  }

  /** `input` must not be changed after the push: the payload keeps views into it. */
  push(input: Uint8Array): DataPush {
    if (this.finished) return { done: true, consumed: 0 };
    const memoable = input.byteLength >= SCAN_MEMO_MIN;
    const stateIn = memoable ? this.stateKey() : 0;
    if (memoable) {
      const m = lastScans.get(input.buffer);
      if (m && m.offset === input.byteOffset && m.length === input.byteLength && m.stateIn === stateIn && (m.ranges || !this.keepBytes))
        return this.replay(m, input);
    }
    const before = { size: this.size, bareLf: this.warnings.bareLf, bareCr: this.warnings.bareCr };
    this.ranges = memoable && !this.carry.length ? [] : null;
    const r = this.scan(input);
    if (memoable) {
      lastScans.set(input.buffer, {
        offset: input.byteOffset,
        length: input.byteLength,
        stateIn,
        done: r.done,
        consumed: r.consumed,
        size: this.size - before.size,
        bareLf: this.warnings.bareLf - before.bareLf,
        bareCr: this.warnings.bareCr - before.bareCr,
        atLineStart: this.atLineStart,
        carry: this.carry,
        ranges: this.ranges && this.ranges.length <= MAX_MEMO_RANGES ? this.ranges : null,
      });
    }
    this.ranges = null;
    return r;
  }

  /** The reader's state that a push depends on, as one number: the carry (0-2 bytes) and the line start. */
  private stateKey(): number {
    const c = this.carry;
    return ((c.length * 256 + (c[0] ?? 0)) * 256 + (c[1] ?? 0)) * 2 + (this.atLineStart ? 1 : 0);
  }

  /** Apply what another reader found in this same push, from this same state, without scanning. */
  private replay(m: ScanResult, input: Uint8Array): DataPush {
    if (m.ranges) {
      const chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      for (let i = 0; i < m.ranges.length; i += 2) this.emit(chunk, m.ranges[i]!, m.ranges[i + 1]!);
    } else this.size += m.size;
    this.warnings.bareLf += m.bareLf;
    this.warnings.bareCr += m.bareCr;
    this.atLineStart = m.atLineStart;
    this.carry = m.carry;
    this.finished = m.done;
    return this.result(m.done, m.consumed);
  }

  private scan(input: Uint8Array): DataPush {
    const chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const carried = this.carry.length;
    const buf = carried ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    let pos = 0;
    let segStart = 0;
    const len = buf.length;
    while (pos < len) {
      if (this.atLineStart) {
        if (buf[pos] === DOT) {
          if (len - pos < 3) {
            // ".", ".\r" might still become ".\r\n": hold them back.
            if (len - pos === 1 || buf[pos + 1] === CR) {
              this.emit(buf, segStart, pos);
              this.carry = Buffer.from(buf.subarray(pos));
              return this.result(false, len - carried);
            }
          } else if (buf[pos + 1] === CR && buf[pos + 2] === LF) {
            this.emit(buf, segStart, pos);
            this.finished = true;
            return this.result(true, pos + 3 - carried);
          }
          // A stuffed dot: drop it (RFC 5321 §4.5.2).
          this.emit(buf, segStart, pos);
          segStart = pos + 1;
          pos += 1;
        }
        this.atLineStart = false;
        if (pos >= len) break;
      }
      const lf = buf.indexOf(LF, pos);
      const lineEnd = lf < 0 ? len : lf;
      this.countBareCr(buf, pos, lineEnd);
      if (lf < 0) {
        if (buf[len - 1] === CR) {
          // Cannot tell yet whether this CR is bare: hold it back.
          this.emit(buf, segStart, len - 1);
          this.carry = Buffer.from(buf.subarray(len - 1));
          return this.result(false, len - carried);
        }
        pos = len;
        break;
      }
      if (lf === 0 || buf[lf - 1] !== CR) this.warnings.bareLf++;
      else this.atLineStart = true;
      pos = lf + 1;
    }
    this.emit(buf, segStart, len);
    return this.result(false, len - carried);
  }

  private result(done: boolean, consumed: number): DataPush {
    this.wireBytes += consumed;
    return { done, consumed };
  }

  /**
   * Count CRs in [from, to) that no LF follows. A CR at to-1 is either the CR of the line's
   * CRLF or the last byte of the push, which is held back and looked at again with the next.
   */
  private countBareCr(buf: Buffer, from: number, to: number): void {
    let i = buf.indexOf(CR, from);
    while (i >= 0 && i < to - 1) {
      this.warnings.bareCr++;
      i = buf.indexOf(CR, i + 1);
    }
  }

  private emit(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.ranges?.push(from, to);
    this.size += to - from;
    if (!this.keepBytes) return;
    // A view, not a copy: pushed input is never changed afterwards (socket chunks are fresh
    // each read), and the store copies the chunks into the message once.
    if (this.size <= this.maxSize) this.chunks.push(buf.subarray(from, to));
    else if (this.chunks.length) this.chunks.length = 0;
  }

  /** The warnings as human-readable strings, for the message and the timeline. */
  describeWarnings(): string[] {
    const out: string[] = [];
    if (this.warnings.bareLf) out.push(`bare LF in DATA (${this.warnings.bareLf}×): not treated as a line end (RFC 5321 §2.3.8)`);
    if (this.warnings.bareCr) out.push(`bare CR in DATA (${this.warnings.bareCr}×) (RFC 5321 §2.3.8)`);
    return out;
  }
}
