// What a client sends, as items a server replay can match one by one: command lines, and the
// data that belongs to a command (an SMTP DATA body up to CRLF.CRLF, RFC 5321 §4.1.1.4; a BDAT
// chunk, RFC 3030 §2; a SASL response line, RFC 4954 §4 and kin; an IMAP literal and the rest
// of its command, RFC 9051 §4.3). How the next bytes read depends on what the server said
// last (354, 334, "+"), which the caller tells through answered().
import type { Protocol } from '../../../shared/types.js';
import { LineReader } from '../protocols/line-reader.js';
import type { ResponseUnit } from './units.js';

export interface ClientItem {
  /** What is matched: the verb ("MAIL", "UID FETCH", "AUTH PLAIN"), or "*DATA", "*SASL", "*LITERAL", "*CONT". */
  key: string;
  /** IMAP: the tag of the command this item belongs to. */
  tag?: string;
  /** The line as sent, for reports (an item of data shows as its kind). */
  text: string;
}

type Mode = 'command' | 'data' | 'sasl' | 'literal' | 'cont';

const LINE_LIMIT = 1024 * 1024;
const LITERAL_AT_END = /~?\{(\d{1,20})(\+?)\}$/;

export class ClientItemReader {
  private lines = new LineReader(LINE_LIMIT);
  private mode: Mode = 'command';
  /** Octets still to come of a BDAT chunk or an IMAP literal. */
  private octets = 0;
  /** An IMAP command being read over literals, or an SMTP BDAT waiting for its chunk. */
  private partial: ClientItem | null = null;
  /** IMAP: a synchronising literal announced; the server's "+" lets it come. */
  private syncLiteral = 0;
  private tag: string | undefined;

  constructor(private readonly protocol: Protocol) {}

  push(bytes: Uint8Array): void {
    this.lines.push(bytes);
  }

  /** After STARTTLS: bytes that came with the plaintext are dropped (RFC 3207 §4.2). */
  resetForTls(): number {
    const n = this.lines.drain().length;
    this.mode = 'command';
    this.partial = null;
    this.octets = 0;
    return n;
  }

  /** The server completed a response unit: it decides how the following bytes read. */
  answered(u: ResponseUnit): void {
    if (u.kind === 'final') {
      this.mode = 'command';
      this.syncLiteral = 0; // a refused synchronising literal never comes (RFC 9051 §7.5)
      return;
    }
    if (this.protocol === 'smtp') this.mode = /^354\b/.test(u.line) ? 'data' : 'sasl';
    else if (this.protocol === 'pop3') this.mode = 'sasl';
    else if (this.syncLiteral > 0) {
      this.octets = this.syncLiteral;
      this.syncLiteral = 0;
      this.mode = 'literal';
      this.partial = { key: '*LITERAL', ...(this.tag ? { tag: this.tag } : {}), text: '(literal)' };
    } else this.mode = 'cont';
  }

  /** The next whole item, or null when more bytes are needed. Bounded by the bytes buffered. */
  next(): ClientItem | null {
    for (;;) {
      if (this.octets > 0) {
        const b = this.lines.drain();
        if (!b.length) return null;
        const take = Math.min(b.length, this.octets);
        this.octets -= take;
        this.lines.push(b.subarray(take));
        if (this.octets > 0) return null;
        if (this.protocol === 'smtp') return this.take();
        continue; // IMAP: the command goes on after the literal
      }
      const l = this.lines.next();
      if (!l) return null;
      const text = l.tooLong ? '(line too long)' : l.text;
      switch (this.mode) {
        case 'data':
          if (text === '.') {
            this.mode = 'command';
            return { key: '*DATA', text: '(message data)' };
          }
          continue;
        case 'sasl':
          this.mode = 'command';
          return { key: '*SASL', text: '(SASL response)' };
        case 'cont':
          this.mode = 'command';
          return { key: '*CONT', ...(this.tag ? { tag: this.tag } : {}), text };
        case 'literal':
        case 'command': {
          const item = this.partial ?? this.command(text);
          this.partial = item;
          if (this.protocol === 'smtp' && item.key === 'BDAT') {
            this.octets = Number(/^BDAT (\d+)/i.exec(text)?.[1] ?? 0);
            if (this.octets > 0) return null;
            return this.take();
          }
          const lit = this.protocol === 'imap' ? LITERAL_AT_END.exec(text) : null;
          if (lit && lit[2] === '+') {
            this.octets = Number(lit[1]);
            this.mode = 'command';
            continue; // LITERAL+ (RFC 7888): the octets follow at once
          }
          if (lit) this.syncLiteral = Number(lit[1]);
          this.mode = 'command';
          return this.take();
        }
      }
    }
  }

  private take(): ClientItem {
    const item = this.partial!;
    this.partial = null;
    return item;
  }

  private command(text: string): ClientItem {
    if (this.protocol === 'imap') {
      const m = /^(\S+) (\S+)(?: (\S+))?/.exec(text);
      this.tag = m?.[1];
      let verb = (m?.[2] ?? '').toUpperCase();
      if (verb === 'UID' && m?.[3]) verb += ` ${m[3].toUpperCase()}`;
      if (verb === 'AUTHENTICATE' && m?.[3]) verb += ` ${m[3].toUpperCase()}`;
      const secret = verb === 'LOGIN' || verb.startsWith('AUTHENTICATE');
      return { key: verb, ...(this.tag ? { tag: this.tag } : {}), text: secret ? `${this.tag} ${verb}` : text };
    }
    const m = /^(\S+)(?: (\S+))?/.exec(text);
    let verb = (m?.[1] ?? '').toUpperCase();
    if (verb === 'AUTH' && m?.[2]) verb += ` ${m[2].toUpperCase()}`;
    return { key: verb, text: verb === 'PASS' || verb.startsWith('AUTH ') || verb === 'APOP' ? verb : text };
  }
}
