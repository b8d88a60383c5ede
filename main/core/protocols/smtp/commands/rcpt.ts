import type { SmtpServer } from '../server.js';
import { isAscii, parsePath } from './path.js';
import { utf8FromLatin1 } from '../../text.js';

/** RCPT TO (RFC 5321 §4.1.1.3). Every recipient is accepted: nothing is ever delivered. */
export function rcpt(s: SmtpServer, args: string): void {
  if (s.tx.mailFrom === null) return s.fail(503, '5.5.1', 'Error: need MAIL command');
  const parsed = parsePath(args, 'TO');
  if (typeof parsed === 'string') return s.fail(501, '5.5.4', parsed);
  if (!parsed.address) return s.fail(501, '5.1.3', 'Error: empty recipient');
  if (Object.keys(parsed.params).length) return s.fail(555, '5.5.4', 'Error: RCPT parameters are not supported');
  if (!isAscii(parsed.address) && !s.tx.params.SMTPUTF8)
    return s.fail(553, '5.6.7', 'Error: a non-ASCII address needs SMTPUTF8 (RFC 6531 §3.4)');
  // RFC 5321 §4.5.3.1.10: too many recipients is a temporary failure, 452.
  if (s.tx.rcptTo.length >= s.config.maxRecipients) return s.reply(452, '4.5.3', 'Error: too many recipients');
  s.tx.rcptTo.push(utf8FromLatin1(parsed.address));
  s.errors = 0;
  s.reply(250, '2.1.5', 'Ok');
}
