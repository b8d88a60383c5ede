import type { SmtpServer } from '../server.js';
import { SASL_MECHANISMS } from '../../sasl-server.js';

/** The EHLO keywords, in the order they are advertised (RFC 5321 §4.1.1.1). */
export function ehloKeywords(s: SmtpServer): string[] {
  const k = [
    'PIPELINING', // RFC 2920
    `SIZE ${s.config.maxMessageSize}`, // RFC 1870
    '8BITMIME', // RFC 6152
    'SMTPUTF8', // RFC 6531
    'ENHANCEDSTATUSCODES', // RFC 2034
    'CHUNKING', // RFC 3030
    'BINARYMIME', // RFC 3030
  ];
  if (s.config.tlsAvailable && !s.tls) k.push('STARTTLS'); // RFC 3207 §4.2: not after TLS is up
  if (!s.user) k.push(`AUTH ${SASL_MECHANISMS.join(' ')}`); // RFC 4954 §3; XOAUTH2 and OAUTHBEARER: RFC 7628 §3
  k.push('HELP');
  return k;
}

function greet(s: SmtpServer, args: string, esmtp: boolean): void {
  const name = args.trim();
  if (!name || /\s/.test(name)) {
    s.fail(501, '5.5.4', `Syntax: ${esmtp ? 'EHLO' : 'HELO'} hostname`);
    return;
  }
  // RFC 5321 §4.1.4: EHLO/HELO resets any transaction in progress.
  s.resetTransaction();
  s.helo = name;
  s.esmtp = esmtp;
  s.errors = 0;
  if (esmtp) s.reply(250, null, `${s.config.hostname} Hello ${name}`, ...ehloKeywords(s));
  else s.reply(250, null, `${s.config.hostname} Hello ${name}`);
}

export const ehlo = (s: SmtpServer, args: string): void => greet(s, args, true);
export const helo = (s: SmtpServer, args: string): void => greet(s, args, false);
