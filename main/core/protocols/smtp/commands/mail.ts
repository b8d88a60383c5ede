import type { SmtpServer } from '../server.js';
import { isAscii, parsePath } from './path.js';
import { utf8FromLatin1 } from '../../text.js';

const BODY_TYPES = new Set(['7BIT', '8BITMIME', 'BINARYMIME']);

/** MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870), BODY (RFC 6152, 3030) and SMTPUTF8 (RFC 6531). */
export function mail(s: SmtpServer, args: string): void {
  if (!s.helo) return s.fail(503, '5.5.1', 'Error: send HELO/EHLO first');
  if (s.tx.mailFrom !== null) return s.fail(503, '5.5.1', 'Error: nested MAIL command');
  const parsed = parsePath(args, 'FROM');
  if (typeof parsed === 'string') return s.fail(501, '5.5.4', parsed);
  const { params } = parsed;
  if (!s.esmtp && Object.keys(params).length) return s.fail(555, '5.5.4', 'Error: parameters need EHLO');
  for (const [key, value] of Object.entries(params)) {
    switch (key) {
      case 'SIZE': {
        if (value === true || !/^\d{1,15}$/.test(value)) return s.fail(501, '5.5.4', 'Error: bad SIZE parameter');
        // RFC 1870 §6.2: refuse at MAIL when the declared size is over the limit.
        if (Number(value) > s.config.maxMessageSize)
          return s.fail(552, '5.3.4', `Error: message size exceeds the limit of ${s.config.maxMessageSize} bytes`);
        break;
      }
      case 'BODY':
        if (value === true || !BODY_TYPES.has(value.toUpperCase())) return s.fail(501, '5.5.4', 'Error: bad BODY parameter');
        params.BODY = value.toUpperCase();
        break;
      case 'SMTPUTF8':
        if (value !== true) return s.fail(501, '5.5.4', 'Error: SMTPUTF8 takes no value');
        break;
      case 'AUTH': // RFC 4954 §5: accepted and recorded.
        break;
      default:
        // RFC 5321 §4.1.1.11: an unrecognised parameter gets 555.
        return s.fail(555, '5.5.4', `Error: unsupported parameter ${key}`);
    }
  }
  if (!isAscii(parsed.address) && !params.SMTPUTF8)
    return s.fail(553, '5.6.7', 'Error: a non-ASCII address needs SMTPUTF8 (RFC 6531 §3.4)');
  s.tx.mailFrom = utf8FromLatin1(parsed.address);
  s.tx.params = params;
  s.errors = 0;
  s.reply(250, '2.1.0', 'Ok');
}
