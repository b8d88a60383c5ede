// A streaming mbox reader (mboxrd, as in qmail's mbox(5) and RFC 4155 §2), sans-IO: chunks of
// the file go in, whole messages come out, so a 1 GB mbox never sits in memory; only the message
// being read does, and only up to the size limit.
//
// A message starts at a line beginning "From " (its "From_" line, kept byte-exact with its line
// ending) and runs to the next one. Inside it, mboxrd quoting is undone: a line matching
// /^>+From / loses one ">". The blank line a writer puts after each message is taken off: a
// message whose bytes end in LF LF loses one LF, one ending in LF CR LF loses CR LF (a file
// written with CRLF line endings). The other way round is mbox-write.ts, and the two round-trip.

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM_ = Buffer.from('From ');
/** A From_ line is an address and a date; anything much longer is not one. */
const MAX_FROM_LINE = 1000;
/** How many ">" a quoted From line may carry before it is just text. */
const MAX_QUOTE_DEPTH = 1000;

export interface MboxMessage {
  /** 1-based position in the file. */
  index: number;
  /** The From_ line as it was, with its line ending. */
  fromLine: Buffer;
  /** The message, unquoted; empty when it was too large. */
  chunks: Buffer[];
  size: number;
  tooLarge: boolean;
}

type LineKind = 'from' | 'quoted' | 'text' | 'undecided';

/** What a line is, from its first bytes: a From_ line, a quoted ">From ", text, or too soon to say. */
function classify(head: Buffer): LineKind {
  let i = 0;
  while (i < head.length && head[i] === GT && i < MAX_QUOTE_DEPTH) i++;
  const rest = head.subarray(i);
  const n = Math.min(rest.length, FROM_.length);
  if (!rest.subarray(0, n).equals(FROM_.subarray(0, n))) return 'text';
  if (i >= MAX_QUOTE_DEPTH) return 'text';
  if (rest.length < FROM_.length) return 'undecided';
  return i === 0 ? 'from' : 'quoted';
}

export class MboxReader {
  private current: MboxMessage | null = null;
  private count = 0;
  /** The start of a line whose kind is not known yet (shorter than ">>>From "). */
  private head: Buffer | null = null;
  /** Bytes of the From_ line being read. */
  private fromParts: Buffer[] | null = null;
  private fromLength = 0;
  private atLineStart = true;
  private started = false;

  constructor(private readonly maxMessageSize: number) {}

  /** Feed the next chunk of the file; returns the messages it completed. */
  push(chunk: Buffer): MboxMessage[] {
    const out: MboxMessage[] = [];
    let buf = chunk;
    if (this.head) {
      buf = Buffer.concat([this.head, chunk]);
      this.head = null;
    }
    // Message bytes are appended in runs of whole lines, not line by line.
    let run = -1;
    const flush = (to: number): void => {
      if (run >= 0 && to > run) this.append(buf.subarray(run, to));
      run = -1;
    };
    let pos = 0;
    while (pos < buf.length) {
      const lf = buf.indexOf(LF, pos);
      const end = lf < 0 ? buf.length : lf + 1;
      if (this.fromParts) this.takeFromLine(buf.subarray(pos, end), lf >= 0);
      else if (!this.atLineStart) {
        if (run < 0) run = pos;
        this.atLineStart = lf >= 0;
      } else {
        const kind = classify(buf.subarray(pos, Math.min(end, pos + MAX_QUOTE_DEPTH + FROM_.length)));
        if (kind === 'undecided' && lf < 0) {
          flush(pos);
          this.head = Buffer.from(buf.subarray(pos));
          return out;
        }
        if (kind === 'from') {
          flush(pos);
          if (this.current) out.push(this.finish(this.current));
          this.current = null;
          this.started = true;
          this.fromParts = [];
          this.fromLength = 0;
          this.takeFromLine(buf.subarray(pos, end), lf >= 0);
        } else {
          if (!this.started) throw new Error('not an mbox file: it does not start with a "From " line');
          if (kind === 'quoted') {
            // mboxrd: drop one ">" from a quoted From line (RFC 4155 §2; qmail mbox(5)).
            flush(pos);
            run = pos + 1;
          } else if (run < 0) run = pos;
          this.atLineStart = lf >= 0;
        }
      }
      pos = end;
    }
    flush(pos);
    return out;
  }

  /** The file ended: the last message, if any. */
  end(): MboxMessage[] {
    if (this.head) {
      if (!this.started) throw new Error('not an mbox file: it does not start with a "From " line');
      this.append(this.head);
      this.head = null;
    }
    if (this.fromParts) throw new Error(`mbox message ${this.count} has a From line and nothing else`);
    const last = this.current;
    this.current = null;
    if (!last) {
      if (!this.started) throw new Error('not an mbox file: it is empty');
      return [];
    }
    return [this.finish(last)];
  }

  private takeFromLine(part: Buffer, complete: boolean): void {
    this.fromParts!.push(Buffer.from(part));
    this.fromLength += part.length;
    if (this.fromLength > MAX_FROM_LINE) throw new Error(`mbox message ${this.count + 1}: its From line is over ${MAX_FROM_LINE} bytes`);
    if (!complete) return;
    this.current = { index: ++this.count, fromLine: Buffer.concat(this.fromParts!), chunks: [], size: 0, tooLarge: false };
    this.fromParts = null;
    this.atLineStart = true;
  }

  private append(bytes: Buffer): void {
    const m = this.current!;
    m.size += bytes.length;
    if (m.tooLarge) return;
    // The separator's bytes (at most 3) are counted too, so allow for them before giving up.
    if (m.size > this.maxMessageSize + 3) {
      m.tooLarge = true;
      m.chunks = [];
      return;
    }
    // Copied: the caller's chunk is reused or released once push() returns.
    m.chunks.push(Buffer.from(bytes));
  }

  private finish(m: MboxMessage): MboxMessage {
    if (m.tooLarge) return m;
    const all = m.chunks.length === 1 ? m.chunks[0]! : Buffer.concat(m.chunks);
    const n = all.length;
    let cut = 0;
    if (n >= 2 && all[n - 1] === LF && all[n - 2] === LF) cut = 1;
    else if (n >= 3 && all[n - 1] === LF && all[n - 2] === CR && all[n - 3] === LF) cut = 2;
    const body = all.subarray(0, n - cut);
    m.chunks = [body];
    m.size = body.length;
    if (m.size > this.maxMessageSize) (m.tooLarge = true), (m.chunks = []);
    return m;
  }
}
