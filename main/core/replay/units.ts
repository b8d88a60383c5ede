// Response units: what a client waits for before it sends again. A replay counts them to know
// when the target's response to a step is complete, the same way over the recorded stream (to
// learn how many each step had) and over the live one. Built on the protocols' own framers:
// SMTP replies end at the line without "-" (RFC 5321 §4.2.1); a POP3 "+OK" to RETR, TOP, CAPA
// and bare LIST/UIDL/AUTH has a body up to "." (RFC 1939 §3, RFC 2449 §5); an IMAP command ends
// at its tagged response, untagged data and literals included (RFC 9051 §2.2.2, §4.3).
// A "+" continuation (RFC 4954 §4, RFC 5034 §4, RFC 9051 §7.5) and SMTP's 334/354 are units too.
import type { Protocol } from '../../../shared/types.js';
import { LineReader } from '../protocols/line-reader.js';
import { isMultiline } from '../protocols/pop3/dissector.js';
import { ReplyAssembler } from '../protocols/smtp/reply.js';

export interface ResponseUnit {
  kind: 'final' | 'continue';
  /** Positive: SMTP 2xx/3xx, POP3 +OK, IMAP OK/PREAUTH. */
  ok: boolean;
  /** The deciding line: SMTP's last reply line, POP3's status line, IMAP's tagged line or "+…". */
  line: string;
  /** The unit's bytes as received, untagged IMAP data and bodies included. */
  bytes: Buffer;
}

export interface UnitFramer {
  /** Bytes the client sent (POP3 needs the commands to know which answers have bodies). */
  client(bytes: Uint8Array): void;
  /** Bytes from the server; returns the units they completed. */
  server(bytes: Uint8Array): ResponseUnit[];
}

/** Lines longer than this are framed but not kept whole; a hostile peer cannot grow the buffer. */
const LINE_LIMIT = 1024 * 1024;
const LITERAL_AT_END = /~?\{(\d{1,20})\+?\}$/;

class SmtpUnits implements UnitFramer {
  private lines = new LineReader(LINE_LIMIT);
  private replies = new ReplyAssembler();
  private raw: Buffer[] = [];

  client(): void {}

  server(bytes: Uint8Array): ResponseUnit[] {
    const out: ResponseUnit[] = [];
    this.lines.push(bytes);
    for (let l = this.lines.next(); l; l = this.lines.next()) {
      this.raw.push(l.raw);
      const reply = this.replies.push(l.tooLong ? '(line too long)' : l.text, 0);
      if (!reply) continue;
      const last = reply.lines[reply.lines.length - 1]!;
      const code = last.code;
      out.push({
        kind: code === '334' || code === '354' ? 'continue' : 'final',
        ok: code[0] === '2' || code[0] === '3',
        line: `${code} ${last.enhanced ? `${last.enhanced} ` : ''}${last.text}`.trimEnd(),
        bytes: Buffer.concat(this.raw),
      });
      this.raw = [];
    }
    return out;
  }
}

class Pop3Units implements UnitFramer {
  private clientLines = new LineReader(LINE_LIMIT);
  private lines = new LineReader(LINE_LIMIT);
  /** Client lines not answered yet: commands, or SASL responses after a "+". */
  private asked: { verb: string; args: string }[] = [];
  private greeted = false;
  private body: { line: string; raw: Buffer[] } | null = null;

  client(bytes: Uint8Array): void {
    this.clientLines.push(bytes);
    for (let l = this.clientLines.next(); l; l = this.clientLines.next()) {
      const m = /^(\S*)(?: (.*))?$/s.exec(l.text);
      this.asked.push({ verb: (m?.[1] ?? '').toUpperCase(), args: m?.[2] ?? '' });
    }
  }

  server(bytes: Uint8Array): ResponseUnit[] {
    const out: ResponseUnit[] = [];
    this.lines.push(bytes);
    for (let l = this.lines.next(); l; l = this.lines.next()) {
      if (this.body) {
        this.body.raw.push(l.raw);
        if (l.text === '.') {
          out.push({ kind: 'final', ok: true, line: this.body.line, bytes: Buffer.concat(this.body.raw) });
          this.body = null;
        }
        continue;
      }
      const text = l.text;
      const cont = text === '+' || text.startsWith('+ ');
      const ok = text.startsWith('+OK');
      if (!this.greeted) {
        this.greeted = true;
        out.push({ kind: 'final', ok, line: text, bytes: l.raw });
        continue;
      }
      const q = this.asked.shift();
      if (!cont && ok && q && isMultiline(q.verb, q.args)) {
        this.body = { line: text, raw: [l.raw] };
        continue;
      }
      out.push({ kind: cont ? 'continue' : 'final', ok: ok || cont, line: text, bytes: l.raw });
    }
    return out;
  }
}

class ImapUnits implements UnitFramer {
  private lines = new LineReader(LINE_LIMIT);
  private literal = 0;
  private raw: Buffer[] = [];
  /** The first line of the response being read (a literal can continue it over several lines). */
  private first: string | null = null;
  private seen = false;

  client(): void {}

  server(bytes: Uint8Array): ResponseUnit[] {
    const out: ResponseUnit[] = [];
    this.lines.push(bytes);
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (this.literal > 0) {
        const b = this.lines.drain();
        if (!b.length) break;
        const take = Math.min(b.length, this.literal);
        this.raw.push(b.subarray(0, take));
        this.literal -= take;
        this.lines.push(b.subarray(take));
        continue;
      }
      const l = this.lines.next();
      if (!l) break;
      this.first ??= l.text;
      this.raw.push(l.raw);
      const lit = LITERAL_AT_END.exec(l.text);
      if (lit) {
        this.literal = Number(lit[1]);
        continue;
      }
      const line = this.first;
      this.first = null;
      const greeting = !this.seen;
      this.seen = true;
      if (line.startsWith('+')) out.push(this.unit('continue', true, line));
      else if (line.startsWith('* ')) {
        // The greeting is the first response (RFC 9051 §7.1); later untagged data rides along
        // with the tagged response that follows it.
        if (greeting) out.push(this.unit('final', /^\* (OK|PREAUTH)\b/i.test(line), line));
      } else out.push(this.unit('final', /^\S+ OK\b/i.test(line), line));
    }
    return out;
  }

  private unit(kind: ResponseUnit['kind'], ok: boolean, line: string): ResponseUnit {
    const bytes = Buffer.concat(this.raw);
    this.raw = [];
    return { kind, ok, line, bytes };
  }
}

export function unitFramer(protocol: Protocol): UnitFramer {
  if (protocol === 'smtp') return new SmtpUnits();
  if (protocol === 'pop3') return new Pop3Units();
  return new ImapUnits();
}
