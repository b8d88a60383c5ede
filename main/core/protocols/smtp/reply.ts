// SMTP replies (RFC 5321 §4.2): formatting for the server, parsing for the dissector.
import type { Reply, ReplyLine, ReplyStatus } from '../../../../shared/types.js';
import { ascii } from '../types.js';

/** Format a reply; several text lines make a multi-line reply ("250-…", then "250 …"). */
export function formatReply(code: number, enhanced: string | null, ...lines: string[]): Uint8Array {
  const texts = lines.length ? lines : [''];
  let out = '';
  texts.forEach((text, i) => {
    const sep = i === texts.length - 1 ? ' ' : '-';
    const prefix = enhanced ? `${enhanced} ` : '';
    out += `${code}${sep}${prefix}${text}\r\n`;
  });
  return ascii(out);
}

/** One reply line parsed: "250-2.1.0 Ok" → code, continuation flag, enhanced code, text. */
export function parseReplyLine(line: string): { line: ReplyLine; more: boolean } | null {
  const m = /^(\d{3})([ -]?)(.*)$/s.exec(line);
  if (!m) return null;
  const [, code, sep, rest] = m;
  // Enhanced status codes, RFC 3463 §2: class.subject.detail.
  const e = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)(.*)$/s.exec(rest!);
  return {
    line: { code: code!, enhanced: e ? e[1]! : null, text: e ? e[2]! : rest! },
    more: sep === '-',
  };
}

export function replyStatus(code: string): ReplyStatus {
  switch (code[0]) {
    case '2':
      return 'ok';
    case '3':
      return 'intermediate';
    case '4':
      return 'transient';
    default:
      return 'permanent';
  }
}

/** Collects reply lines until the last line of a multi-line reply. */
export class ReplyAssembler {
  private lines: ReplyLine[] = [];

  /** Feed one line; returns the whole reply when it is complete. */
  push(text: string, t: number): Reply | null {
    const parsed = parseReplyLine(text);
    if (!parsed) {
      // Not a reply line at all: keep it visible rather than drop it.
      this.lines.push({ code: '???', enhanced: null, text });
      return this.finish(t, '???');
    }
    this.lines.push(parsed.line);
    return parsed.more ? null : this.finish(t, parsed.line.code);
  }

  get pending(): boolean {
    return this.lines.length > 0;
  }

  private finish(t: number, code: string): Reply {
    const lines = this.lines;
    this.lines = [];
    return { t, lines, status: code === '???' ? 'permanent' : replyStatus(code) };
  }
}
