// Header fields as IMAP serves them: each field's raw lines (for BODY[HEADER.FIELDS], RFC 3501
// §6.4.5) and its value as bytes, unfolded (RFC 5322 §2.2.3: the CRLF goes, the whitespace that
// follows it stays), leading whitespace dropped and trailing whitespace kept, as Dovecot does.
// Values are binary strings (one char per byte), so 8-bit text goes out byte-exact.

export interface RawField {
  /** The field name lower-cased. */
  key: string;
  /** Unfolded value, binary string. */
  value: string;
  /** Offsets of the field's lines in the message, line ends included. */
  start: number;
  end: number;
}

const LF = 0x0a;

/** The fields of the header section in [start, end); stops at the blank line that ends it. */
export function readFields(raw: Buffer, start: number, end: number): RawField[] {
  const out: RawField[] = [];
  let cur: { key: string; parts: string[]; start: number; end: number } | null = null;
  const flush = (): void => {
    if (cur) out.push({ key: cur.key, value: cur.parts.join(''), start: cur.start, end: cur.end });
    cur = null;
  };
  let pos = start;
  while (pos < end) {
    const lf = raw.indexOf(LF, pos);
    const next = lf < 0 || lf >= end ? end : lf + 1;
    let lineEnd = next;
    if (lineEnd > pos && raw[lineEnd - 1] === LF) lineEnd--;
    if (lineEnd > pos && raw[lineEnd - 1] === 0x0d) lineEnd--;
    const line = raw.toString('latin1', pos, lineEnd);
    if (line === '') break; // the blank line that ends the header section
    if ((line[0] === ' ' || line[0] === '\t') && cur) {
      (cur as { parts: string[] }).parts.push(line);
      (cur as { end: number }).end = next;
    } else {
      flush();
      const colon = line.indexOf(':');
      if (colon > 0) {
        const name = line.slice(0, colon).replace(/[ \t]+$/, '');
        cur = { key: name.toLowerCase(), parts: [line.slice(colon + 1).replace(/^[ \t]+/, '')], start: pos, end: next };
      }
    }
    pos = next;
  }
  flush();
  return out;
}

export function firstField(fields: readonly RawField[], key: string): string | null {
  for (const f of fields) if (f.key === key) return f.value;
  return null;
}

export function lastField(fields: readonly RawField[], key: string): string | null {
  let v: string | null = null;
  for (const f of fields) if (f.key === key) v = f.value;
  return v;
}
