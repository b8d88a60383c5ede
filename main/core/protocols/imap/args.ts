// Reading a framed command's arguments (RFC 3501 §9 grammar): atoms, quoted strings, literals,
// parenthesised lists. A command arrives as text parts with literal parts between them (see
// framer.ts); the reader walks across them, so a literal can stand wherever a string can.
// Strings come back as binary strings (one char per byte). Every method returns null, or
// false, instead of throwing: a handler turns that into BAD.
import type { FramePart } from './framer.js';

/** ATOM-CHAR: any CHAR except atom-specials (RFC 3501 §9). */
const ATOM = /[^\x00-\x20\x7f-\xff(){%*"\\\]]/;
/** ASTRING-CHAR adds "]"; list-wildcards "%" and "*" are allowed in LIST patterns. */
const ASTRING = /[^\x00-\x20\x7f-\xff(){%*"\\]/;
const LIST_CHAR = /[^\x00-\x20\x7f-\xff(){"\\]/;

export class Args {
  private pi = 0;
  private ci = 0;

  constructor(private readonly parts: readonly FramePart[]) {
    this.settle();
  }

  /** Step over an exhausted text part onto a literal or the next text. */
  private settle(): void {
    for (;;) {
      const p = this.parts[this.pi];
      if (!p || !('text' in p) || this.ci < p.text.length) return;
      const next = this.parts[this.pi + 1];
      if (!next) return;
      if ('literal' in next) return; // positioned just before a literal
      this.pi++;
      this.ci = 0;
    }
  }

  private get text(): string {
    const p = this.parts[this.pi];
    return p && 'text' in p ? p.text : '';
  }

  /** The next char of text, or '' at a literal or at the end. */
  peek(): string {
    return this.text[this.ci] ?? '';
  }

  private atLiteral(): boolean {
    const next = this.parts[this.pi + 1];
    return this.ci >= this.text.length && !!next && 'literal' in next;
  }

  atEnd(): boolean {
    return this.ci >= this.text.length && this.pi >= this.parts.length - 1;
  }

  /** One char if it is next. */
  take(ch: string): boolean {
    if (this.peek().toUpperCase() !== ch.toUpperCase() || ch === '') return false;
    this.ci++;
    this.settle();
    return true;
  }

  sp(): boolean {
    return this.take(' ');
  }

  /** A run of chars matching `re` (one char at a time); '' when there is none. */
  read(re: RegExp): string {
    return this.run(re);
  }

  /** The word ahead, not consumed. */
  peekWord(): string {
    return /^[^ ()]*/.exec(this.text.slice(this.ci))![0];
  }

  private run(re: RegExp): string {
    const t = this.text;
    const start = this.ci;
    while (this.ci < t.length && re.test(t[this.ci]!)) this.ci++;
    const s = t.slice(start, this.ci);
    this.settle();
    return s;
  }

  atom(): string | null {
    return this.run(ATOM) || null;
  }

  /** A run of chars up to a space or a closing paren (sequence sets, dates, section specs). */
  word(): string | null {
    return this.run(/[^ ()]/) || null;
  }

  private quoted(): string | null {
    if (this.peek() !== '"') return null;
    const t = this.text;
    let out = '';
    for (let i = this.ci + 1; i < t.length; i++) {
      const c = t[i]!;
      if (c === '"') {
        this.ci = i + 1;
        this.settle();
        return out;
      }
      if (c === '\\') {
        const n = t[++i];
        if (n !== '"' && n !== '\\') return null;
        out += n;
      } else out += c;
    }
    return null;
  }

  /** A literal's bytes, when one is next ("~" before it marks literal8). */
  literal(): Buffer | null {
    if (this.peek() === '~' && this.ci === this.text.length - 1) {
      const next = this.parts[this.pi + 1];
      if (next && 'literal' in next) this.ci++;
    }
    if (!this.atLiteral()) return null;
    const lit = (this.parts[this.pi + 1] as { literal: Buffer }).literal;
    this.pi += 2;
    this.ci = 0;
    this.settle();
    return lit;
  }

  string(): string | null {
    if (this.peek() === '"') return this.quoted();
    const lit = this.literal();
    return lit ? lit.toString('latin1') : null;
  }

  astring(): string | null {
    const s = this.string();
    if (s !== null) return s;
    return this.run(ASTRING) || null;
  }

  /** A LIST/LSUB pattern: an astring that may hold the wildcards "%" and "*". */
  listPattern(): string | null {
    const s = this.string();
    if (s !== null) return s;
    return this.run(LIST_CHAR) || null;
  }

  nstring(): string | null | undefined {
    const save = [this.pi, this.ci] as const;
    const a = this.atom();
    if (a?.toUpperCase() === 'NIL') return null;
    [this.pi, this.ci] = save;
    return this.string() ?? undefined;
  }

  /** "(" items separated by spaces ")", each read by `item`; null on any error. */
  list<T>(item: () => T | null): T[] | null {
    if (!this.take('(')) return null;
    const out: T[] = [];
    if (this.take(')')) return out;
    for (;;) {
      const v = item();
      if (v === null) return null;
      out.push(v);
      if (this.take(')')) return out;
      if (!this.sp()) return null;
    }
  }

  /** A flag: "\" atom or a keyword atom (RFC 3501 flag). */
  flag(): string | null {
    if (this.take('\\')) {
      if (this.take('*')) return '\\*';
      const a = this.atom();
      return a ? `\\${a}` : null;
    }
    return this.atom();
  }

  number(): number | null {
    const w = this.run(/[0-9]/);
    return w && w.length <= 10 ? Number(w) : null;
  }
}
