// APPEND mailbox [flags] [date-time] literal (RFC 3501 §6.3.11), with synchronising literals
// and LITERAL+ (RFC 7888), answered with APPENDUID (RFC 4315 §3).
import { parseImapDate } from '../encode.js';
import type { Outcome } from '../requests.js';
import type { ImapServer } from '../server.js';
import { ask } from './ask.js';
import type { Command, Step } from './index.js';
import { readMailbox } from './mailbox-name.js';

export function appendCmd(s: ImapServer, c: Command): Step | void {
  const a = c.args;
  const folder = readMailbox(a);
  if (folder === null || !a.sp()) return s.bad(c, 'Syntax: APPEND mailbox [(flags)] [date-time] literal');
  let flags: string[] = [];
  if (a.peek() === '(') {
    const f = a.list(() => a.flag());
    if (!f || !a.sp()) return s.bad(c, 'Invalid flag list in APPEND');
    flags = f;
  }
  let date: Date | null = null;
  if (a.peek() === '"') {
    const text = a.string();
    date = text === null ? null : parseImapDate(text, true);
    if (!date || !a.sp()) return s.bad(c, 'Invalid date-time in APPEND');
  }
  const message = a.literal();
  if (!message || !a.atEnd()) return s.bad(c, 'APPEND needs the message as a literal');
  return (function* (): Step {
    const r = yield* ask<{ uidValidity: number; uid: number } | Outcome>({ op: 'append', folder, flags, date: date?.toISOString() ?? null, message });
    if ('ok' in r) return s.no(c, r.ok ? 'APPEND failed' : r.text, r.ok ? undefined : r.code);
    s.ok(c, 'APPEND completed', `APPENDUID ${r.uidValidity} ${r.uid}`);
  })();
}
