// The positions of every line feed in a raw message, found in one pass. IMAP's BODYSTRUCTURE
// reports the line count of each text and message part (RFC 3501 §7.4.2), and the parser flags
// bare LF line endings; both come from this one index instead of rescanning each part.

const LF = 0x0a;
const CR = 0x0d;

export class LineIndex {
  /** Ascending offsets of every LF byte. */
  private readonly feeds: number[] = [];
  /** LF bytes not preceded by CR: RFC 5322 §2.3 allows CR and LF only together, as CRLF. */
  readonly bareLf: number;

  constructor(raw: Buffer) {
    let bare = 0;
    for (let i = raw.indexOf(LF); i !== -1; i = raw.indexOf(LF, i + 1)) {
      this.feeds.push(i);
      if (i === 0 || raw[i - 1] !== CR) bare++;
    }
    this.bareLf = bare;
  }

  get total(): number {
    return this.feeds.length;
  }

  /**
   * Lines in [start, end), counted as the LF bytes in that range. This is how Dovecot counts
   * them, and it makes a body that ends without a line break (the CRLF before a boundary belongs
   * to the boundary, RFC 2046 §5.1.1) count only its complete lines.
   */
  count(start: number, end: number): number {
    return end <= start ? 0 : this.firstAtOrAfter(end) - this.firstAtOrAfter(start);
  }

  /** Index into `feeds` of the first LF at or after `offset`. */
  private firstAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.feeds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.feeds[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
