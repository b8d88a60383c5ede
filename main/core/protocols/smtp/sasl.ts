// AUTH for the SMTP sink (RFC 4954): the mechanisms live in ../sasl-server.ts; this file turns
// their results into SMTP replies (334 challenges, 235, 535, 501, 504).
import type { SmtpServer } from './server.js';
import { SaslServer, type SaslResult } from '../sasl-server.js';

export interface SaslExchange {
  onLine(s: SmtpServer, line: string): void;
}

function apply(s: SmtpServer, r: SaslResult, mechanism: string): void {
  if (r.type === 'challenge') {
    s.reply(334, null, r.challenge);
    return;
  }
  s.sasl = null;
  s.phase = 'command';
  if (r.type === 'done') {
    if (r.ok) {
      s.user = r.user;
      s.errors = 0;
      s.reply(235, '2.7.0', 'Authentication successful');
    } else s.fail(535, '5.7.8', 'Error: authentication credentials invalid');
    return;
  }
  switch (r.reason) {
    case 'cancelled':
      return s.fail(501, '5.7.0', 'Authentication cancelled'); // RFC 4954 §4
    case 'bad-base64':
      return s.fail(501, '5.5.2', 'Error: invalid base64 in AUTH response');
    case 'malformed':
      return s.fail(501, '5.5.2', `Error: malformed ${mechanism} response`);
    case 'no-initial-response':
      return s.fail(501, '5.5.2', `Error: ${mechanism} takes no initial response`);
    case 'unsupported':
      return s.fail(504, '5.5.4', `Error: unsupported authentication mechanism ${mechanism}`);
  }
}

/** Start an AUTH exchange; `initial` is the optional initial response (RFC 4954 §4). */
export function startSasl(s: SmtpServer, mechanism: string, initial: string | null): void {
  if (!SaslServer.supports(mechanism)) return apply(s, { type: 'error', reason: 'unsupported' }, mechanism);
  const sasl = new SaslServer(mechanism, s.config.credentials, s.config.challenge);
  s.sasl = { onLine: (s2, line) => apply(s2, sasl.respond(line), mechanism) };
  s.phase = 'sasl';
  apply(s, sasl.begin(initial), mechanism);
}
