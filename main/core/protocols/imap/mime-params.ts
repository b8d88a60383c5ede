// Reading structured MIME header values the way IMAP reports them (RFC 2045 §5.1, RFC 2183,
// RFC 3066, RFC 2231). BODYSTRUCTURE gives parameters as sent, not decoded: RFC 2231
// continuations are joined, and an extended value keeps its charset'lang'%XX form under the
// name with a trailing "*", as Dovecot reports it. Input and output are binary strings.

const TSPECIALS = '()<>@,;:\\"/[]?=';

class Cursor {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i] ?? '';
  }

  /** Skip whitespace, line breaks and (nested) comments (RFC 5322 §3.2.2 CFWS). */
  skip(): void {
    while (!this.done) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '(') this.comment();
      else break;
    }
  }

  comment(): string {
    let depth = 0;
    let text = '';
    while (!this.done) {
      const c = this.s[this.i++]!;
      if (c === '\\' && !this.done) text += this.s[this.i++]!;
      else if (c === '(') (depth++, depth > 1 && (text += c));
      else if (c === ')') {
        if (--depth === 0) break;
        text += c;
      } else text += c;
    }
    return text;
  }

  /** A MIME token: no space, controls or tspecials. */
  token(): string {
    const start = this.i;
    while (!this.done) {
      const c = this.s.charCodeAt(this.i);
      if (c <= 0x20 || c === 0x7f || TSPECIALS.includes(this.s[this.i]!)) break;
      this.i++;
    }
    return this.s.slice(start, this.i);
  }

  quoted(): string {
    this.i++; // the opening quote
    let out = '';
    while (!this.done) {
      const c = this.s[this.i++]!;
      if (c === '"') return out;
      if (c === '\\' && !this.done) out += this.s[this.i++]!;
      else if (c !== '\r' && c !== '\n') out += c;
    }
    return out;
  }
}

export type Params = [string, string][];

/** ";" key "=" value pairs, then RFC 2231 continuations merged (see the file comment). */
function readParams(c: Cursor): Params {
  const plain: Params = [];
  const ext: { key: string; idx: number; extended: boolean; value: string }[] = [];
  for (;;) {
    c.skip();
    if (c.done) break;
    if (c.peek() !== ';') {
      c.i++; // junk between parameters: step over it and try again
      continue;
    }
    c.i++;
    c.skip();
    const key = c.token();
    c.skip();
    if (!key || c.peek() !== '=') continue;
    c.i++;
    c.skip();
    const value = c.peek() === '"' ? c.quoted() : c.token();
    const star = key.indexOf('*');
    if (star >= 0) {
      // name*, name*0, name*0*: pieces of one RFC 2231 parameter.
      const rest = key.slice(star + 1);
      const digits = /^\d*/.exec(rest)![0];
      const tail = rest.slice(digits.length);
      if (tail === '' || tail === '*') {
        ext.push({ key: key.slice(0, star), idx: digits ? Number(digits) : 0, extended: tail === '*' || rest === '', value });
        continue;
      }
    }
    plain.push([key, value]);
  }
  if (ext.length === 0) return plain;
  ext.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.idx - b.idx));
  for (let i = 0; i < ext.length; ) {
    let j = i;
    let ok = true;
    let anyExtended = false;
    for (let n = 0; j < ext.length && ext[j]!.key.toLowerCase() === ext[i]!.key.toLowerCase(); j++, n++) {
      if (ext[j]!.idx !== n) ok = false;
      if (ext[j]!.extended) anyExtended = true;
    }
    const group = ext.slice(i, j);
    if (!ok) {
      for (const g of group) plain.push([`${g.key}*${g.idx}${g.extended ? '*' : ''}`, g.value]);
    } else {
      let value = !group[0]!.extended && anyExtended ? "''" : '';
      for (const g of group) value += !g.extended && anyExtended ? g.value.replace(/%/g, '%25') : g.value;
      plain.push([anyExtended ? `${group[0]!.key}*` : group[0]!.key, value]);
    }
    i = j;
  }
  return plain;
}

/** Content-Type: type "/" subtype *(";" parameter). A value with no slash has subtype "". */
export function parseContentType(value: string): { type: string; subtype: string; params: Params } | null {
  const c = new Cursor(value);
  c.skip();
  const type = c.token();
  if (!type) return null;
  c.skip();
  let subtype = '';
  if (c.peek() === '/') {
    c.i++;
    c.skip();
    subtype = c.token();
  }
  return { type, subtype, params: readParams(c) };
}

/** Content-Disposition: type *(";" parameter) (RFC 2183 §2). */
export function parseDisposition(value: string): { type: string; params: Params } | null {
  const c = new Cursor(value);
  c.skip();
  const type = c.token();
  return type ? { type, params: readParams(c) } : null;
}

/** Content-Transfer-Encoding: one token, as written (RFC 2045 §6.1). */
export function parseMechanism(value: string): string | null {
  const c = new Cursor(value);
  c.skip();
  return c.token() || null;
}

/** Content-Language: a comma-separated list of tags (RFC 3282 §2). */
export function parseLanguages(value: string): string[] {
  const c = new Cursor(value);
  const out: string[] = [];
  for (;;) {
    c.skip();
    const start = c.i;
    while (!c.done && /[A-Za-z0-9-]/.test(c.peek())) c.i++;
    if (c.i === start) break;
    out.push(c.s.slice(start, c.i));
    c.skip();
    if (c.peek() !== ',') break;
    c.i++;
  }
  return out;
}

export { Cursor as MimeCursor };
