// Writing messages as mboxrd (RFC 4155 §2; qmail's mbox(5)): each message is a From_ line
// ("From " envelope-sender asctime-date), the message with every line that matches /^>*From /
// quoted by one more ">", and a blank line. mboxrd quoting is reversible, so mbox-read.ts gives
// back the exact bytes. A message imported from an mbox keeps its original From_ line and line
// ending style, so importing a file and exporting it again gives the same file byte for byte.
import type { MessageSummary } from '../../../shared/types.js';

const LF = 0x0a;
const GT = 0x3e;
const FROM_ = Buffer.from('From ');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's asctime() in UTC: "Thu Jan  1 00:00:00 1970", the day padded with a space. */
export function asctime(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The From_ line of a message: as imported, or from its envelope sender and arrival time. */
export function fromLineOf(m: Pick<MessageSummary, 'envelope' | 'receivedAt' | 'mboxFrom'>): Buffer {
  if (m.mboxFrom) return Buffer.from(m.mboxFrom, 'latin1');
  // A null reverse-path (RFC 5321 §4.5.5, bounces) is written as MAILER-DAEMON, as MTAs do.
  const sender = m.envelope.mailFrom.replace(/\s+/g, '_') || 'MAILER-DAEMON';
  return Buffer.from(`From ${sender} ${asctime(new Date(m.receivedAt))}\n`, 'latin1');
}

/** True if the line starting at `i` matches /^>*From /. */
function needsQuote(b: Buffer, i: number): boolean {
  while (i < b.length && b[i] === GT) i++;
  return b.length - i >= FROM_.length && b.compare(FROM_, 0, FROM_.length, i, i + FROM_.length) === 0;
}

/** One message as mboxrd: From_ line, quoted message, ending newline if missing, blank line. */
export function mboxEntry(fromLine: Buffer, raw: Buffer): Buffer[] {
  const out: Buffer[] = [fromLine];
  // The blank line after a message uses the From_ line's line ending (a CRLF file stays CRLF).
  const eol = fromLine.length >= 2 && fromLine[fromLine.length - 2] === 0x0d ? Buffer.from('\r\n') : Buffer.from('\n');
  let run = 0;
  for (let i = 0; i < raw.length; ) {
    if (needsQuote(raw, i)) {
      out.push(raw.subarray(run, i), Buffer.from('>'));
      run = i;
    }
    const lf = raw.indexOf(LF, i);
    if (lf < 0) break;
    i = lf + 1;
  }
  out.push(raw.subarray(run));
  if (raw.length && raw[raw.length - 1] !== LF) out.push(eol);
  out.push(eol);
  return out;
}
