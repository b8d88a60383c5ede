import type { SmtpServer } from '../server.js';

/** DATA (RFC 5321 §4.1.1.4). */
export function data(s: SmtpServer, args: string): void {
  if (args.trim()) return s.fail(501, '5.5.4', 'Syntax: DATA');
  if (s.tx.mailFrom === null) return s.fail(503, '5.5.1', 'Error: need MAIL command');
  if (s.tx.rcptTo.length === 0) return s.fail(503, '5.5.1', 'Error: need RCPT command');
  // RFC 3030 §3: DATA cannot follow BDAT, nor carry BINARYMIME.
  if (s.tx.bdat) return s.fail(503, '5.5.1', 'Error: DATA after BDAT');
  if (s.tx.params.BODY === 'BINARYMIME') return s.fail(503, '5.5.1', 'Error: BINARYMIME needs BDAT');
  s.reply(354, null, 'End data with <CR><LF>.<CR><LF>');
  s.beginData();
}

/** BDAT size [LAST] (RFC 3030 §2). */
export function bdat(s: SmtpServer, args: string): void {
  const m = /^(\d{1,15})(?:\s+(LAST))?\s*$/i.exec(args);
  if (!m) {
    // Without a size the chunk cannot be framed; the only safe answer is to hang up.
    s.reply(501, '5.5.4', 'Syntax: BDAT size [LAST]');
    s.close();
    return;
  }
  const size = Number(m[1]);
  const last = !!m[2];
  if (s.tx.mailFrom === null || s.tx.rcptTo.length === 0) {
    // RFC 3030 §2: the chunk is still read, so that framing survives, and then refused.
    s.beginBdat(size, last, s.tx.mailFrom === null ? 'Error: need MAIL command' : 'Error: need RCPT command');
    return;
  }
  s.beginBdat(size, last);
}
