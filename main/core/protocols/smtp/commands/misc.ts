import type { SmtpServer } from '../server.js';

export function rset(s: SmtpServer, args: string): void {
  if (args.trim()) return s.fail(501, '5.5.4', 'Syntax: RSET');
  s.resetTransaction(); // RFC 5321 §4.1.1.5
  s.reply(250, '2.0.0', 'Ok');
}

export function noop(s: SmtpServer): void {
  s.reply(250, '2.0.0', 'Ok'); // RFC 5321 §4.1.1.9: a parameter is allowed and ignored
}

/** RFC 5321 §3.5.3: 252 says "cannot verify, but will accept", which is the truth for a sink. */
export function vrfy(s: SmtpServer, args: string): void {
  if (!args.trim()) return s.fail(501, '5.5.4', 'Syntax: VRFY address');
  s.reply(252, '2.5.0', 'Cannot VRFY user, but will accept message and attempt delivery');
}

export function help(s: SmtpServer): void {
  s.reply(
    214,
    '2.0.0',
    'mailtap catches every message; nothing is delivered.',
    'Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT STARTTLS AUTH',
    'End of HELP info',
  );
}

export function quit(s: SmtpServer): void {
  s.reply(221, '2.0.0', 'Bye');
  s.close();
}

export function notImplemented(s: SmtpServer, _args: string, verb: string): void {
  s.fail(502, '5.5.1', `Error: ${verb} not implemented`);
}
