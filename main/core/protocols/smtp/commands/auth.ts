import type { SmtpServer } from '../server.js';
import { startSasl } from '../sasl.js';

/** AUTH mechanism [initial-response] (RFC 4954 §4). */
export function auth(s: SmtpServer, args: string): void {
  if (!s.helo || !s.esmtp) return s.fail(503, '5.5.1', 'Error: send EHLO first');
  if (s.user) return s.fail(503, '5.5.1', 'Error: already authenticated'); // RFC 4954 §4
  if (s.tx.mailFrom !== null) return s.fail(503, '5.5.1', 'Error: AUTH not allowed during a mail transaction');
  const m = /^(\S+)(?:\s+(\S+))?\s*$/.exec(args);
  if (!m) return s.fail(501, '5.5.4', 'Syntax: AUTH mechanism [initial-response]');
  startSasl(s, m[1]!.toUpperCase(), m[2] ?? null);
}
